/**
 * @module Standard normal noise in bulk for DP-SGD: the Ziggurat method (Marsaglia & Tsang 2000, 128 strips, with
 * Doornik's 2005 fix: the strip index comes from random bits of its own, not from the low bits of the value).
 *
 * Random bits come in chunks (`BITS_CHUNK` 32-bit words at a time) either from node:crypto (`cryptoGaussian`, a
 * CSPRNG: what training uses by default, since an attacker who could predict a seeded stream could subtract the
 * noise) or from a seeded generator (`seededGaussian`, for tests and repeatable runs). Most draws cost one
 * table comparison and one multiply; about 1.2 % go to the wedge or tail test.
 * Like every floating-point Gaussian sampler, it is not hardened against attacks on the float representation
 * of the noisy output (Mironov 2012); the released parameters are floats anyway.
 */
import { randomFillSync } from 'node:crypto';
import type { Rng } from '../core/rng.js';

export interface GaussianNoise {
  /** Fills `out` with independent N(0, 1) draws. */
  fill(out: Float64Array | Float32Array): void;
  /** One N(0, 1) draw. */
  next(): number;
}

/** 32-bit words drawn per refill: 64 KiB of random bytes. */
const BITS_CHUNK = 16_384;
const STRIPS = 128;
/** Start of the tail (r) and the area of each strip (v), Marsaglia & Tsang's constants for 128 strips. */
const R = 3.442619855899;
const V = 9.91256303526217e-3;
const M1 = 2 ** 31;

/** kn: acceptance bound of strip i in units of the int32 value; wn: scale from int32 to x; fn: density at strip edges. */
const { kn, wn, fn } = (() => {
  const kn = new Uint32Array(STRIPS), wn = new Float64Array(STRIPS), fn = new Float64Array(STRIPS);
  let dn = R, tn = R;
  const q = V / Math.exp(-0.5 * dn * dn);
  kn[0] = Math.floor((dn / q) * M1);
  kn[1] = 0;
  wn[0] = q / M1;
  wn[STRIPS - 1] = dn / M1;
  fn[0] = 1;
  fn[STRIPS - 1] = Math.exp(-0.5 * dn * dn);
  for (let i = STRIPS - 2; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = Math.floor((dn / tn) * M1);
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M1;
  }
  return { kn, wn, fn };
})();

/** The Ziggurat over a source of 32-bit words filled `BITS_CHUNK` at a time by `refill`. */
class Ziggurat implements GaussianNoise {
  private readonly words = new Uint32Array(BITS_CHUNK);
  private pos = BITS_CHUNK;
  /** Strip indices: 7 bits each, four per word, separate from the value bits. */
  private stripWord = 0;
  private stripsLeft = 0;

  constructor(private readonly refill: (words: Uint32Array) => void) {}

  private word(): number {
    if (this.pos === BITS_CHUNK) { this.refill(this.words); this.pos = 0; }
    return this.words[this.pos++]!;
  }

  /** Uniform in (0, 1), never 0 (it goes into a log). */
  private uniform(): number {
    return (this.word() + 0.5) / 4294967296;
  }

  private strip(): number {
    if (this.stripsLeft === 0) { this.stripWord = this.word(); this.stripsLeft = 4; }
    const i = this.stripWord & (STRIPS - 1);
    this.stripWord >>>= 8;
    this.stripsLeft--;
    return i;
  }

  /** The rare case: the wedge between the strip's rectangle and the curve, or the tail beyond R. */
  private slow(hz: number, iz: number): number {
    for (;;) {
      const x = hz * wn[iz]!;
      if (iz === 0) {
        // Marsaglia's tail: x = −ln(U₁)/R, accepted when −2 ln(U₂) > x².
        let t: number, y: number;
        do {
          t = -Math.log(this.uniform()) / R;
          y = -Math.log(this.uniform());
        } while (y + y < t * t);
        return hz > 0 ? R + t : -R - t;
      }
      if (fn[iz]! + this.uniform() * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
      hz = this.word() | 0;
      iz = this.strip();
      if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!;
    }
  }

  next(): number {
    const hz = this.word() | 0, iz = this.strip();
    return Math.abs(hz) < kn[iz]! ? hz * wn[iz]! : this.slow(hz, iz);
  }

  fill(out: Float64Array | Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
  }
}

/** Gaussian noise from node:crypto's CSPRNG, 64 KiB of random bytes at a time. */
export function cryptoGaussian(): GaussianNoise {
  return new Ziggurat((words) => randomFillSync(words));
}

/** The same sampler over a seeded generator: repeatable, for tests and benchmarks, never for a release. */
export function seededGaussian(rng: Rng): GaussianNoise {
  return new Ziggurat((words) => {
    for (let i = 0; i < words.length; i++) words[i] = rng.uint32();
  });
}
