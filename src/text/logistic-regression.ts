/**
 * @module Multinomial logistic regression on sparse rows, L2-regularised, with class weights, solved by L-BFGS.
 *
 * Objective (scikit-learn's, divided by Σs so it does not grow with n):
 *   L(W, b) = (1/S)·Σᵢ sᵢ·(−log softmax(Wᵀxᵢ + b)_{yᵢ}) + ‖W‖² / (2·C·S),   S = Σᵢ sᵢ,
 * where sᵢ is the weight of row i's class ('balanced': n / (K·n_c), as scikit-learn) times its sample weight.
 * Gradient: ∂L/∂W_{jk} = (1/S)·Σᵢ sᵢ·(p_{ik} − [yᵢ = k])·x_{ij} + W_{jk}/(C·S); the bias is not penalised.
 * W is stored feature-major (D × K) so each non-zero x_{ij} touches K adjacent weights.
 */
import type { Csr } from '../math/csr.js';
import { createError } from '../core/errors.js';
import { lbfgs, type LbfgsOptions, type LbfgsResult } from './lbfgs.js';
import { createWasmLossEngine, WASM_MAX_CLASSES, type LossEngine } from './logistic-loss-wasm.js';

export interface LogisticRegressionConfig {
  /** Inverse regularisation strength (scikit-learn's C), default 1. */
  C?: number;
  /** 'balanced' (n / (K·n_c)), explicit weights per class index, or none (default). */
  classWeight?: 'balanced' | readonly number[] | null;
  /** L-BFGS iterations at most, default 300. */
  maxIter?: number;
  /** Gradient tolerance (max |g| of the objective divided by Σsᵢ), default 1e-5. */
  tol?: number;
  /**
   * Stop when the loss fell by less than ftol (relative, floor 1) over the last `ftolWindow` iterations;
   * defaults 1e-5 over 10. Together with tol this fits to convergence rather than to an iteration count
   * (scikit-learn's tol 1e-4 applies to the unnormalised gradient, so its fits usually end at max_iter).
   */
  ftol?: number;
  ftolWindow?: number;
  /** Learn a bias per class, default true. */
  fitIntercept?: boolean;
  /** Called after each L-BFGS iteration. */
  onIteration?: LbfgsOptions['onIteration'];
  /**
   * Objective evaluation: 'auto' (default) runs the WebAssembly SIMD kernel (f32 weights, up to four classes)
   * when available, 'js' the TypeScript loop (f64), 'wasm-simd' the kernel or an error.
   */
  backend?: 'auto' | LogisticBackend;
}

export type LogisticBackend = 'wasm-simd' | 'js';

/** A fitted linear softmax model. */
export interface LinearModel {
  readonly nFeatures: number;
  readonly nClasses: number;
  /** D × K, feature-major. */
  readonly weights: Float64Array;
  readonly bias: Float64Array;
}

export interface LogisticFit extends LinearModel {
  readonly iterations: number;
  readonly loss: number;
  readonly converged: boolean;
  /** Where the objective was evaluated. */
  readonly backend: LogisticBackend;
}

/** Class weights: 'balanced' gives n / (K · n_c) (King & Zeng 2001; scikit-learn's compute_class_weight). */
export function classWeights(y: ArrayLike<number>, nClasses: number, mode: LogisticRegressionConfig['classWeight']): Float64Array {
  const w = new Float64Array(nClasses).fill(1);
  if (!mode) return w;
  if (mode === 'balanced') {
    const counts = new Float64Array(nClasses);
    for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
    for (let c = 0; c < nClasses; c++) w[c] = counts[c]! > 0 ? y.length / (nClasses * counts[c]!) : 0;
    return w;
  }
  if (mode.length !== nClasses) throw createError('INVALID_INPUT', { field: 'classWeight', problem: `expected ${nClasses} weights, got ${mode.length}` });
  for (let c = 0; c < nClasses; c++) w[c] = mode[c]!;
  return w;
}

/**
 * Loss and gradient at params = [W (D×K), b (K)]; writes the gradient into grad and returns the loss.
 * rowWeight[i] = sᵢ; rows [from, to) only (for splitting work), with the penalty added when `penalty` is true.
 */
