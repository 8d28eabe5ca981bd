/**
 * @module Inverted dropout (Srivastava et al. 2014): in training, zero each value with probability p and scale the
 * survivors by 1/(1 − p) so the expectation is unchanged; identity in eval mode. Seeded through `rng`.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { Tensor, record } from '../tensor.js';

export function dropout(x: Tensor, p: number, rng: Rng, training = true): Tensor {
  if (!(p >= 0 && p < 1)) throw createError('INVALID_INPUT', { field: 'dropout.p', problem: `expected a probability in [0, 1), got ${p}` });
  if (!training || p === 0) return x;
  const keep = 1 / (1 - p);
  const mask = new Float32Array(x.size);
  // The mask comes from an inline xorshift32 (Marsaglia 2003) seeded by one draw of `rng`: one call per op instead
  // of one per element, still fully determined by the seed. Keep when the 32-bit draw ≥ p·2³².
  let s = rng.uint32() | 1;
  const threshold = Math.floor(p * 4294967296);
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const o = out.data, d = x.data;
  for (let i = 0; i < mask.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const m = keep * +(s >>> 0 >= threshold); // branch-free: random keep/drop would mispredict
    mask[i] = m;
    o[i] = d[i]! * m;
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * mask[i]!;
  });
  return out;
}
