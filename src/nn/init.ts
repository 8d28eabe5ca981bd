/**
 * @module Parameter initialisers matching PyTorch's defaults, so benchmarks and results compare like for like.
 */
import type { Rng } from '../core/rng.js';
import { allocManagedF32 } from '../math/kernels.js';
import { Tensor, randn, uniform } from './tensor.js';
import { parameter } from './module.js';

/** Parameters from this many values on are worth keeping in WASM memory. */
const RESIDENT_MIN = 4096;

/**
 * Marks `t` as a parameter; large ones are moved into WASM memory (freed with the tensor), so the SIMD kernels,
 * the gemms and the optimizers use them in place instead of copying them on every call.
 */
export function residentParameter(t: Tensor): Tensor {
  if (t.size < RESIDENT_MIN) return parameter(t);
  const data = allocManagedF32(t.size);
  data.set(t.data);
  return parameter(new Tensor(data, t.shape));
}

/**
 * U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear / Conv weights (kaiming_uniform with a = √5 gives
 * bound = √(6 / ((1 + a²) fanIn)) = 1/√fanIn) and for their biases.
 */
export function fanInUniform(shape: readonly number[], fanIn: number, rng: Rng): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return residentParameter(uniform(shape, rng, -bound, bound));
}

/** N(0, std²) (PyTorch's Embedding default is std = 1). */
export function normalParam(shape: readonly number[], rng: Rng, std = 1): Tensor {
  return residentParameter(randn(shape, rng, std));
}

/** A constant parameter (LayerNorm γ = 1, β = 0). */
export function constantParam(shape: readonly number[], value: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return residentParameter(new Tensor(new Float32Array(n).fill(value), shape));
}
