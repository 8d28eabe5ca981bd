/**
 * @module NB-SVM (Wang & Manning 2012, "Baselines and Bigrams"): features scaled by Naive Bayes log-count ratios,
 * then a linear classifier; one-vs-rest for more than two classes, probabilities by temperature scaling.
 *
 * For class c against the rest, on binarised features x̂ = 1{x > 0}:
 *   p = α + Σ_{i: yᵢ = c} x̂ᵢ,  q = α + Σ_{i: yᵢ ≠ c} x̂ᵢ,  r_c = log((p / ‖p‖₁) / (q / ‖q‖₁)),
 * then a binary L2 logistic regression on r_c ∘ x̂ (the "NBLR" variant; the paper's SVM uses hinge loss).
 * The one-vs-rest score is s_c(x) = Σ_j x̂_j r_cj w_cj + b_c, so the fitted model folds into one linear model over
 * x̂ with weights r_cj·w_cj. Probabilities: softmax(s / T), T fitted on a held-out part of the training rows.
 */
import type { Csr } from '../math/csr.js';
import { createRng } from '../core/rng.js';
import { createError } from '../core/errors.js';
import { decisionFunction, fitLogisticRegression, softmaxRows, type LinearModel, type LogisticRegressionConfig } from './logistic-regression.js';
import { fitTemperature } from '../math/calibration.js';

export interface NbSvmConfig extends LogisticRegressionConfig {
  /** Laplace smoothing α of the count vectors, default 1 (Wang & Manning). */
  alpha?: number;
  /** Fraction of rows held out to fit the temperature, default 0.1 (0 = no calibration, T = 1). */
  calibrationFraction?: number;
  seed?: number;
}

export interface NbSvmModel extends LinearModel {
  /** Softmax temperature fitted on held-out rows. */
  readonly temperature: number;
}

/** x̂ = 1{x > 0}, same structure. */
export function binarize(X: Csr): Csr {
  const data = new Float32Array(X.data.length);
  for (let k = 0; k < data.length; k++) data[k] = X.data[k]! > 0 ? 1 : 0;
  return { ...X, data };
}

function selectRows(X: Csr, rows: readonly number[]): Csr {
  const indptr = new Int32Array(rows.length + 1);
  let nz = 0;
  rows.forEach((r, i) => {
    nz += X.indptr[r + 1]! - X.indptr[r]!;
    indptr[i + 1] = nz;
  });
  const indices = new Int32Array(nz);
  const data = new Float32Array(nz);
  rows.forEach((r, i) => {
    indices.set(X.indices.subarray(X.indptr[r]!, X.indptr[r + 1]!), indptr[i]!);
    data.set(X.data.subarray(X.indptr[r]!, X.indptr[r + 1]!), indptr[i]!);
  });
  return { rows: rows.length, cols: X.cols, indptr, indices, data };
}

/** Log-count ratios r_c (K × D) on binarised rows. */
export function logCountRatios(Xb: Csr, y: ArrayLike<number>, K: number, alpha = 1): Float64Array {
  const D = Xb.cols;
  const counts = new Float64Array(K * D);
  const total = new Float64Array(D);
  for (let i = 0; i < Xb.rows; i++) {
    const c = y[i]!;
    for (let p = Xb.indptr[i]!; p < Xb.indptr[i + 1]!; p++) {
      counts[c * D + Xb.indices[p]!]! += Xb.data[p]!;
      total[Xb.indices[p]!]! += Xb.data[p]!;
    }
  }
  let grand = 0;
  for (let j = 0; j < D; j++) grand += total[j]!;
  const r = new Float64Array(K * D);
  for (let c = 0; c < K; c++) {
    let pSum = alpha * D, qSum = alpha * D;
    for (let j = 0; j < D; j++) pSum += counts[c * D + j]!;
    qSum += grand - (pSum - alpha * D);
    for (let j = 0; j < D; j++) {
      const p = alpha + counts[c * D + j]!;
      const q = alpha + total[j]! - counts[c * D + j]!;
      r[c * D + j] = Math.log(p / pSum / (q / qSum));
    }
  }
  return r;
}

/** Fits NB-SVM (one-vs-rest NB-scaled logistic regressions) and its temperature. */
export function fitNbSvm(X: Csr, y: ArrayLike<number>, nClasses: number, config: NbSvmConfig = {}): NbSvmModel {
  if (y.length !== X.rows) throw createError('SHAPE_MISMATCH', { op: 'nbsvm', problem: `${X.rows} rows but ${y.length} labels` });
  const K = nClasses, D = X.cols;
  const frac = config.calibrationFraction ?? 0.1;
  const order = createRng(config.seed ?? 42).shuffle(Array.from({ length: X.rows }, (_, i) => i));
  const nHeld = frac > 0 ? Math.max(1, Math.round(order.length * frac)) : 0;
  const heldRows = order.slice(0, nHeld).sort((a, b) => a - b);
  const trainRows = order.slice(nHeld).sort((a, b) => a - b);
  const Xb = binarize(X);
  const Xt = nHeld > 0 ? selectRows(Xb, trainRows) : Xb;
  const yt = nHeld > 0 ? trainRows.map((i) => y[i]!) : Array.from(y);
  const r = logCountRatios(Xt, yt, K, config.alpha ?? 1);
  const weights = new Float64Array(D * K);
  const bias = new Float64Array(K);
  const { alpha: _a, calibrationFraction: _f, seed: _s, ...lrConfig } = config;
  for (let c = 0; c < K; c++) {
    const data = new Float32Array(Xt.data.length);
    for (let p = 0; p < data.length; p++) data[p] = Xt.data[p]! * r[c * D + Xt.indices[p]!]!;
    const yc = yt.map((v) => (v === c ? 1 : 0));
    const m = fitLogisticRegression({ ...Xt, data }, yc, 2, lrConfig);
    // Binary softmax score z₁ − z₀, folded with r_c into weights over x̂.
    for (let j = 0; j < D; j++) weights[j * K + c] = r[c * D + j]! * (m.weights[j * 2 + 1]! - m.weights[j * 2]!);
    bias[c] = m.bias[1]! - m.bias[0]!;
  }
  const model = { nFeatures: D, nClasses: K, weights, bias };
  let temperature = 1;
  if (nHeld > 0) {
    const scores = decisionFunction(model, selectRows(Xb, heldRows));
    temperature = fitTemperature(scores, heldRows.map((i) => y[i]!), K);
  }
  return { ...model, temperature };
}

/** Calibrated class probabilities (n × K). */
export function nbSvmProba(m: NbSvmModel, X: Csr): Float64Array {
  return softmaxRows(decisionFunction(m, binarize(X)), m.nClasses, m.temperature);
}
