/** @module Test fixtures of the rating models: ratings with a planted low-rank structure. */
import { createRng } from '../core/rng.js';
import { subsetRatings, type RatingSet } from './rating-data.js';
import { kFolds } from './k-fold.js';

/**
 * r = 3 + b_u + b_i + p_uᵀq_i (rank `rank`, factors N(0, 0.6²), biases N(0, 0.3²)) on a random `density` share of
 * the users × items cells, plus N(0, noise²), split 80/20 by a seeded fold.
 */
export function plantedRatings(options: { users?: number; items?: number; rank?: number; density?: number; noise?: number; seed?: number } = {}): { train: RatingSet; test: RatingSet } {
  const { users = 80, items = 60, rank = 2, density = 0.5, noise = 0, seed = 1 } = options;
  const rng = createRng(seed);
  const p = Array.from({ length: users * rank }, () => rng.normal() * 0.6), q = Array.from({ length: items * rank }, () => rng.normal() * 0.6);
  const bu = Array.from({ length: users }, () => rng.normal() * 0.3), bi = Array.from({ length: items }, () => rng.normal() * 0.3);
  const u: number[] = [], i: number[] = [], v: number[] = [];
  for (let a = 0; a < users; a++) {
    for (let b = 0; b < items; b++) {
      if (rng.next() >= density) continue;
      let r = 3 + bu[a]! + bi[b]! + rng.normal() * noise;
      for (let f = 0; f < rank; f++) r += p[a * rank + f]! * q[b * rank + f]!;
      u.push(a); i.push(b); v.push(r);
    }
  }
  const all: RatingSet = { nUsers: users, nItems: items, user: Int32Array.from(u), item: Int32Array.from(i), value: Float64Array.from(v) };
  const fold = kFolds(v.length, 5, seed)[0]!;
  return { train: subsetRatings(all, fold.train), test: subsetRatings(all, fold.test) };
}
