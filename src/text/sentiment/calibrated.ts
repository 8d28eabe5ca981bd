/**
 * @module A calibrated text classifier: a trained classifier whose probabilities are refitted on held-out labelled
 * texts. Two labels: Platt scaling (Platt 1999) of the log-odds z = ln p₁ − ln p₀ of the second label, p₁' = σ(a·z + b).
 * More labels: temperature scaling (Guo et al. 2017) of the log-probabilities. A two-label model may also carry a
 * decision threshold on p₁' chosen for macro-F1 on the same held-out texts (the label predicted is the second
 * when p₁' ≥ threshold). The artifact is the base model's under the prefix `base.`.
 */
import { createError } from '../../core/errors.js';
import { fitPlatt, fitTemperature, type Platt } from '../../math/calibration.js';
import { saveSafetensors, type TensorMap } from '../../nn/safetensors.js';
import { labelIndices } from './labels.js';
import { probsToPredictions } from './lexicon.js';
import { classificationReport } from './metrics.js';
import type { ClassifierArtifact, TextClassifier } from './types.js';

/** How a calibrated model maps its base model's probabilities. */
export type Calibration =
  | { method: 'platt'; platt: Platt; threshold: number }
  | { method: 'temperature'; temperature: number };

export interface CalibrateOptions {
  /** Two-label models: choose the decision threshold maximising macro-F1 on the held-out texts (default false: 0.5). */
  tuneThreshold?: boolean;
}

/** Probabilities are kept inside [ε, 1 − ε] before taking logs, so a saturated base model gives finite log-odds. */
const EPS = 1e-7;

function logOdds(P: Float64Array, i: number): number {
  const p0 = Math.min(1 - EPS, Math.max(EPS, P[2 * i]!)), p1 = Math.min(1 - EPS, Math.max(EPS, P[2 * i + 1]!));
  return Math.log(p1) - Math.log(p0);
}

/** Applies a calibration to a base model's n × K probabilities. */
export function applyCalibration(P: Float64Array, K: number, c: Calibration): Float64Array {
  const n = P.length / K;
  const out = new Float64Array(P.length);
  if (c.method === 'platt') {
    for (let i = 0; i < n; i++) {
      const p1 = 1 / (1 + Math.exp(-(c.platt.a * logOdds(P, i) + c.platt.b)));
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < K; k++) m = Math.max(m, Math.log(Math.max(EPS, P[i * K + k]!)) / c.temperature);
    let s = 0;
    for (let k = 0; k < K; k++) s += out[i * K + k] = Math.exp(Math.log(Math.max(EPS, P[i * K + k]!)) / c.temperature - m);
    for (let k = 0; k < K; k++) out[i * K + k]! /= s;
  }
  return out;
}

