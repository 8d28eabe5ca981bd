/**
 * @module Shapley values (Shapley 1953) of a cooperative game over n players given by its value function
 * v(S) on coalitions (bit masks): φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)).
 *
 * Exact up to `EXACT_MAX_PLAYERS` players (2ⁿ evaluations of v, each cached); beyond, the permutation sampling
 * estimator of Castro, Gómez & Tejada (2009): the mean marginal contribution of each player over random orders,
 * with its standard error. Both satisfy efficiency, Σ φ_i = v(N) − v(∅): exactly, and for the sampled estimate
 * per permutation (each order's marginals telescope to v(N) − v(∅)).
 */
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';

/** Exact enumeration up to this many players (2¹² = 4,096 coalitions). */
export const EXACT_MAX_PLAYERS = 12;
/** Bit masks are 31-bit integers. */
const MAX_PLAYERS = 30;

export interface ShapleyValues {
  /** φ_i per player. */
  values: number[];
  /** v(∅). */
  baseline: number;
  /** v(N). */
  total: number;
  /** Standard error of each φ_i (0 when exact). */
  standardErrors: number[];
  exact: boolean;
}

export interface ShapleyOptions {
  /** Permutations sampled above `EXACT_MAX_PLAYERS` players (default 2,000). */
  samples?: number;
  seed?: number;
}

/** Shapley values of the game `value` (a function of a coalition's bit mask) over `players` players. */
export function shapleyValues(players: number, value: (coalition: number) => number, options: ShapleyOptions = {}): ShapleyValues {
  if (!Number.isInteger(players) || players < 0 || players > MAX_PLAYERS) {
    throw createError('INVALID_INPUT', { field: 'players', problem: `expected an integer in 0..${MAX_PLAYERS}, got ${players}` });
  }
  return players <= EXACT_MAX_PLAYERS ? exact(players, value) : sampled(players, value, options);
}

function exact(n: number, value: (coalition: number) => number): ShapleyValues {
  const size = 1 << n;
  const v = new Float64Array(size);
  for (let s = 0; s < size; s++) v[s] = value(s);
  // weight[k] = k!(n−k−1)!/n!, the probability that a random order puts exactly a given k-set before player i.
  const weight = new Float64Array(Math.max(n, 1));
  for (let k = 0; k < n; k++) weight[k] = 1 / (n * binomial(n - 1, k));
  const values = new Array<number>(n).fill(0);
  for (let s = 0; s < size; s++) {
    const k = popcount(s);
    for (let i = 0; i < n; i++) {
      const bit = 1 << i;
      if (s & bit) continue;
      values[i]! += weight[k]! * (v[s | bit]! - v[s]!);
    }
  }
  return { values, baseline: v[0]!, total: v[size - 1]!, standardErrors: new Array<number>(n).fill(0), exact: true };
}

function sampled(n: number, value: (coalition: number) => number, options: ShapleyOptions): ShapleyValues {
  const samples = options.samples ?? 2000;
  const rng = createRng(options.seed ?? 42);
  const order = Array.from({ length: n }, (_, i) => i);
  const sum = new Float64Array(n), sumSq = new Float64Array(n);
  const full = (1 << n) - 1;
  const baseline = value(0), total = value(full);
  for (let t = 0; t < samples; t++) {
    rng.shuffle(order);
    let s = 0, before = baseline;
    for (const i of order) {
      s |= 1 << i;
      const after = s === full ? total : value(s);
      const d = after - before;
      sum[i]! += d;
      sumSq[i]! += d * d;
      before = after;
    }
  }
  const values = Array.from(sum, (x) => x / samples);
  const standardErrors = values.map((m, i) => Math.sqrt(Math.max(0, sumSq[i]! / samples - m * m) / samples));
  return { values, baseline, total, standardErrors, exact: false };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let j = 1; j <= k; j++) r = (r * (n - k + j)) / j;
  return r;
}

function popcount(x: number): number {
  let c = 0;
  for (let y = x; y; y &= y - 1) c++;
  return c;
}
