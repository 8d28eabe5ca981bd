/**
 * @module Topics by non-negative matrix factorisation of a TF-IDF matrix: X (n × D) ≈ W (n × k) · H (k × D),
 * Frobenius loss, multiplicative updates (Lee & Seung 2001), which never increase the loss:
 *   H ← H ∘ (WᵀX) / (WᵀW·H + ε),   W ← W ∘ (XHᵀ) / (W·HHᵀ + ε).
 * X stays sparse: WᵀX and XHᵀ cost O(nnz·k). Loss ‖X − WH‖² = ‖X‖² − 2·tr(Wᵀ X Hᵀ) + tr(WᵀW · HHᵀ).
 * Seeded random initialisation scaled as scikit-learn's init='random': uniform·√(mean(X)/k).
 */
import type { Csr } from '../../math/csr.js';
import { createRng } from '../../core/rng.js';
import { createError } from '../../core/errors.js';

export interface NmfConfig {
  /** Number of topics. */
  k: number;
  /** Iterations, default 200. */
  maxIter?: number;
  /** Stop when the relative loss decrease over an iteration is below tol, default 1e-5. */
  tol?: number;
  seed?: number;
}

export interface NmfResult {
  /** Document–topic weights, n × k. */
  W: Float64Array;
  /** Topic–term weights, k × D. */
  H: Float64Array;
  k: number;
  /** Frobenius loss ‖X − WH‖² after each iteration. */
  losses: number[];
}

const EPS = 1e-10;

/** XHᵀ (n × k) for sparse X. */
function xHt(X: Csr, H: Float64Array, k: number): Float64Array {
  const D = X.cols;
  const out = new Float64Array(X.rows * k);
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!, v = X.data[p]!;
      for (let t = 0; t < k; t++) out[i * k + t]! += v * H[t * D + j]!;
    }
  }
  return out;
}

/** WᵀX (k × D) for sparse X. */
function wtX(X: Csr, W: Float64Array, k: number): Float64Array {
  const D = X.cols;
  const out = new Float64Array(k * D);
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!, v = X.data[p]!;
      for (let t = 0; t < k; t++) out[t * D + j]! += W[i * k + t]! * v;
    }
  }
  return out;
}

/** AᵀA for A (rows × k), or A·Aᵀ for A (k × cols) when `rowsAreFactors`: a k × k Gram matrix. */
function gram(A: Float64Array, k: number, factorsInRows: boolean): Float64Array {
  const G = new Float64Array(k * k);
  if (factorsInRows) {
    const D = A.length / k;
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += A[a * D + j]! * A[b * D + j]!;
      G[a * k + b] = G[b * k + a] = s;
    }
  } else {
    const n = A.length / k;
    for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) {
      const x = A[i * k + a]!;
      if (x === 0) continue;
      for (let b = 0; b < k; b++) G[a * k + b]! += x * A[i * k + b]!;
    }
  }
  return G;
}

function frobenius(X: Csr, W: Float64Array, H: Float64Array, k: number, XHt: Float64Array): number {
  let xx = 0;
  for (const v of X.data) xx += v * v;
  let cross = 0;
  for (let i = 0; i < W.length; i++) cross += W[i]! * XHt[i]!;
  const WtW = gram(W, k, false), HHt = gram(H, k, true);
  let tr = 0;
  for (let i = 0; i < k * k; i++) tr += WtW[i]! * HHt[i]!;
  return Math.max(0, xx - 2 * cross + tr);
}

/** Updates W in place with H fixed (used by fit and to fold in new documents). */
function updateW(X: Csr, W: Float64Array, H: Float64Array, k: number): Float64Array {
  const num = xHt(X, H, k);
  const HHt = gram(H, k, true);
  for (let i = 0; i < X.rows; i++) {
    for (let t = 0; t < k; t++) {
      let den = 0;
      for (let s = 0; s < k; s++) den += W[i * k + s]! * HHt[s * k + t]!;
      W[i * k + t]! *= num[i * k + t]! / (den + EPS);
    }
  }
  return num;
}

/** Factorises X into k topics. */
export function fitNmf(X: Csr, config: NmfConfig): NmfResult {
  const k = config.k, n = X.rows, D = X.cols;
  if (!(k >= 1 && Number.isInteger(k))) throw createError('INVALID_INPUT', { field: 'k', problem: `expected a positive integer, got ${k}` });
  const maxIter = config.maxIter ?? 200, tol = config.tol ?? 1e-5;
  const rng = createRng(config.seed ?? 42);
  let sum = 0;
  for (const v of X.data) sum += v;
  const scale = Math.sqrt(sum / (n * D) / k);
  const W = Float64Array.from({ length: n * k }, () => rng.next() * scale + EPS);
  const H = Float64Array.from({ length: k * D }, () => rng.next() * scale + EPS);
  const losses: number[] = [];
  for (let it = 0; it < maxIter; it++) {
    const num = wtX(X, W, k);
    const WtW = gram(W, k, false);
    for (let t = 0; t < k; t++) {
      for (let j = 0; j < D; j++) {
        let den = 0;
        for (let s = 0; s < k; s++) den += WtW[t * k + s]! * H[s * D + j]!;
        H[t * D + j]! *= num[t * D + j]! / (den + EPS);
      }
    }
    updateW(X, W, H, k);
    const loss = frobenius(X, W, H, k, xHt(X, H, k));
    losses.push(loss);
    const prev = losses[losses.length - 2];
    if (prev !== undefined && (prev - loss) / Math.max(prev, EPS) < tol) break;
  }
  return { W, H, k, losses };
}

/** Topic weights of new documents with the topics H fixed (n × k). */
export function transformNmf(model: NmfResult, X: Csr, iterations = 100, seed = 42): Float64Array {
  const rng = createRng(seed);
  const W = Float64Array.from({ length: X.rows * model.k }, () => rng.next() * 0.1 + EPS);
  for (let it = 0; it < iterations; it++) updateW(X, W, model.H, model.k);
  return W;
}

/** The `n` highest-weighted term indices of each topic. */
export function topTermIndices(model: NmfResult, n = 10): number[][] {
  const D = model.H.length / model.k;
  return Array.from({ length: model.k }, (_, t) => {
    const idx = Array.from({ length: D }, (_, j) => j);
    idx.sort((a, b) => model.H[t * D + b]! - model.H[t * D + a]!);
    return idx.slice(0, n);
  });
}

/** Rows of W normalised to sum 1: the topic mixture of each document (uniform when a row is all zero). */
export function topicMixtures(W: Float64Array, k: number): Float64Array {
  const out = new Float64Array(W.length);
  for (let o = 0; o < W.length; o += k) {
    let s = 0;
    for (let t = 0; t < k; t++) s += W[o + t]!;
    for (let t = 0; t < k; t++) out[o + t] = s > 0 ? W[o + t]! / s : 1 / k;
  }
  return out;
}

/** Average mixture over groups of documents (e.g. a user's posts or engaged posts): groups.length × k. */
export function groupMixtures(mixtures: Float64Array, k: number, groups: readonly (readonly number[])[]): Float64Array {
  const out = new Float64Array(groups.length * k);
  groups.forEach((docs, g) => {
    for (const d of docs) for (let t = 0; t < k; t++) out[g * k + t]! += mixtures[d * k + t]!;
    if (docs.length > 0) for (let t = 0; t < k; t++) out[g * k + t]! /= docs.length;
  });
  return out;
}
