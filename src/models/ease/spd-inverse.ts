/**
 * @module Inverse of a dense symmetric positive-definite matrix through its Cholesky factor, on Float64.
 *
 * A = L·Lᵀ (Cholesky–Banachiewicz, row by row), W = L⁻¹ (forward substitution, row axpys), A⁻¹ = Wᵀ·W
 * (rank-one row updates). Every inner loop runs over contiguous row prefixes of a row-major array, so the
 * whole inverse costs n³/2 multiply-adds with unit-stride access. Fast twin of `spd-inverse.ref.ts`.
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';

/**
 * Cholesky factor of the n×n SPD matrix `a` (row-major), written in place into its lower triangle (the
 * strict upper triangle is left as it was). Throws SHAPE_MISMATCH when a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // s = A[i][j] − Σ_{k<j} L[i][k]·L[j][k]
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s0 += a[ri + k]! * a[rj + k]!;
        s1 += a[ri + k + 1]! * a[rj + k + 1]!;
        s2 += a[ri + k + 2]! * a[rj + k + 2]!;
        s3 += a[ri + k + 3]! * a[rj + k + 3]!;
      }
      for (; k < j; k++) s0 += a[ri + k]! * a[rj + k]!;
      const s = a[ri + j]! - (s0 + s1 + s2 + s3);
      if (i === j) {
        if (!(s > 0)) throw createError('SHAPE_MISMATCH', { op: 'cholesky', problem: `matrix is not positive definite (pivot ${j} is ${s}); increase the regularisation` });
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j]!;
      }
    }
  }
}

/** W = L⁻¹ for the Cholesky factor `l` (lower triangle of a row-major n×n array). */
function invertLower(l: Float64Array, n: number): Float64Array {
  // row_i(W) = (e_i − Σ_{k<i} L[i][k]·row_k(W)) / L[i][i]; row_k(W) is zero beyond column k.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const c = l[ri + k]!;
      if (c === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) w[ri + j]! -= c * w[rk + j]!;
    }
    const d = 1 / l[ri + i]!;
    for (let j = 0; j < i; j++) w[ri + j]! *= d;
    w[ri + i] = d;
  }
  return w;
}

/** Inverse of the n×n SPD matrix `a` (row-major, only the lower triangle is read). Returns a new full matrix. */
export function spdInverse(a: Float64Array, n: number): Float64Array {
  if (a.length !== n * n) throw createError('SHAPE_MISMATCH', { op: 'spdInverse', problem: `expected ${n * n} values for ${n}×${n}, got ${a.length}` });
  const l = a.slice();
  choleskyInPlace(l, n);
  const w = invertLower(l, n);
  // A⁻¹ = Wᵀ·W = Σ_k row_k(W)ᵀ·row_k(W); fill the lower triangle, then mirror.
  const p = l; // reuse the buffer
  p.fill(0);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const c = w[rk + i]!;
      if (c === 0) continue;
      const ri = i * n;
      for (let j = 0; j <= i; j++) p[ri + j]! += c * w[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) p[j * n + i] = p[i * n + j]!;
  return p;
}

/**
 * Same inverse with the last third of the work, A⁻¹ = WᵀW, done by the SIMD gemm in Float32 (Cholesky and L⁻¹
 * stay in Float64). Relative error about 1e-6·cond(A); EASE's G = XᵀX + λI is well conditioned for λ ≫ 1.
 */
export function spdInverseGemm(a: Float64Array, n: number): Float32Array {
  if (a.length !== n * n) throw createError('SHAPE_MISMATCH', { op: 'spdInverse', problem: `expected ${n * n} values for ${n}×${n}, got ${a.length}` });
  const l = a.slice();
  choleskyInPlace(l, n);
  const w = Float32Array.from(invertLower(l, n));
  const p = new Float32Array(n * n);
  gemm({ transA: true, m: n, n, k: n, a: w, b: w, c: p });
  return p;
}

/** Below this size the recursion stops and the Float64 Cholesky inverse runs. */
const BLOCK_BASE = 96;

function sub(a: Float32Array, n: number, r0: number, c0: number, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) out.set(a.subarray((r0 + i) * n + c0, (r0 + i) * n + c0 + cols), i * cols);
  return out;
}

/**
 * Inverse of an SPD matrix by recursive 2×2 blocking on the Schur complement, every product in the SIMD gemm
 * (Float32): with A = [[A₁₁, A₁₂], [A₁₂ᵀ, A₂₂]], X = A₁₁⁻¹, T = X·A₁₂, S = A₂₂ − A₁₂ᵀ·T (SPD), then
 * A⁻¹ = [[X + T·S⁻¹·Tᵀ, −T·S⁻¹], [−S⁻¹·Tᵀ, S⁻¹]]. About ⅔n³ multiply-adds, all of them in gemm.
 */
export function spdInverseBlocked(a: Float32Array, n: number): Float32Array {
  if (a.length !== n * n) throw createError('SHAPE_MISMATCH', { op: 'spdInverse', problem: `expected ${n * n} values for ${n}×${n}, got ${a.length}` });
  if (n <= BLOCK_BASE) return Float32Array.from(spdInverse(Float64Array.from(a), n));
  const h = n >> 1, m = n - h;
  const x = spdInverseBlocked(sub(a, n, 0, 0, h, h), h);
  const a12 = sub(a, n, 0, h, h, m);
  const t = new Float32Array(h * m);
  gemm({ m: h, n: m, k: h, a: x, b: a12, c: t });
  const s = sub(a, n, h, h, m, m);
  gemm({ transA: true, m, n: m, k: h, a: a12, b: t, c: s, alpha: -1, beta: 1 });
  const sInv = spdInverseBlocked(s, m);
  const u = new Float32Array(h * m);
  gemm({ m: h, n: m, k: m, a: t, b: sInv, c: u });
  gemm({ transB: true, m: h, n: h, k: m, a: u, b: t, c: x, beta: 1 });
  const out = new Float32Array(n * n);
  for (let i = 0; i < h; i++) {
    out.set(x.subarray(i * h, (i + 1) * h), i * n);
    for (let j = 0; j < m; j++) {
      out[i * n + h + j] = -u[i * m + j]!;
      out[(h + j) * n + i] = -u[i * m + j]!;
    }
  }
  for (let i = 0; i < m; i++) out.set(sInv.subarray(i * m, (i + 1) * m), (h + i) * n + h);
  return out;
}
