/**
 * @module Secure aggregation by pairwise masks (Bonawitz et al. 2017, "Practical Secure Aggregation for
 * Privacy-Preserving Machine Learning", the masking layer without dropout recovery): every pair of the round's
 * clients shares a seed; the client of lower slot adds the seed's pseudo-random mask to its update, the other
 * subtracts it, so every mask cancels in the sum and the server learns the sum only.
 *
 * Cancellation is exact because the arithmetic is in the ring Z_{2^48}: updates are encoded in fixed point
 * (2^24 per unit, so a sum up to ±2^23 decodes exactly), and a ring element is carried in a float64, which holds
 * integers up to 2^53 exactly (a sum of two elements stays below 2^49 before it is reduced).
 *
 * Key agreement (Diffie–Hellman in the paper) is simulated: `simulatedKeyAgreement(seed)` gives each unordered
 * pair of slots a seed for the round, a function the server is assumed not to know. With `neighbours: k` a client
 * masks with k neighbours on a circulant graph instead of all others (the sparse-graph variant of Bell et al. 2020,
 * "Secure Single-Server Aggregation with (Poly)Logarithmic Overhead"); masks still cancel.
 * Not simulated: dropouts (a client that masks and then vanishes leaves its masks in the sum).
 */
import { createError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';

export const RING = 2 ** 48;
const HALF = 2 ** 47;
/** Fixed-point scale of the encoding: 2^24 steps per unit (resolution 6e-8). */
export const FIXED_POINT_SCALE = 2 ** 24;

/** Fixed-point encoding of v in Z_{2^48}. */
export function encode(v: number): number {
  const x = Math.round(v * FIXED_POINT_SCALE);
  if (!(Math.abs(x) < HALF)) throw createError('INVALID_INPUT', { field: 'secure aggregation', problem: `value ${v} outside the fixed-point range ±${HALF / FIXED_POINT_SCALE}` });
  return x < 0 ? x + RING : x;
}

/** Inverse of `encode` (the upper half of the ring is negative). */
export function decode(x: number): number {
  return (x >= HALF ? x - RING : x) / FIXED_POINT_SCALE;
}

export function addMod(a: number, b: number): number {
  const s = a + b;
  return s >= RING ? s - RING : s;
}

export function subMod(a: number, b: number): number {
  const s = a - b;
  return s < 0 ? s + RING : s;
}

/** The shared seed of two slots in a round; symmetric in the slots. */
export interface KeyAgreement {
  pairSeed(round: number, a: number, b: number): number;
}

function mix(h: number, x: number): number {
  h = Math.imul(h ^ (x >>> 0), 0x9e3779b1) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/** Seeds drawn from a seeded generator's secret, one per (round, unordered pair). */
export function simulatedKeyAgreement(seed: number): KeyAgreement {
  const secret = createRng(seed).uint32();
  return {
    pairSeed(round, a, b) {
      const lo = Math.min(a, b), hi = Math.max(a, b);
      return mix(mix(mix(secret, round), lo), hi);
    },
  };
}

/** The slots `slot` shares masks with among m: all others, or the ±1…±⌈k/2⌉ neighbours on a cycle. */
export function maskPartners(slot: number, m: number, neighbours?: number): number[] {
  if (neighbours === undefined || neighbours >= m - 1) return Array.from({ length: m }, (_, b) => b).filter((b) => b !== slot);
  const out = new Set<number>();
  for (let d = 1; d <= Math.ceil(neighbours / 2); d++) {
    out.add((slot + d) % m);
    out.add((slot - d + m) % m);
  }
  out.delete(slot);
  return [...out].sort((x, y) => x - y);
}

/** Adds (slot < partner) or subtracts (slot > partner) the pair's mask to `values` in place. */
function applyMask(values: Float64Array, seed: number, add: boolean): void {
  const rng = createRng(seed);
  for (let c = 0; c < values.length; c++) {
    const mask = (rng.uint32() & 0xffff) * 2 ** 32 + rng.uint32();
    values[c] = add ? addMod(values[c]!, mask) : subMod(values[c]!, mask);
  }
}

/**
 * What a client uploads under secure aggregation: weight · delta and the weight, encoded, plus its pairwise masks
 * with the round's other participants.
 */
export function maskUpdate(
  delta: ArrayLike<number>, weight: number, slot: number, participants: number, round: number, keys: KeyAgreement, neighbours?: number,
): Float64Array {
  const values = new Float64Array(delta.length + 1);
  for (let c = 0; c < delta.length; c++) values[c] = encode(weight * delta[c]!);
  values[delta.length] = encode(weight);
  for (const b of maskPartners(slot, participants, neighbours)) applyMask(values, keys.pairSeed(round, slot, b), slot < b);
  return values;
}

/** Ring sum of the masked uploads, decoded: the sum of weight · delta over clients, and the total weight. */
export function unmaskSum(uploads: readonly Float64Array[], length: number): { sum: Float64Array; weight: number } {
  const acc = new Float64Array(length + 1);
  for (const u of uploads) for (let c = 0; c <= length; c++) acc[c] = addMod(acc[c]!, u[c]!);
  const sum = new Float64Array(length);
  for (let c = 0; c < length; c++) sum[c] = decode(acc[c]!);
  return { sum, weight: decode(acc[length]!) };
}
