/**
 * @module Sampled-negative candidates (SASRec's evaluation, Kang & McAuley 2018): each test user's held-out
 * items are ranked among n items drawn uniformly, without replacement, from the items the user never
 * interacted with anywhere in the data (train or test). Sampled metrics are optimistic and can reorder
 * models (Krichene & Rendle 2020); reports label them as sampled.
 */
import type { Rng } from '../core/rng.js';
import { rowIndices, type Csr } from '../math/csr.js';

/** `n` items (or all available, if fewer) the user never interacted with in `all`, sorted ascending. */
export function sampleNegatives(all: Csr, user: number, n: number, rng: Rng): Int32Array {
  const seen = new Set<number>(rowIndices(all, user));
  const available = all.cols - seen.size;
  if (available <= n) {
    const out: number[] = [];
    for (let i = 0; i < all.cols; i++) if (!seen.has(i)) out.push(i);
    return Int32Array.from(out);
  }
  const picked = new Set<number>();
  if (n * 2 < available) {
    // Rejection sampling: expected draws ≤ 2n when at least half the candidates remain.
    while (picked.size < n) {
      const i = rng.int(all.cols);
      if (!seen.has(i)) picked.add(i);
    }
  } else {
    const pool: number[] = [];
    for (let i = 0; i < all.cols; i++) if (!seen.has(i)) pool.push(i);
    rng.shuffle(pool);
    for (let j = 0; j < n; j++) picked.add(pool[j]!);
  }
  return Int32Array.from(picked).sort();
}
