/**
 * @module Interaction pairs: the unique (user, item) entries of a Dataset as parallel arrays, and the step
 * that turns a train/test assignment of those pairs back into a training Dataset and a test matrix.
 *
 * Splits work on unique pairs, not raw events, so an item a user met twice never lands in both train and
 * test (a seen-item filter would otherwise hide the test item).
 */
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import { csrFromCoo, type Csr } from '../../math/csr.js';
import type { SplitPart } from './types.js';

export interface Pairs {
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Summed interaction weight (the relevance). */
  readonly weight: Float32Array;
  /** Latest interaction time (epoch ms). */
  readonly time: Float64Array;
}

/** The dataset's unique (user, item) pairs in CSR order (by user, then item). */
export function pairsOf(data: Dataset): Pairs {
  const m = data.interactions;
  const n = m.indices.length;
  const user = new Int32Array(n);
  for (let u = 0; u < m.rows; u++) user.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
  return { user, item: m.indices.slice(), weight: m.data.slice(), time: data.interactionTimes.slice(0, n) };
}

/** Where each pair goes. */
export const TRAIN = 0;
export const TEST = 1;
/** Pairs dropped from both sides (filtered users, rounding remainders). */
export const DROPPED = 2;

/** Builds the training Dataset (pairs marked TRAIN) and test matrix (pairs marked TEST), sharing IdMaps. */
export function partFromAssignment(data: Dataset, pairs: Pairs, side: Uint8Array): SplitPart {
  const train = subset(pairs, side, TRAIN);
  const test = subset(pairs, side, TEST);
  return {
    train: datasetFromInteractions({ users: data.users, items: data.items, ...train, base: data }),
    test: csrFromCoo(data.users.size, data.items.size, test.user, test.item, test.weight),
  };
}

/** The pairs marked `which`. */
export function subset(pairs: Pairs, side: Uint8Array, which: number): Pairs {
  let n = 0;
  for (let k = 0; k < side.length; k++) if (side[k] === which) n++;
  const user = new Int32Array(n), item = new Int32Array(n), weight = new Float32Array(n), time = new Float64Array(n);
  let j = 0;
  for (let k = 0; k < side.length; k++) {
    if (side[k] !== which) continue;
    user[j] = pairs.user[k]!;
    item[j] = pairs.item[k]!;
    weight[j] = pairs.weight[k]!;
    time[j] = pairs.time[k]!;
    j++;
  }
  return { user, item, weight, time };
}

/** Indices of the pairs grouped by user (or by item): `groups[g]` lists pair indices in pair order. */
export function groupPairs(pairs: Pairs, by: 'user' | 'item', nGroups: number): Int32Array[] {
  const key = by === 'user' ? pairs.user : pairs.item;
  const counts = new Int32Array(nGroups);
  for (let k = 0; k < key.length; k++) counts[key[k]!]!++;
  const groups = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(nGroups);
  for (let k = 0; k < key.length; k++) groups[key[k]!]![fill[key[k]!]!++] = k;
  return groups;
}

/** Users with at least one test entry (and, when `train` is given, at least one training entry). */
export function testUsers(test: Csr, train?: Csr): Int32Array {
  const out: number[] = [];
  for (let u = 0; u < test.rows; u++) {
    if (test.indptr[u + 1]! === test.indptr[u]!) continue;
    if (train && (u >= train.rows || train.indptr[u + 1]! === train.indptr[u]!)) continue;
    out.push(u);
  }
  return Int32Array.from(out);
}
