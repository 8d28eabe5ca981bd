/**
 * @module Softmax and log-softmax over the last axis, numerically stable (subtract the row max first).
 *
 * softmax backward: ∂x = y ⊙ (∂y − Σ ∂y ⊙ y); log-softmax backward: ∂x = ∂y − softmax(x) · Σ ∂y.
 */
import { logSoftmaxBackward, logSoftmaxForward, softmaxBackward, softmaxForward } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';

/** Writes log-softmax of each row of `x` (rows × cols) into `out`. */
export function logSoftmaxRows(x: Float32Array, out: Float32Array, rows: number, cols: number): void {
  logSoftmaxForward(x, out, rows, cols);
}

export function softmax(x: Tensor): Tensor {
  const cols = x.shape[x.ndim - 1]!, rows = x.size / cols;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const y = out.data;
  softmaxForward(x.data, y, rows, cols);
  record(out, [x], () => softmaxBackward(y, out.grad!, x.ensureGrad(), rows, cols));
  return out;
}

export function logSoftmax(x: Tensor): Tensor {
  const cols = x.shape[x.ndim - 1]!, rows = x.size / cols;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const y = out.data;
  logSoftmaxForward(x.data, y, rows, cols);
  record(out, [x], () => logSoftmaxBackward(y, out.grad!, x.ensureGrad(), rows, cols));
  return out;
}
