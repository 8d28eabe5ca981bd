/**
 * @module Softmax and log-softmax over the last axis, numerically stable (subtract the row max first).
 *
 * softmax backward: ∂x = y ⊙ (∂y − Σ ∂y ⊙ y); log-softmax backward: ∂x = ∂y − softmax(x) · Σ ∂y.
 */
import { Tensor, record } from '../tensor.js';

/** Writes log-softmax of each row of `x` (rows × cols) into `out`. */
export function logSoftmaxRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) if (x[base + j]! > mx) mx = x[base + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[base + j]! - mx);
    const lse = mx + Math.log(s);
    for (let j = 0; j < cols; j++) out[base + j] = x[base + j]! - lse;
  }
}

export function softmax(x: Tensor): Tensor {
  const cols = x.shape[x.ndim - 1]!, rows = x.size / cols;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const y = out.data, d = x.data;
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) if (d[base + j]! > mx) mx = d[base + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(d[base + j]! - mx);
      y[base + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < cols; j++) y[base + j] = y[base + j]! * inv;
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let r = 0, base = 0; r < rows; r++, base += cols) {
      let dot = 0;
      for (let j = 0; j < cols; j++) dot += g[base + j]! * y[base + j]!;
      for (let j = 0; j < cols; j++) gx[base + j] = gx[base + j]! + y[base + j]! * (g[base + j]! - dot);
    }
  });
  return out;
}

export function logSoftmax(x: Tensor): Tensor {
  const cols = x.shape[x.ndim - 1]!, rows = x.size / cols;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const y = out.data;
  logSoftmaxRows(x.data, y, rows, cols);
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let r = 0, base = 0; r < rows; r++, base += cols) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += g[base + j]!;
      for (let j = 0; j < cols; j++) gx[base + j] = gx[base + j]! + g[base + j]! - Math.exp(y[base + j]!) * s;
    }
  });
  return out;
}
