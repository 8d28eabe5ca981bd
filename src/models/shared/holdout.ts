/**
 * @module Validation carved from the training matrix, for early stopping: each user with at least two
 * interactions moves ⌈fraction · n⌉ of them (at most n − 1, at least one) to a validation matrix, chosen by a
 * seeded shuffle. The test split of an evaluation is never read.
 */
import type { Rng } from '../../core/rng.js';
import { csrFromCoo, type Csr } from '../../math/csr.js';

export interface Holdout {
  /** Interactions kept for training. */
  readonly train: Csr;
  /** Held-out interactions (binary relevance). */
  readonly valid: Csr;
}

export function carveValidation(m: Csr, fraction: number, rng: Rng): Holdout {
  const tr: number[] = [], tc: number[] = [], tv: number[] = [], vr: number[] = [], vc: number[] = [];
  for (let u = 0; u < m.rows; u++) {
    const start = m.indptr[u]!, n = m.indptr[u + 1]! - start;
    const order = Array.from({ length: n }, (_, k) => start + k);
    const hold = n >= 2 && fraction > 0 ? Math.min(n - 1, Math.max(1, Math.ceil(fraction * n))) : 0;
    if (hold > 0) rng.shuffle(order);
    order.forEach((p, k) => {
      if (k < hold) { vr.push(u); vc.push(m.indices[p]!); }
      else { tr.push(u); tc.push(m.indices[p]!); tv.push(m.data[p]!); }
    });
  }
  return { train: csrFromCoo(m.rows, m.cols, tr, tc, tv), valid: csrFromCoo(m.rows, m.cols, vr, vc) };
}

/**
 * Mean nDCG@k over the users with validation items: `score(u, out)` fills item scores, items the user trained
 * on are skipped, gains are binary, the ideal DCG uses min(|valid_u|, k) hits.
 */
export function validationNdcg(train: Csr, valid: Csr, k: number, score: (u: number, out: Float32Array) => void, maxUsers = 2000): number {
  const out = new Float32Array(train.cols);
  const banned = new Uint8Array(train.cols);
  let total = 0, users = 0;
  for (let u = 0; u < valid.rows && users < maxUsers; u++) {
    const vs = valid.indptr[u]!, ve = valid.indptr[u + 1]!;
    if (ve === vs) continue;
    score(u, out);
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) banned[train.indices[p]!] = 1;
    const top = topIndices(out, k, banned);
    for (let p = train.indptr[u]!; p < train.indptr[u + 1]!; p++) banned[train.indices[p]!] = 0;
    const relevant = new Set(valid.indices.subarray(vs, ve));
    let dcg = 0, idcg = 0;
    top.forEach((i, r) => { if (relevant.has(i)) dcg += 1 / Math.log2(r + 2); });
    for (let r = 0; r < Math.min(k, ve - vs); r++) idcg += 1 / Math.log2(r + 2);
    total += dcg / idcg;
    users++;
  }
  return users > 0 ? total / users : 0;
}

/** Indices of the k largest scores (descending, ties to the lower index), skipping banned ones. */
function topIndices(scores: Float32Array, k: number, banned: Uint8Array): number[] {
  const best: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    if (banned[i]) continue;
    const s = scores[i]!;
    if (best.length === k && s <= scores[best[k - 1]!]!) continue;
    let pos = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(i);
    while (pos > 0 && scores[best[pos - 1]!]! < s) { best[pos] = best[pos - 1]!; pos--; }
    best[pos] = i;
  }
  return best;
}
