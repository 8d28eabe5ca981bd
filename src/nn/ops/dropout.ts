/**
 * @module Inverted dropout (Srivastava et al. 2014): in training, zero each value with probability p and scale the
 * survivors by 1/(1 − p) so the expectation is unchanged; identity in eval mode. Seeded through `rng`.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { dropoutBackward, dropoutForward } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';

export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw createError('INVALID_INPUT', { field: 'dropout.p', problem: `expected a probability in [0, 1), got ${p}` });
  if (!training || p === 0) return x;
  // The mask is an xorshift32 stream (Marsaglia 2003) seeded by one draw of `rng`: one call per op instead of one per
  // element, still fully determined by the seed. Backward regenerates it from the seed, so no mask is stored.
  const seed = rng.uint32() | 1;
  const out = new Tensor(new Float32Array(x.size), x.shape);
  dropoutForward(x.data, out.data, seed, p);
  record(out, [x], () => dropoutBackward(out.grad!, x.ensureGrad(), seed, p));
  return out;
}
