/**
 * @module Keeping EASE's P = (G + λI)⁻¹ current when rows of X change, without inverting again.
 *
 * Removing a user row x from X is G' = G − x xᵀ; adding one is G + x xᵀ. Sherman–Morrison gives the new inverse
 * from the old in O(n·nnz(x) + n²): (A + s·x xᵀ)⁻¹ = P − s·(P x)(P x)ᵀ / (1 + s·xᵀ P x), s = ±1. A user whose row
 * only shrinks (their interactions with erased posts) is one removal of the old row and one addition of the new.
 *
 * P is not kept by the model (n² Float64): it is recovered from the weights B and G. B = −P diag(P)⁻¹ off the
 * diagonal with diag(B) = 0 means P = (I − B) D with D = diag(P); (G + λI) P = I then gives, on the diagonal,
 * D_jj = 1 / ((G + λI)(I − B))_jj, one dot product per column: O(n²) in all.
 */

/** A sparse row of X over the model's columns. */
export interface SparseRow {
  indices: Int32Array;
  values: Float64Array;
}

/** P (n×n, row-major, Float64) from EASE's weights `b` and `a` = G + λI. */
export function inverseFromWeights(b: Float32Array, a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // (A (I − B))_jj = A_jj − Σ_k A_jk B_kj
    let s = a[j * n + j]!;
    for (let k = 0; k < n; k++) s -= a[j * n + k]! * b[k * n + j]!;
    d[j] = 1 / s;
  }
  const p = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) p[i * n + j] = ((i === j ? 1 : 0) - b[i * n + j]!) * d[j]!;
  }
  return p;
}

/** In place: P ← (A + sign·x xᵀ)⁻¹ where P = A⁻¹ (A symmetric). */
export function rankOneInverseUpdate(p: Float64Array, n: number, x: SparseRow, sign: 1 | -1): void {
  if (x.indices.length === 0) return;
  // P is symmetric: P x = Σ_k x_k · row k of P.
  const px = new Float64Array(n);
  for (let q = 0; q < x.indices.length; q++) {
    const off = x.indices[q]! * n, v = x.values[q]!;
    for (let j = 0; j < n; j++) px[j]! += v * p[off + j]!;
  }
  let xpx = 0;
  for (let q = 0; q < x.indices.length; q++) xpx += x.values[q]! * px[x.indices[q]!]!;
  const scale = sign / (1 + sign * xpx);
  for (let i = 0; i < n; i++) {
    const f = scale * px[i]!;
    if (f === 0) continue;
    const off = i * n;
    for (let j = 0; j < n; j++) p[off + j]! -= f * px[j]!;
  }
}
