/**
 * @module Losses: cross-entropy with integer labels (ignore index, label smoothing), binary cross-entropy with
 * logits (stable form), mean squared error. Each is one fused node returning a scalar mean.
 */
import { createError } from '../../core/errors.js';
import { Tensor, record, willRecord } from '../tensor.js';
import { logSoftmaxRows } from './softmax.js';
import { sigmoidScalar } from './activation.js';

export interface CrossEntropyOptions {
  /** Rows whose label equals this contribute nothing (and do not count in the mean). Default −100 as in PyTorch. */
  ignoreIndex?: number;
  /** ε: the target is (1 − ε)·onehot + ε/C (Szegedy et al. 2016). Default 0. */
  labelSmoothing?: number;
}

/**
 * Mean over non-ignored rows of −Σ_c q_c log softmax(z)_c, logits [..., C], labels one per row.
 * Gradient: (softmax(z) − q) / count.
 */
export function crossEntropy(logits: Tensor, labels: Int32Array | readonly number[], options: CrossEntropyOptions = {}): Tensor {
  const C = logits.shape[logits.ndim - 1]!, rows = logits.size / C;
  if (labels.length !== rows) throw createError('SHAPE_MISMATCH', { op: 'crossEntropy', problem: `${rows} rows of logits but ${labels.length} labels` });
  const ignore = options.ignoreIndex ?? -100, eps = options.labelSmoothing ?? 0;
  const lsm = new Float32Array(logits.size);
  logSoftmaxRows(logits.data, lsm, rows, C);
  let total = 0, count = 0;
  for (let r = 0; r < rows; r++) {
    const y = labels[r]!;
    if (y === ignore) continue;
    if (y < 0 || y >= C || !Number.isInteger(y)) throw createError('INVALID_INPUT', { field: `labels[${r}]`, problem: `expected an integer class in [0, ${C}), got ${y}` });
    const base = r * C;
    let l = -(1 - eps) * lsm[base + y]!;
    if (eps > 0) {
      let s = 0;
      for (let j = 0; j < C; j++) s += lsm[base + j]!;
      l -= (eps / C) * s;
    }
    total += l;
    count++;
  }
  const out = new Tensor(Float32Array.of(count > 0 ? total / count : 0), []);
  if (willRecord(logits)) {
    const labelCopy = Int32Array.from(labels);
    record(out, [logits], () => {
      if (count === 0) return;
      const g = out.grad![0]! / count, gx = logits.ensureGrad();
      for (let r = 0; r < rows; r++) {
        const y = labelCopy[r]!;
        if (y === ignore) continue;
        const base = r * C;
        for (let j = 0; j < C; j++) gx[base + j] = gx[base + j]! + g * (Math.exp(lsm[base + j]!) - eps / C);
        gx[base + y] = gx[base + y]! - g * (1 - eps);
      }
    });
  }
  return out;
}

/**
 * Mean of max(z, 0) − z·y + log(1 + e^−|z|), the stable form of −[y log σ(z) + (1 − y) log(1 − σ(z))].
 * Gradient (σ(z) − y) / n. Optional per-element `weights` (0 masks an element out of the mean).
 */
export function bceWithLogits(logits: Tensor, targets: Float32Array | readonly number[], weights?: Float32Array): Tensor {
  const n = logits.size;
  if (targets.length !== n) throw createError('SHAPE_MISMATCH', { op: 'bceWithLogits', problem: `${n} logits but ${targets.length} targets` });
  const z = logits.data;
  let total = 0, wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = weights === undefined ? 1 : weights[i]!;
    if (w === 0) continue;
    const v = z[i]!;
    total += w * ((v > 0 ? v : 0) - v * targets[i]! + Math.log1p(Math.exp(-Math.abs(v))));
    wsum += w;
  }
  const out = new Tensor(Float32Array.of(wsum > 0 ? total / wsum : 0), []);
  if (willRecord(logits)) {
    const t = Float32Array.from(targets);
    record(out, [logits], () => {
      if (wsum === 0) return;
      const g = out.grad![0]! / wsum, gx = logits.ensureGrad();
      for (let i = 0; i < n; i++) {
        const w = weights === undefined ? 1 : weights[i]!;
        gx[i] = gx[i]! + g * w * (sigmoidScalar(z[i]!) - t[i]!);
      }
    });
  }
  return out;
}

/** Mean of (x − y)². */
export function mseLoss(x: Tensor, target: Float32Array | readonly number[]): Tensor {
  const n = x.size;
  if (target.length !== n) throw createError('SHAPE_MISMATCH', { op: 'mseLoss', problem: `${n} values but ${target.length} targets` });
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x.data[i]! - target[i]!;
    s += d * d;
  }
  const out = new Tensor(Float32Array.of(s / n), []);
  if (willRecord(x)) {
    const t = Float32Array.from(target);
    record(out, [x], () => {
      const g = (2 * out.grad![0]!) / n, gx = x.ensureGrad();
      for (let i = 0; i < n; i++) gx[i] = gx[i]! + g * (x.data[i]! - t[i]!);
    });
  }
  return out;
}
