/**
 * @module Planted-sequence fixture for the sequential recommenders: item i is always followed by item i + 1
 * (mod n). Each user walks a run of consecutive items from a random start, so the right next item after any
 * history is known and chance is 1/n.
 */
import { IdMap } from '../../core/id-map.js';
import { createRng } from '../../core/rng.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import { checkerboard, type Checkerboard } from '../contract/checkerboard.js';

export interface PlantedSequences {
  dataset: Dataset;
  /** Per user: the item that should come next (dense index). */
  next: Int32Array;
  nItems: number;
}

export function plantedNextItem(options: { users?: number; items?: number; minLength?: number; maxLength?: number; seed?: number } = {}): PlantedSequences {
  const nUsers = options.users ?? 120, nItems = options.items ?? 30;
  const lo = options.minLength ?? 4, hi = options.maxLength ?? 10;
  const rng = createRng(options.seed ?? 5);
  const user: number[] = [], item: number[] = [], time: number[] = [];
  const next = new Int32Array(nUsers);
  let t = 0;
  for (let u = 0; u < nUsers; u++) {
    const start = rng.int(nItems), len = lo + rng.int(hi - lo + 1);
    for (let j = 0; j < len; j++) {
      user.push(u);
      item.push((start + j) % nItems);
      time.push(t++);
    }
    next[u] = (start + len) % nItems;
  }
  const dataset = datasetFromInteractions({
    users: IdMap.from(Array.from({ length: nUsers }, (_, u) => `u${u}`)),
    items: IdMap.from(Array.from({ length: nItems }, (_, i) => `i${i}`)),
    user, item, time,
  });
  return { dataset, next, nItems };
}

/**
 * The contract's checkerboard with each user's items in a random order: a next-item model never sees the
 * first item of a sequence as a target, so with the fixed order of `checkerboard()` the first post of each group
 * would only ever be a negative. Same users, items, groups and held-out items.
 */
export function shuffledCheckerboard(seed = 11, usersPerGroup = 8): Checkerboard {
  const fx = checkerboard({ usersPerGroup });
  const log = fx.dataset.log, rng = createRng(seed);
  const byUser = new Map<number, number[]>();
  for (let e = 0; e < log.user.length; e++) {
    const u = log.user[e]!;
    if (!byUser.has(u)) byUser.set(u, []);
    byUser.get(u)!.push(log.item[e]!);
  }
  const user: number[] = [], item: number[] = [], time: number[] = [];
  let t = log.time[0] ?? 0;
  for (const [u, items] of byUser) for (const i of rng.shuffle(items)) { user.push(u); item.push(i); time.push(t += 60_000); }
  const dataset = datasetFromInteractions({ users: fx.dataset.users, items: fx.dataset.items, user, item, time, base: fx.dataset });
  return { ...fx, dataset };
}
