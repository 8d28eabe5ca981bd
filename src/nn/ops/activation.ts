/**
 * @module Elementwise nonlinearities with gradients: exp, log, tanh, sigmoid, relu, gelu, softplus.
 *
 * exp, tanh, sigmoid, ReLU and GELU run the SIMD kernels of src/math/nn-kernels.ts; log and softplus have their
 * own loop. Backward uses the saved output where that is cheaper (exp: y, tanh: 1 − y², sigmoid: y(1 − y)).
 */
import {
  expForward, geluBackward, geluForward, mulAccumulate, reluBackward, reluForward, sigmoidBackward, sigmoidForward,
  tanhBackward, tanhForward,
} from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';

function unaryOut(x: Tensor): Tensor {
  return new Tensor(new Float32Array(x.size), x.shape);
}

export function exp(x: Tensor): Tensor {
  const out = unaryOut(x);
  const o = out.data;
  expForward(x.data, o);
  record(out, [x], () => mulAccumulate(out.grad!, o, x.ensureGrad()));
  return out;
}

export function log(x: Tensor): Tensor {
  const out = unaryOut(x);
  const o = out.data, d = x.data;
  for (let i = 0; i < o.length; i++) o[i] = Math.log(d[i]!);
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! / d[i]!;
  });
  return out;
}

export function tanh(x: Tensor): Tensor {
  const out = unaryOut(x);
  const o = out.data;
  tanhForward(x.data, o);
  record(out, [x], () => tanhBackward(o, out.grad!, x.ensureGrad()));
  return out;
}

/** σ(x) = 1 / (1 + e^−x). */
export function sigmoid(x: Tensor): Tensor {
  const out = unaryOut(x);
  const o = out.data;
  sigmoidForward(x.data, o);
  record(out, [x], () => sigmoidBackward(o, out.grad!, x.ensureGrad()));
  return out;
}

/** In float64, 1/(1 + e^−v) is already safe: e^−v overflows to ∞ for v < −709 and the result is 0, not NaN. */
export function sigmoidScalar(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

export function relu(x: Tensor): Tensor {
  const out = unaryOut(x);
  const d = x.data;
  reluForward(d, out.data);
  record(out, [x], () => reluBackward(d, out.grad!, x.ensureGrad()));
  return out;
}

/**
 * GELU, tanh approximation (Hendrycks & Gimpel 2016; PyTorch `gelu(x, approximate='tanh')`):
 * 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
 */
export function gelu(x: Tensor): Tensor {
  const out = unaryOut(x);
  const d = x.data;
  geluForward(d, out.data);
  record(out, [x], () => geluBackward(d, out.grad!, x.ensureGrad()));
  return out;
}

/** softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^−|x|) (stable); derivative σ(x). */
export function softplus(x: Tensor): Tensor {
  const out = unaryOut(x);
  const o = out.data, d = x.data;
  for (let i = 0; i < o.length; i++) {
    const v = d[i]!;
    o[i] = (v > 0 ? v : 0) + Math.log1p(Math.exp(-Math.abs(v)));
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * sigmoidScalar(d[i]!);
  });
  return out;
}
