/**
 * @module BM25 weighting of the users × items matrix, as implicit's `bm25_weight` applied to item_users: items
 * are the documents and users the terms, so a user who interacted with everything says little (low idf) and an
 * item with a long history is length-normalised.
 *
 * w_ui = x_ui · (K1 + 1) / (K1 · ((1 − B) + B · len_i / avgLen) + x_ui) · idf_u,
 * idf_u = log N − log(1 + df_u), N = number of items, df_u = items of user u, len_i = Σ_u x_ui.
 * (Robertson & Zaragoza 2009, "The probabilistic relevance framework: BM25 and beyond".)
 */
import type { Csr } from '../../math/csr.js';

export interface Bm25Options {
  /** Term-frequency saturation (1.2: the classic text-retrieval value). */
  k1: number;
  /** Length normalisation strength in [0, 1] (0.75: the classic value). */
  b: number;
}

/** Returns a users × items matrix with the same structure as `x` and BM25 weights. */
export function bm25Weight(x: Csr, { k1, b }: Bm25Options): Csr {
  const nItems = x.cols;
  const itemLen = new Float64Array(nItems);
  for (let k = 0; k < x.indices.length; k++) itemLen[x.indices[k]!]! += x.data[k]!;
  let total = 0;
  for (let i = 0; i < nItems; i++) total += itemLen[i]!;
  const avgLen = nItems > 0 ? total / nItems : 1;
  const data = new Float32Array(x.data.length);
  for (let u = 0; u < x.rows; u++) {
    const df = x.indptr[u + 1]! - x.indptr[u]!;
    const idf = Math.log(nItems) - Math.log1p(df);
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
      const xv = x.data[k]!, i = x.indices[k]!;
      const norm = 1 - b + (b * itemLen[i]!) / avgLen;
      data[k] = ((xv * (k1 + 1)) / (k1 * norm + xv)) * idf;
    }
  }
  return { rows: x.rows, cols: x.cols, indptr: x.indptr, indices: x.indices, data };
}
