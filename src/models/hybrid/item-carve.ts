/**
 * @module A validation carve from a training Dataset, stratified by item as the msr protocol splits: each item's
 * (user, item) pairs are shuffled with the seed and the first ⌊keep · n⌋ (rank / n ≤ keep) stay for training, the
 * rest are held out. A model that learns from held-out data (the stacking hybrid) fits its members on the kept part
 * only, so what it learns is scored on interactions those members never saw.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import { csrFromCoo, type Csr } from '../../math/csr.js';

export interface ItemCarve {
  /** The kept pairs as a Dataset sharing the source's IdMaps (texts, tags, authors and follows carried along). */
  readonly train: Dataset;
  /** users × items, 1 for each held-out pair. */
  readonly held: Csr;
}

export function carveByItem(data: Dataset, keep: number, rng: Rng): ItemCarve {
  if (!(keep > 0 && keep < 1)) throw createError('INVALID_INPUT', { field: 'keep', problem: `expected a fraction in (0, 1), got ${keep}` });
  const m = data.interactions;
  const n = m.indices.length;
  const byItem: number[][] = Array.from({ length: m.cols }, () => []);
  const userOf = new Int32Array(n);
  for (let u = 0; u < m.rows; u++) {
    for (let p = m.indptr[u]!; p < m.indptr[u + 1]!; p++) {
      userOf[p] = u;
      byItem[m.indices[p]!]!.push(p);
    }
  }
  const kept = new Uint8Array(n);
  for (const pairs of byItem) {
    rng.shuffle(pairs);
    pairs.forEach((p, pos) => { if ((pos + 1) / pairs.length <= keep) kept[p] = 1; });
  }
  const tu: number[] = [], ti: number[] = [], tw: number[] = [], tt: number[] = [], hu: number[] = [], hi: number[] = [];
  for (let p = 0; p < n; p++) {
    if (kept[p]) { tu.push(userOf[p]!); ti.push(m.indices[p]!); tw.push(m.data[p]!); tt.push(data.interactionTimes[p]!); }
    else { hu.push(userOf[p]!); hi.push(m.indices[p]!); }
  }
  return {
    train: datasetFromInteractions({ users: data.users, items: data.items, user: tu, item: ti, weight: tw, time: tt, base: data }),
    held: csrFromCoo(m.rows, m.cols, hu, hi),
  };
}
