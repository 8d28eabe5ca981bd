/**
 * @module Layer normalisation over the last axis (Ba et al. 2016): y = γ ⊙ (x − μ)/√(σ² + ε) + β.
 *
 * Backward with x̂ = (x − μ)·r, r = 1/√(σ² + ε), ĝ = g ⊙ γ over a row of n values:
 * ∂x = r · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)); ∂γ = Σ g ⊙ x̂; ∂β = Σ g.
 */
import { createError } from '../../core/errors.js';
import { Tensor, record, willRecord } from '../tensor.js';

export function layerNorm(x: Tensor, gamma: Tensor | null, beta: Tensor | null, eps = 1e-5): Tensor {
  const n = x.shape[x.ndim - 1]!, rows = x.size / n;
  if ((gamma !== null && gamma.size !== n) || (beta !== null && beta.size !== n)) {
    throw createError('SHAPE_MISMATCH', { op: 'layerNorm', problem: `γ/β must have ${n} values (the last axis of [${x.shape.join(', ')}])` });
  }
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const keep = willRecord(x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : []));
  // Loops without per-element conditionals: absent γ / β read as ones / zeros, absent gradients go to scratch,
  // and without recording x̂ is written into the output (then overwritten by γx̂ + β).
  const o = out.data, d = x.data;
  const xhat = keep ? new Float32Array(x.size) : o;
  const rstd = new Float32Array(rows);
  const gm = gamma?.data ?? new Float32Array(n).fill(1), bt = beta?.data ?? new Float32Array(n);
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    let mu = 0;
    for (let j = 0; j < n; j++) mu += d[base + j]!;
    mu /= n;
    let v = 0;
    for (let j = 0; j < n; j++) { const c = d[base + j]! - mu; v += c * c; }
    const rs = 1 / Math.sqrt(v / n + eps);
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      const h = (d[base + j]! - mu) * rs;
      xhat[base + j] = h;
      o[base + j] = gm[j]! * h + bt[j]!;
    }
  }
  const parents = [x];
  if (gamma) parents.push(gamma);
  if (beta) parents.push(beta);
  record(out, parents, () => {
    const g = out.grad!, xh = xhat;
    const gg = gamma?.requiresGrad ? gamma.ensureGrad() : new Float32Array(n);
    const gb = beta?.requiresGrad ? beta.ensureGrad() : new Float32Array(n);
    const gx = x.requiresGrad ? x.ensureGrad() : null;
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let s1 = 0, s2 = 0;
      for (let j = 0; j < n; j++) {
        const gv = g[base + j]!, h = xh[base + j]!;
        gg[j] = gg[j]! + gv * h;
        gb[j] = gb[j]! + gv;
        const gh = gv * gm[j]!;
        s1 += gh;
        s2 += gh * h;
      }
      if (gx === null) continue;
      s1 /= n;
      s2 /= n;
      const rs = rstd[r]!;
      for (let j = 0; j < n; j++) gx[base + j] = gx[base + j]! + rs * (g[base + j]! * gm[j]! - s1 - xh[base + j]! * s2);
    }
  });
  return out;
}
