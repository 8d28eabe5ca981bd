/**
 * @module Cholesky factor of a small dense SPD matrix on Float64 (Cholesky–Banachiewicz), into a separate
 * array. A pivot that rounding made non-positive is floored at a tiny positive value instead of failing: the
 * matrices here are inverses kept by rank-one updates, positive definite up to rounding.
 */

/** Smallest pivot kept (relative to the diagonal entry). */
const PIVOT_FLOOR = 1e-12;

/** L (lower triangle of the row-major d×d `out`, the rest zeroed) with L·Lᵀ = `a`. */
export function choleskyLower(a: Float64Array, out: Float64Array, d: number): void {
  out.fill(0);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= out[i * d + k]! * out[j * d + k]!;
      if (i === j) out[i * d + i] = Math.sqrt(Math.max(s, PIVOT_FLOOR * Math.abs(a[i * d + i]!)));
      else out[i * d + j] = s / out[j * d + j]!;
    }
  }
}
