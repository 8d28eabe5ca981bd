/**
 * @module The symmetric normalised adjacency Â = D^(-1/2) A D^(-1/2) of LightGCN (He et al. 2020, eq. 7) over
 * the n = users + items nodes: A has R at (u, U+i) and Rᵀ at (U+i, u) (binary, no self-loops); with social
 * edges, the follow graph symmetrised (u ~ v when either follows the other) is added at (u, v) with weight
 * `socialWeight`. Degrees D are the row sums of A; isolated nodes get zero rows.
 */
import { csrFromCoo, type Csr } from '../../math/csr.js';

export interface AdjacencyOptions {
  /** users × users follow graph to add (symmetrised), or undefined. */
  follows?: Csr | undefined;
  socialWeight?: number;
}

export function normalizedAdjacency(r: Csr, options: AdjacencyOptions = {}): Csr {
  const nU = r.rows, n = r.rows + r.cols;
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let u = 0; u < nU; u++) {
    for (let p = r.indptr[u]!; p < r.indptr[u + 1]!; p++) {
      const j = nU + r.indices[p]!;
      rows.push(u, j); cols.push(j, u); vals.push(1, 1);
    }
  }
  const f = options.follows;
  if (f) {
    const w = options.socialWeight ?? 1;
    for (let u = 0; u < Math.min(f.rows, nU); u++) {
      for (let p = f.indptr[u]!; p < f.indptr[u + 1]!; p++) {
        const v = f.indices[p]!;
        if (v === u || v >= nU) continue;
        rows.push(u, v); cols.push(v, u); vals.push(w, w);
      }
    }
  }
  // Duplicates (mutual follows, repeated pairs) keep one edge: max, not sum.
  const a = csrFromCoo(n, n, rows, cols, vals, (x, y) => Math.max(x, y));
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) deg[i]! += a.data[p]!;
  const inv = deg.map((d) => (d > 0 ? 1 / Math.sqrt(d) : 0));
  const data = new Float32Array(a.data.length);
  for (let i = 0; i < n; i++) for (let p = a.indptr[i]!; p < a.indptr[i + 1]!; p++) data[p] = a.data[p]! * inv[i]! * inv[a.indices[p]!]!;
  return { rows: n, cols: n, indptr: a.indptr, indices: a.indices, data };
}
