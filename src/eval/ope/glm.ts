/**
 * @module A ridge-regularized generalized linear model on sparse rows, fitted by Newton's method: logistic
 * (binary or [0, 1] rewards, cross-entropy) or identity link (least squares). Minimizes
 * Σ loss(xᵢ·w, yᵢ) + (λ/2)·Σ_{j≥1} w_j² (the intercept, column 0, is not penalized — as scikit-learn's
 * `LogisticRegression(C = 1/λ)` with its intercept). Dense d × d Hessian and a Cholesky solve: meant for a few
 * hundred columns.
 */
import { createError } from '../../core/errors.js';

/** A sparse row: column indices and their values. */
export interface SparseRow {
  readonly indices: readonly number[];
  readonly values: readonly number[];
}

export type Link = 'logit' | 'identity';

export interface GlmOptions {
  readonly link: Link;
  /** L2 penalty λ on every weight but the intercept (column 0). */
  readonly l2: number;
  readonly maxIterations?: number;
  /** Weights of the fitted rows (a bootstrap multiplicity, a sample weight); 1 when absent. */
  readonly weights?: ArrayLike<number>;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function linearPredictor(w: Float64Array, row: SparseRow): number {
  let z = 0;
  for (let j = 0; j < row.indices.length; j++) z += w[row.indices[j]!]! * row.values[j]!;
  return z;
}

/** Solves A x = b for a symmetric positive definite A (row-major n × n), in place of a copy. */
export function solveSpd(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    let d = l[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! ** 2;
    if (!(d > 0)) throw createError('SHAPE_MISMATCH', { op: 'solveSpd', problem: `matrix is not positive definite at column ${j}` });
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = l[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * n + k]! * y[k]!;
    y[i] = s / l[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * x[k]!;
    x[i] = s / l[i * n + i]!;
  }
  return x;
}

/** Weights of the model fitted on `rows` (every row holds column 0 = 1, the intercept) and targets `y`. */
export function fitGlm(rows: readonly SparseRow[], y: ArrayLike<number>, dim: number, options: GlmOptions): Float64Array {
  const { link, l2 } = options;
  const rowWeight = (i: number): number => options.weights?.[i] ?? 1;
  const w = new Float64Array(dim);
  if (link === 'logit') {
    let s = 0, n = 0;
    for (let i = 0; i < rows.length; i++) { s += rowWeight(i) * y[i]!; n += rowWeight(i); }
    const p = Math.min(1 - 1e-6, Math.max(1e-6, n ? s / n : 0.5));
    w[0] = Math.log(p / (1 - p));
  }
  const maxIterations = options.maxIterations ?? (link === 'identity' ? 1 : 50);
  for (let iter = 0; iter < maxIterations; iter++) {
    const grad = new Float64Array(dim), hess = new Float64Array(dim * dim);
    for (let j = 1; j < dim; j++) { grad[j] = l2 * w[j]!; hess[j * dim + j] = l2; }
    hess[0] = 1e-9; // keeps the intercept's block positive definite when every row weighs ~0 (all-0 or all-1 targets)
    for (let i = 0; i < rows.length; i++) {
      const c = rowWeight(i);
      if (c === 0) continue;
      const row = rows[i]!, z = linearPredictor(w, row);
      const mu = link === 'logit' ? sigmoid(z) : z;
      const g = c * (mu - y[i]!), h = c * (link === 'logit' ? Math.max(mu * (1 - mu), 1e-12) : 1);
      for (let p = 0; p < row.indices.length; p++) {
        const ip = row.indices[p]!, xp = row.values[p]!;
        grad[ip]! += g * xp;
        for (let q = 0; q < row.indices.length; q++) hess[ip * dim + row.indices[q]!]! += h * xp * row.values[q]!;
      }
    }
    const step = solveSpd(hess, grad, dim);
    // Step halving (Armijo-free backtracking): a full Newton step can overshoot on nearly separable data, such as
    // an (action, position) that never got a click under a weak penalty.
    const before = objective(rows, y, w, options);
    let t = 1, largest = 0;
    const trial = new Float64Array(dim);
    for (let halvings = 0; halvings < 40; halvings++, t /= 2) {
      for (let j = 0; j < dim; j++) trial[j] = w[j]! - t * step[j]!;
      if (objective(rows, y, trial, options) <= before) break;
    }
    for (let j = 0; j < dim; j++) { largest = Math.max(largest, Math.abs(trial[j]! - w[j]!)); w[j] = trial[j]!; }
    if (largest < 1e-9) break;
  }
  return w;
}

/** The penalized loss the fit minimizes. */
export function objective(rows: readonly SparseRow[], y: ArrayLike<number>, w: Float64Array, options: GlmOptions): number {
  let loss = 0;
  for (let i = 0; i < rows.length; i++) {
    const c = options.weights?.[i] ?? 1;
    if (c === 0) continue;
    const z = linearPredictor(w, rows[i]!);
    // log(1 + e^z) − y·z, computed without overflow; half the squared residual for least squares
    loss += c * (options.link === 'logit' ? Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i]! * z : 0.5 * (z - y[i]!) ** 2);
  }
  let penalty = 0;
  for (let j = 1; j < w.length; j++) penalty += w[j]! ** 2;
  return loss + 0.5 * options.l2 * penalty;
}

export function predictGlm(w: Float64Array, row: SparseRow, link: Link): number {
  const z = linearPredictor(w, row);
  return link === 'logit' ? sigmoid(z) : z;
}
