/**
 * @module Parameter initialisers matching PyTorch's defaults, so benchmarks and results compare like for like.
 */
import type { Rng } from '../core/rng.js';
import { Tensor, randn, uniform } from './tensor.js';
import { parameter } from './module.js';

/**
 * U(−1/√fanIn, 1/√fanIn): PyTorch's default for Linear / Conv weights (kaiming_uniform with a = √5 gives
 * bound = √(6 / ((1 + a²) fanIn)) = 1/√fanIn) and for their biases.
 */
export function fanInUniform(shape: readonly number[], fanIn: number, rng: Rng): Tensor {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return parameter(uniform(shape, rng, -bound, bound));
}

/** N(0, std²) (PyTorch's Embedding default is std = 1). */
export function normalParam(shape: readonly number[], rng: Rng, std = 1): Tensor {
  return parameter(randn(shape, rng, std));
}

/** A constant parameter (LayerNorm γ = 1, β = 0). */
export function constantParam(shape: readonly number[], value: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return parameter(new Tensor(new Float32Array(n).fill(value), shape));
}
