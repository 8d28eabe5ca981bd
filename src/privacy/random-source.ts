/**
 * @module Where the noise of the differentially private releases comes from: a source of uniform integers.
 *
 * Releases use `cryptoRandom` (node:crypto, a CSPRNG): an attacker who could predict or replay a seeded stream
 * could subtract the noise. Tests pass `seededRandom(seed)` (xoshiro128** from src/core/rng.ts) so that their
 * statistics repeat exactly. No file in src/privacy uses JavaScript's built-in unseeded generator (a test checks).
 */
import { randomBytes, randomFillSync, randomInt } from 'node:crypto';
import { createError } from '../core/errors.js';
import { createRng, rngFromBits, type Rng } from '../core/rng.js';

export interface RandomSource {
  /** Uniform integer in [0, n); n ≥ 1. */
  below(n: bigint): bigint;
}

/** node:crypto's randomInt takes a range below 2^48. */
const CRYPTO_INT_RANGE = 2n ** 48n;

function checkBound(n: bigint): void {
  if (n < 1n) throw createError('INVALID_INPUT', { field: 'n', problem: `expected a range of at least 1, got ${n}` });
}

/** Uniform in [0, n) by rejection from `bits`-bit draws: no modulo bias. */
function rejectionBelow(n: bigint, draw: (bytes: number) => bigint): bigint {
  const bits = (n - 1n).toString(2).length;
  const bytes = Math.ceil(bits / 8);
  const mask = (1n << BigInt(bits)) - 1n;
  for (;;) {
    const x = draw(bytes) & mask;
    if (x < n) return x;
  }
}

/** The crypto-strength source every release uses by default. */
export const cryptoRandom: RandomSource = {
  below(n) {
    checkBound(n);
    if (n === 1n) return 0n;
    if (n <= CRYPTO_INT_RANGE) return BigInt(randomInt(Number(n)));
    return rejectionBelow(n, (bytes) => BigInt('0x' + randomBytes(bytes).toString('hex')));
  },
};

/** A repeatable source for tests and benchmarks: never for a release that leaves the process. */
export function seededRandom(seed: number): RandomSource {
  const rng = createRng(seed);
  return {
    below(n) {
      checkBound(n);
      if (n === 1n) return 0n;
      return rejectionBelow(n, (bytes) => {
        let x = 0n;
        for (let i = 0; i < bytes; i += 4) x = (x << 32n) | BigInt(rng.uint32());
        return x;
      });
    },
  };
}

/**
 * An `Rng` whose draws come from node:crypto (4 KiB at a time): for the Poisson batch sampling of DP-SGD, whose
 * amplification argument needs batches an attacker cannot predict. Its `fork()` is a seeded generator.
 */
export function cryptoRng(): Rng {
  const words = new Uint32Array(1024);
  let pos = words.length;
  return rngFromBits(() => {
    if (pos === words.length) { randomFillSync(words); pos = 0; }
    return words[pos++]!;
  });
}
