/**
 * @module Per-user leave-last-n-out ("loo"), as SASRec (Kang & McAuley 2018, `data_partition`).
 *
 * Each user's unique items are ordered by their latest interaction time (ties by item index). The last n go
 * to test; validation takes the n before them and its training part is what remains, so for n = 1 the
 * test item is the last, the validation item the second-to-last. Users with fewer than 2n + 1 items
 * (SASRec: fewer than 3) keep everything in train and are not evaluated. The final training set includes
 * the validation items, as SASRec feeds them as history when it scores the test item.
 */
import { createError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import { DROPPED, groupPairs, pairsOf, partFromAssignment, TEST, TRAIN, type Pairs } from './pairs.js';
import type { Split } from './types.js';

export interface LeaveLastOutOptions {
  /** Items held out per user (default 1). */
  n?: number;
  /** Carve the validation part (the n items before the test ones) (default true). */
  validation?: boolean;
}

export function leaveLastOutSplit(data: Dataset, options: LeaveLastOutOptions = {}): Split {
  const { n = 1, validation = true } = options;
  if (!(Number.isInteger(n) && n >= 1)) throw createError('INVALID_INPUT', { field: 'n', problem: `expected an integer ≥ 1, got ${n}` });
  const pairs = pairsOf(data);
  const groups = groupPairs(pairs, 'user', data.users.size);
  const test = lastOut(pairs, groups, n, 0);
  const part = partFromAssignment(data, pairs, test);
  if (!validation) return part;
  // Validation: the n items before the test ones, among users eligible for the test split.
  const val = lastOut(pairs, groups, n, n);
  for (let k = 0; k < val.length; k++) if (test[k] === TEST) val[k] = DROPPED; // the test items stay out of validation entirely
  const inner = partFromAssignment(data, pairs, val);
  return { ...part, validation: inner };
}

/** Marks TEST the n items at positions [len − skip − n, len − skip) of each eligible user (≥ 2n + 1 items). */
function lastOut(pairs: Pairs, groups: Int32Array[], n: number, skip: number): Uint8Array {
  const side = new Uint8Array(pairs.user.length).fill(TRAIN);
  for (const g of groups) {
    if (g.length < 2 * n + 1) continue;
    const order = Array.from(g).sort((a, b) => pairs.time[a]! - pairs.time[b]! || pairs.item[a]! - pairs.item[b]!);
    for (let j = order.length - skip - n; j < order.length - skip; j++) side[order[j]!] = TEST;
  }
  return side;
}
