/**
 * @module Eigenvectors of symmetric matrices: the full decomposition of a small matrix by cyclic Jacobi rotations,
 * and the dominant k-dimensional invariant subspace of a large positive semi-definite operator by block subspace
 * iteration with Rayleigh–Ritz (Golub & Van Loan, "Matrix Computations", 4th ed., §8.5 and §8.2.4; Saad,
 * "Numerical Methods for Large Eigenvalue Problems", ch. 5). The large operator is never formed: the caller
 * supplies Z = A·Q for a block Q, so a sparse factorisation A = XᵀX costs two sparse products per step.
 */
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { gemm } from './gemm.js';

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Eigenvectors as the columns of a row-major n×n matrix, in the order of `values`. */
  vectors: Float64Array;
}

/**
 * All eigenpairs of the symmetric n×n matrix `a` (row-major; only read) by cyclic Jacobi: each sweep zeroes every
 * off-diagonal pair with a plane rotation, until the off-diagonal mass is below 1e-14 of the total.
 * O(n³) a sweep and ~6–10 sweeps, so meant for n up to a few hundred.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): SymmetricEigen {
  const m = Float64Array.from(a as ArrayLike<number>);
  if (m.length !== n * n) throw createError('SHAPE_MISMATCH', { op: 'symmetricEigen', problem: `expected ${n * n} entries, got ${m.length}` });
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let k = 0; k < n * n; k++) total += m[k]! * m[k]!;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * m[p * n + q]! * m[p * n + q]!;
    if (off <= 1e-28 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q]!;
        if (apq === 0) continue;
        // Rotation that zeroes a_pq (Golub & Van Loan Alg. 8.5.1): θ = (a_qq − a_pp) / 2a_pq, t = sign(θ)/(|θ| + √(θ²+1)).
        const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p and q of m
          const mkp = m[k * n + p]!, mkq = m[k * n + q]!;
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          // rows p and q of m
          const mpk = m[p * n + k]!, mqk = m[q * n + k]!;
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y]! - m[x * n + x]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = v[r * n + order[c]!]!;
  return { values, vectors };
}

/**
 * Orthonormalises the columns of the n×b block `q` (row-major, Float32) in place by CholeskyQR2 (Fukaya et al.
 * 2014): S = QᵀQ, S = LLᵀ, Q ← Q·L⁻ᵀ, done twice so that the result is orthonormal to working precision.
 * A column that has collapsed (pivot ≤ 1e-10 of the largest) is replaced by a fresh random direction.
 */
export function orthonormalizeColumns(q: Float32Array, n: number, b: number, seed = 1): void {
  const s = new Float32Array(b * b), tmp = new Float32Array(n * b), inv = new Float32Array(b * b);
  let refreshes = 0;
  for (let pass = 0; pass < 2; pass++) {
    gemm({ transA: true, m: b, n: b, k: n, a: q, b: q, c: s });
    const l = Float64Array.from(s);
    let biggest = 0;
    for (let i = 0; i < b; i++) biggest = Math.max(biggest, l[i * b + i]!);
    let collapsed = false;
    // Cholesky in place (lower triangle); collapsed pivots are refreshed and the pass repeated.
    for (let j = 0; j < b && !collapsed; j++) {
      for (let i = j; i < b; i++) {
        let sum = l[i * b + j]!;
        for (let k = 0; k < j; k++) sum -= l[i * b + k]! * l[j * b + k]!;
        if (i === j) {
          if (!(sum > 1e-10 * biggest)) { collapsed = true; refreshColumn(q, n, b, j, seed + j); break; }
          l[j * b + j] = Math.sqrt(sum);
        } else l[i * b + j] = sum / l[j * b + j]!;
      }
    }
    if (collapsed) {
      if (++refreshes > 4 * b) throw createError('SHAPE_MISMATCH', { op: 'orthonormalizeColumns', problem: `cannot find ${b} independent columns in ${n} dimensions` });
      pass--;
      continue;
    }
    // inv = L⁻ᵀ (upper triangular): solve L·Y = I, then transpose.
    const y = new Float64Array(b * b);
    for (let c = 0; c < b; c++) {
      for (let i = c; i < b; i++) {
        let sum = i === c ? 1 : 0;
        for (let k = c; k < i; k++) sum -= l[i * b + k]! * y[k * b + c]!;
        y[i * b + c] = sum / l[i * b + i]!;
      }
    }
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) inv[i * b + j] = y[j * b + i]!;
    gemm({ m: n, n: b, k: b, a: q, b: inv, c: tmp });
    q.set(tmp);
  }
}

function refreshColumn(q: Float32Array, n: number, b: number, col: number, seed: number): void {
  const rng = createRng(seed * 7919 + 13);
  for (let r = 0; r < n; r++) q[r * b + col] = rng.normal();
}

export interface SubspaceOptions {
  /** Extra columns iterated beyond k (they speed up convergence of the k-th direction). Default max(8, k/4). */
  oversample?: number;
  /** Power steps. Default 30. */
  iterations?: number;
  seed?: number;
  /** Called after each step (for progress and cancellation). */
  onIteration?: (done: number, total: number) => void;
}

/**
 * Dominant k eigenpairs of an n×n symmetric positive semi-definite operator given by `apply(q, b, out)`, which
 * must write out = A·q for the n×b row-major block q. Subspace iteration (orthonormalise, multiply) then
 * Rayleigh–Ritz on the final block: the Ritz vectors are accurate when (λ_{b+1}/λ_k)^iterations is small.
 */
export function topEigenpairs(
  apply: (q: Float32Array, b: number, out: Float32Array) => void,
  n: number,
  k: number,
  options: SubspaceOptions = {},
): { values: Float64Array; vectors: Float32Array } {
  if (!(k >= 1 && k <= n)) throw createError('INVALID_INPUT', { field: 'k', problem: `must be between 1 and ${n}, got ${k}` });
  const b = Math.min(n, k + (options.oversample ?? Math.max(8, Math.ceil(k / 4))));
  const iterations = options.iterations ?? 30;
  const rng = createRng(options.seed ?? 1);
  let q = Float32Array.from({ length: n * b }, () => rng.normal());
  let z = new Float32Array(n * b);
  orthonormalizeColumns(q, n, b, options.seed);
  for (let it = 0; it < iterations; it++) {
    apply(q, b, z);
    [q, z] = [z, q];
    orthonormalizeColumns(q, n, b, (options.seed ?? 1) + it + 1);
    options.onIteration?.(it + 1, iterations);
  }
  // Rayleigh–Ritz: H = Qᵀ A Q (b×b), H = W Λ Wᵀ, Ritz vectors Q·W.
  apply(q, b, z);
  const h = new Float32Array(b * b);
  gemm({ transA: true, m: b, n: b, k: n, a: q, b: z, c: h });
  const hs = new Float64Array(b * b);
  for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) hs[i * b + j] = (h[i * b + j]! + h[j * b + i]!) / 2;
  const eig = symmetricEigen(hs, b);
  const w = new Float32Array(b * k);
  for (let i = 0; i < b; i++) for (let j = 0; j < k; j++) w[i * k + j] = eig.vectors[i * b + j]!;
  const vectors = new Float32Array(n * k);
  gemm({ m: n, n: k, k: b, a: q, b: w, c: vectors });
  return { values: eig.values.slice(0, k), vectors };
}
