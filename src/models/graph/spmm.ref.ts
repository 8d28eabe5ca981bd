/**
 * @module Reference twin of `spmm`: densify A, then the textbook triple loop in float64.
 */
import type { Csr } from '../../math/csr.js';
import { csrToDense } from '../../math/csr.js';

export function spmmRef(a: Csr, x: ArrayLike<number>, d: number): Float64Array {
  const dense = csrToDense(a);
  const out = new Float64Array(a.rows * d);
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < a.cols; c++) {
      const v = dense[r * a.cols + c]!;
      if (v === 0) continue;
      for (let k = 0; k < d; k++) out[r * d + k]! += v * x[c * d + k]!;
    }
  }
  return out;
}