export function logisticLossGrad(
  X: Csr, y: ArrayLike<number>, K: number, rowWeight: Float64Array, S: number, C: number,
  params: Float64Array, grad: Float64Array, from = 0, to = X.rows, penalty = true,
): number {
  const D = X.cols;
  const bOff = D * K;
  const { indptr, indices, data } = X;
  grad.fill(0);
  const z = new Float64Array(K);
  let loss = 0;
  const invS = 1 / S;
  for (let i = from; i < to; i++) {
    const sw = rowWeight[i]!;
    if (sw === 0) continue;
    const start = indptr[i]!, end = indptr[i + 1]!;
    for (let k = 0; k < K; k++) z[k] = params[bOff + k]!;
    if (K === 3) {
      // The common three-class case (negative/neutral/positive) unrolled.
      let z0 = z[0]!, z1 = z[1]!, z2 = z[2]!;
      for (let p = start; p < end; p++) {
        const v = data[p]!, o = indices[p]! * 3;
        z0 += params[o]! * v;
        z1 += params[o + 1]! * v;
        z2 += params[o + 2]! * v;
      }
      z[0] = z0; z[1] = z1; z[2] = z2;
    } else {
      for (let p = start; p < end; p++) {
        const v = data[p]!, o = indices[p]! * K;
        for (let k = 0; k < K; k++) z[k]! += params[o + k]! * v;
      }
    }
    let mx = -Infinity;
    for (let k = 0; k < K; k++) if (z[k]! > mx) mx = z[k]!;
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(z[k]! - mx);
      z[k] = e;
      sum += e;
    }
    const yi = y[i]!;
    // −log p_y = log Σ exp(z) − z_y, computed from the shifted exponentials.
    loss += sw * (Math.log(sum) - Math.log(z[yi]!));
    const scale = sw * invS;
    for (let k = 0; k < K; k++) {
      const r = (z[k]! / sum - (k === yi ? 1 : 0)) * scale;
      z[k] = r;
      grad[bOff + k]! += r;
    }
    if (K === 3) {
      const r0 = z[0]!, r1 = z[1]!, r2 = z[2]!;
      for (let p = start; p < end; p++) {
        const v = data[p]!, o = indices[p]! * 3;
        grad[o]! += r0 * v;
        grad[o + 1]! += r1 * v;
        grad[o + 2]! += r2 * v;
      }
    } else {
      for (let p = start; p < end; p++) {
        const v = data[p]!, o = indices[p]! * K;
        for (let k = 0; k < K; k++) grad[o + k]! += z[k]! * v;
      }
    }
  }
  loss *= invS;
  if (penalty) {
    const lam = 1 / (C * S);
    let sq = 0;
    for (let j = 0; j < bOff; j++) {
      const w = params[j]!;
      sq += w * w;
      grad[j]! += lam * w;
    }
    loss += 0.5 * lam * sq;
  }
  return loss;
}

/** Per-row weights sᵢ = classWeight[yᵢ]·sampleWeight[i] and their sum. */
export function rowWeights(y: ArrayLike<number>, cw: Float64Array, sampleWeight?: ArrayLike<number>): { w: Float64Array; S: number } {
  const w = new Float64Array(y.length);
  let S = 0;
  for (let i = 0; i < y.length; i++) {
    w[i] = cw[y[i]!]! * (sampleWeight ? sampleWeight[i]! : 1);
    S += w[i]!;
  }
  return { w, S };
}

function checkLabels(X: Csr, y: ArrayLike<number>, K: number): void {
  if (y.length !== X.rows) throw createError('SHAPE_MISMATCH', { op: 'logistic regression', problem: `${X.rows} rows but ${y.length} labels` });
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!(Number.isInteger(c) && c >= 0 && c < K)) throw createError('INVALID_INPUT', { field: `labels[${i}]`, problem: `expected a class index in [0, ${K}), got ${c}` });
  }
}

/**
 * Fits multinomial logistic regression.
 * @example const m = fitLogisticRegression(X, y, 3, { C: 1, classWeight: 'balanced' }); predictProba(m, Xtest)
 */