/** The threshold on p₁ in (0, 1) with the best macro-F1 (ties: the one closest to 0.5). */
export function bestThreshold(p1: ArrayLike<number>, y: ArrayLike<number>): number {
  let best = 0.5, bestF1 = -1;
  const pred = new Int32Array(y.length);
  for (let t = 0.05; t <= 0.951; t += 0.01) {
    for (let i = 0; i < pred.length; i++) pred[i] = p1[i]! >= t ? 1 : 0;
    const f1 = classificationReport(y, pred, 2).macroF1;
    if (f1 > bestF1 + 1e-12 || (Math.abs(f1 - bestF1) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
      bestF1 = f1;
      best = Math.round(t * 100) / 100;
    }
  }
  return best;
}

/** Fits a calibration on held-out n × K probabilities `P` of a model and the class indices `y` of the same rows. */
export function fitCalibrationFromProbs(P: Float64Array, y: Int32Array, K: number, options: CalibrateOptions = {}): Calibration {
  if (y.length === 0) throw createError('DATASET_EMPTY', { what: 'calibration texts' });
  if (K === 2) {
    const z = Float64Array.from(y, (_, i) => logOdds(P, i));
    const platt = fitPlatt(z, y);
    const p1 = Float64Array.from(z, (v) => 1 / (1 + Math.exp(-(platt.a * v + platt.b))));
    return { method: 'platt', platt, threshold: options.tuneThreshold ? bestThreshold(p1, y) : 0.5 };
  }
  const logP = P.map((p) => Math.log(Math.max(EPS, p)));
  return { method: 'temperature', temperature: fitTemperature(logP, y, K) };
}

/** Fits the calibration of `base` on held-out texts and their labels (any of the base model's labels). */
export function fitCalibration(base: TextClassifier, texts: readonly string[], labels: readonly string[], options: CalibrateOptions = {}): Calibration {
  if (texts.length !== labels.length) throw createError('SHAPE_MISMATCH', { op: 'calibrate', problem: `${texts.length} texts but ${labels.length} labels` });
  return fitCalibrationFromProbs(base.predictProba(texts), labelIndices(labels, base.labels), base.labels.length, options);
}

/** A classifier predicting `base`'s labels with calibrated probabilities. */
export function createCalibratedModel(base: TextClassifier, c: Calibration): TextClassifier {
  const K = base.labels.length;
  if (c.method === 'platt' && K !== 2) throw createError('INVALID_INPUT', { field: 'calibration', problem: `Platt scaling needs two labels, the model has ${K}` });
  const predictProba = (texts: readonly string[]): Float64Array => applyCalibration(base.predictProba(texts), K, c);
  const model: TextClassifier = {
    kind: 'calibrated',
    labels: base.labels,
    predictProba,
    predict: (texts) => {
      const P = predictProba(texts);
      const preds = probsToPredictions(P, base.labels);
      if (c.method === 'platt') preds.forEach((p, i) => (p.label = base.labels[P[2 * i + 1]! >= c.threshold ? 1 : 0]!));
      return preds;
    },
    toArtifact: (): ClassifierArtifact => {
      const a = base.toArtifact();
      const tensors: TensorMap = {};
      const metadata: Record<string, string> = { kind: 'calibrated', version: '1', labels: JSON.stringify(base.labels), calibration: JSON.stringify(c) };
      for (const [k, t] of Object.entries(a.tensors)) tensors[`base.${k}`] = t;
      for (const [k, v] of Object.entries(a.metadata)) metadata[`base.${k}`] = v;
      return { tensors, metadata };
    },
    save: (path) => {
      const a = model.toArtifact();
      saveSafetensors(path, a.tensors, a.metadata);
    },
  };
  return model;
}

/** Fits the calibration on held-out texts and wraps `base` with it. */
export function calibrateClassifier(base: TextClassifier, texts: readonly string[], labels: readonly string[], options: CalibrateOptions = {}): TextClassifier {
  return createCalibratedModel(base, fitCalibration(base, texts, labels, options));
}

/** The calibration stored in a calibrated artifact. */
export function calibrationFromMetadata(metadata: Record<string, string>, where: string): Calibration {
  let c: unknown;
  try {
    c = JSON.parse(metadata.calibration ?? '');
  } catch {
    throw createError('ARTIFACT_INVALID', { path: where, problem: 'calibrated model without a readable calibration' });
  }
  const o = c as Partial<{ method: string; platt: Platt; threshold: number; temperature: number }>;
  if (o.method === 'platt' && Number.isFinite(o.platt?.a) && Number.isFinite(o.platt?.b) && Number.isFinite(o.threshold)) {
    return { method: 'platt', platt: { a: o.platt!.a, b: o.platt!.b }, threshold: o.threshold! };
  }
  if (o.method === 'temperature' && Number.isFinite(o.temperature) && o.temperature! > 0) return { method: 'temperature', temperature: o.temperature! };
  throw createError('ARTIFACT_INVALID', { path: where, problem: `unknown calibration ${metadata.calibration}` });
}
