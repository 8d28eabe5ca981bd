/**
 * @module Top-k lists for many users through the batch `recommend` call, in bounded batches.
 */
import type { Recommender } from '../models/recommender.js';

/** Users per `recommend` batch: bounds the memory of the lists while keeping the batch API busy. */
const BATCH = 256;

/** Each user's top-`depth` items (seen items excluded), best first. */
export function recommendLists(model: Recommender, users: ArrayLike<number>, depth: number): Int32Array[] {
  const lists: Int32Array[] = [];
  const all = Int32Array.from(users as ArrayLike<number>);
  for (let s = 0; s < all.length; s += BATCH) {
    const batch = all.subarray(s, Math.min(all.length, s + BATCH));
    for (const recs of model.recommend(batch, { k: depth, excludeSeen: true })) lists.push(Int32Array.from(recs, (r) => r.item));
  }
  return lists;
}