export function fitLogisticRegression(
  X: Csr, y: ArrayLike<number>, nClasses: number, config: LogisticRegressionConfig = {}, sampleWeight?: ArrayLike<number>,
): LogisticFit {
  checkLabels(X, y, nClasses);
  const K = nClasses, D = X.cols;
  const C = config.C ?? 1;
  const fitIntercept = config.fitIntercept ?? true;
  const { w, S } = rowWeights(y, classWeights(y, K, config.classWeight), sampleWeight);
  if (!(S > 0)) throw createError('DATASET_EMPTY', { what: 'weighted training rows' });
  const wasm = wasmEngine(config.backend, X, y, K, w, S, C, fitIntercept, 1);
  const objective = wasm ? wasm.engine.evaluate : (params: Float64Array, grad: Float64Array): number => {
    const f = logisticLossGrad(X, y, K, w, S, C, params, grad);
    if (!fitIntercept) grad.fill(0, D * K);
    return f;
  };
  const res = lbfgs(objective, new Float64Array(D * K + K), lbfgsOptions(config));
  return fitResult(res, D, K, wasm ? 'wasm-simd' : 'js');
}

/** The kernel's objective as `backend` asks ('auto': when it can run), or null for the TypeScript one. */
export function wasmEngine(
  backend: LogisticRegressionConfig['backend'], X: Csr, y: ArrayLike<number>, K: number, w: Float64Array, S: number,
  C: number, fitIntercept: boolean, threads: number,
): { engine: LossEngine; ready: Promise<void> } | null {
  if (backend === 'js') return null;
  const e = createWasmLossEngine(X, y, K, w, S, C, fitIntercept, threads);
  if (!e && backend === 'wasm-simd') {
    const why = K > WASM_MAX_CLASSES ? `${K} classes (at most ${WASM_MAX_CLASSES})` : 'WebAssembly SIMD unavailable or data too large';
    throw createError('INVALID_INPUT', { field: 'backend', problem: `the WebAssembly kernel cannot run: ${why}` });
  }
  return e;
}

/** L-BFGS settings from the config. */
export function lbfgsOptions(config: LogisticRegressionConfig): LbfgsOptions {
  return {
    maxIter: config.maxIter ?? 300,
    gtol: config.tol ?? 1e-5,
    ftol: config.ftol ?? 1e-5,
    ftolWindow: config.ftolWindow ?? 10,
    ...(config.onIteration ? { onIteration: config.onIteration } : {}),
  };
}

/** The fitted model from L-BFGS's result x = [W (D×K), b]. */
export function fitResult(res: LbfgsResult, D: number, K: number, backend: LogisticBackend): LogisticFit {
  return {
    nFeatures: D,
    nClasses: K,
    weights: res.x.subarray(0, D * K),
    bias: res.x.subarray(D * K),
    iterations: res.iterations,
    loss: res.f,
    converged: res.converged,
    backend,
  };
}

/** Scores Wᵀx + b, n × K row-major. Features beyond the model's D are ignored. */
export function decisionFunction(m: LinearModel, X: Csr): Float64Array {
  const K = m.nClasses, D = m.nFeatures;
  const out = new Float64Array(X.rows * K);
  for (let i = 0; i < X.rows; i++) {
    const o = i * K;
    for (let k = 0; k < K; k++) out[o + k] = m.bias[k]!;
    for (let p = X.indptr[i]!; p < X.indptr[i + 1]!; p++) {
      const j = X.indices[p]!;
      if (j >= D) continue;
      const v = X.data[p]!, wo = j * K;
      for (let k = 0; k < K; k++) out[o + k]! += m.weights[wo + k]! * v;
    }
  }
  return out;
}

/** Row-wise softmax in place (n × K), optionally dividing scores by a temperature first. */
export function softmaxRows(scores: Float64Array, K: number, temperature = 1): Float64Array {
  for (let o = 0; o < scores.length; o += K) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, scores[o + k]! / temperature);
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const e = Math.exp(scores[o + k]! / temperature - mx);
      scores[o + k] = e;
      sum += e;
    }
    for (let k = 0; k < K; k++) scores[o + k]! /= sum;
  }
  return scores;
}

/** Class probabilities softmax(Wᵀx + b), n × K. */
export function predictProba(m: LinearModel, X: Csr): Float64Array {
  return softmaxRows(decisionFunction(m, X), m.nClasses);
}
