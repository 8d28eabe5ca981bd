/**
 * @module The Microsoft Recommenders stratified split (`python_stratified_split`, protocol "msr").
 *
 * Reproduces `recommenders/datasets/python_splitters.py::_do_stratification` with `is_random=True`:
 * 1. when `minRating > 1`, groups (users, or items with `filterBy: 'item'`) with fewer than `minRating`
 *    interactions are dropped (`min_rating_filter_pandas`);
 * 2. every interaction draws a uniform random key (theirs: `np.random.seed(seed); np.random.rand(n)`);
 * 3. within each group, interactions are ordered by that key and get `rank = position / groupSize`
 *    (position 1-based; `cumcount() + 1` over `count`);
 * 4. thresholds are the cumulative sums of `[ratio, 1 − ratio]` in float64; an interaction goes to train when
 *    `rank ≤ t₀` and to test when `t₀ < rank ≤ t₁`. With ratio 0.75 a group of n keeps ⌊0.75·n⌋ in train: a
 *    user with one interaction has it in test only, 2 → 1/1, 3 → 2/1, 4 → 3/1, 5 → 3/2.
 *
 * The function's own defaults are those of `python_stratified_split` (ratio 0.75, seed 42, `filter_by='user'`,
 * `min_rating=1`). The `msr` protocol (make-split.ts) calls it as the notebook behind the published Microsoft
 * Recommenders MovieLens table does: `python_stratified_split(df, ratio=0.75, min_rating=1, filter_by="item", …)`
 * (examples/06_benchmarks/movielens.ipynb), where `filter_by` also picks the grouping column
 * (`split_by_column = col_user if filter_by == "user" else col_item`), so each *item's* ratings are split 75/25
 * (the benchmark README's "75% of each user's ratings" describes the user variant). Our random keys come from
 * Resonate's xoshiro128**, not NumPy's Mersenne Twister: this is the same protocol with a different random draw,
 * so the test sets differ from theirs and numbers match only up to split noise.
 *
 * Works on unique (user, item) pairs (MovieLens has one rating per pair, so this is their row set).
 */
import { createRng } from '../../core/rng.js';
import { createError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import { DROPPED, groupPairs, pairsOf, partFromAssignment, TEST, TRAIN, type Pairs } from './pairs.js';
import type { Split, SplitPart } from './types.js';

export interface StratifiedSplitOptions {
  /** Fraction of each group's interactions that go to train (default 0.75). */
  ratio?: number;
  /** Stratify by user (the function's default) or by item (what the msr protocol and the published table use). */
  filterBy?: 'user' | 'item';
  /** Drop groups with fewer interactions than this (default 1: keep all). */
  minRating?: number;
  /** Seed of the random keys (default 42, as Microsoft Recommenders). */
  seed?: number;
  /** Carve a validation part from train with the same protocol and seed (default true). */
  validation?: boolean;
}

/** Stratified random split ("msr"); see the module comment for the exact rules. */
export function stratifiedSplit(data: Dataset, options: StratifiedSplitOptions = {}): Split {
  const { ratio = 0.75, filterBy = 'user', minRating = 1, seed = 42, validation = true } = options;
  if (!(ratio > 0 && ratio < 1)) throw createError('INVALID_INPUT', { field: 'ratio', problem: `expected a number in (0, 1), got ${ratio}` });
  if (filterBy !== 'user' && filterBy !== 'item') throw createError('UNKNOWN_OPTION', { kind: 'filterBy', name: String(filterBy), expected: 'user, item' });
  if (!(Number.isInteger(minRating) && minRating >= 1)) throw createError('INVALID_INPUT', { field: 'minRating', problem: `expected an integer ≥ 1, got ${minRating}` });
  const pairs = pairsOf(data);
  const side = stratifiedAssignment(pairs, filterBy === 'user' ? data.users.size : data.items.size, { ratio, filterBy, minRating, seed });
  const part = partFromAssignment(data, pairs, side);
  if (!validation) return part;
  const inner: SplitPart = stratifiedSplit(part.train, { ratio, filterBy, minRating: 1, seed, validation: false });
  return { ...part, validation: inner };
}

/** TRAIN/TEST/DROPPED per pair, following `_do_stratification`. */
export function stratifiedAssignment(
  pairs: Pairs,
  nGroups: number,
  o: { ratio: number; filterBy: 'user' | 'item'; minRating: number; seed: number },
): Uint8Array {
  const n = pairs.user.length;
  const side = new Uint8Array(n).fill(DROPPED);
  // np.cumsum([ratio, 1 - ratio]) in float64.
  const t0 = o.ratio;
  const t1 = o.ratio + (1 - o.ratio);
  // One key per row, drawn in row order, like np.random.rand(n) after np.random.seed(seed).
  const rng = createRng(o.seed);
  const key = new Float64Array(n);
  for (let k = 0; k < n; k++) key[k] = rng.next();
  for (const group of groupPairs(pairs, o.filterBy, nGroups)) {
    const size = group.length;
    if (size === 0 || size < o.minRating) continue;
    // sort_values([group, random]): ties in the key (probability ~0) fall back to row order.
    const order = Array.from(group).sort((a, b) => key[a]! - key[b]! || a - b);
    for (let pos = 0; pos < size; pos++) {
      const rank = (pos + 1) / size;
      side[order[pos]!] = rank <= t0 ? TRAIN : rank <= t1 ? TEST : DROPPED;
    }
  }
  return side;
}
