/**
 * @module Sparse × dense product Y = A·X (A a CSR matrix, X row-major n × d): the propagation step of graph
 * recommenders. A symmetric A is its own transpose, so the same product carries gradients backward.
 */
import type { Csr } from '../../math/csr.js';

/** out[r, :] = Σ_p A.data[p] · X[A.indices[p], :] for every row r (out is overwritten; must not alias x). */
export function spmm(a: Csr, x: Float32Array, d: number, out: Float32Array): void {
  const { indptr, indices, data } = a;
  out.fill(0, 0, a.rows * d);
  for (let r = 0; r < a.rows; r++) {
    const ro = r * d, end = indptr[r + 1]!;
    for (let p = indptr[r]!; p < end; p++) {
      const v = data[p]!, xo = indices[p]! * d;
      for (let k = 0; k < d; k++) out[ro + k] = out[ro + k]! + v * x[xo + k]!;
    }
  }
}
