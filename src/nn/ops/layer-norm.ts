/**
 * @module Layer normalisation over the last axis (Ba et al. 2016): y = γ ⊙ (x − μ)/√(σ² + ε) + β.
 *
 * Backward with x̂ = (x − μ)·r, r = 1/√(σ² + ε), ĝ = g ⊙ γ over a row of n values:
 * ∂x = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)); ∂γ = Σ g ⊙ x̂; ∂β = Σ g.
 */
import { createError } from '../../core/errors.js';
import { layerNormBackward, layerNormForward } from '../../math/nn-kernels.js';
import { allocManagedF32, freeManagedF32 } from '../../math/kernels.js';
import { Tensor, onRelease, record, willRecord } from '../tensor.js';

export function layerNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, eps = 1e-5): Tensor {
  const n = x.shape[x.ndim - 1]!, rows = x.size / n;
  if ((gamma !== null && gamma.size !== n) || (beta !== null && beta.size !== n)) {
    throw createError('SHAPE_MISMATCH', { op: 'layerNorm', problem: `γ/β must have ${n} values (the last axis of [${x.shape.join(', ')}])` });
  }
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const keep = willRecord(x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : []));
  // Without recording, x̂ is written into the output (then overwritten by γx̂ + β).
  // x̂ and 1/σ stay in WASM memory until backward releases the graph.
  const xhat = keep ? allocManagedF32(x.size) : out.data;
  const rstd = keep ? allocManagedF32(rows) : new Float32Array(rows);
  const gm = gamma?.data ?? null;
  layerNormForward(x.data, gm, beta?.data ?? null, out.data, xhat, rstd, rows, n, eps);
  const parents = [x];
  if (gamma) parents.push(gamma);
  if (beta) parents.push(beta);
  if (!keep) return out;
  record(out, parents, () => {
    layerNormBackward(out.grad!, xhat, rstd, gm, x.requiresGrad ? x.ensureGrad() : null,
      gamma?.requiresGrad ? gamma.ensureGrad() : null, beta?.requiresGrad ? beta.ensureGrad() : null, rows, n);
  });
  onRelease(out, () => {
    freeManagedF32(xhat);
    freeManagedF32(rstd);
  });
  return out;
}
