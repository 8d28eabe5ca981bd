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
  const xhat = keep ? new Float32Array(x.size) : null;
  const rstd = new Float32Array(rows);
  const d = x.data, o = out.data, gm = gamma?.data, bt = beta?.data;
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
      if (xhat) xhat[base + j] = h;
      o[base + j] = (gm ? gm[j]! * h : h) + (bt ? bt[j]! : 0);
    }
  }
  const parents = [x];
  if (gamma) parents.push(gamma);
  if (beta) parents.push(beta);
  record(out, parents, () => {
    const g = out.grad!, xh = xhat!;
    const gg = gamma?.requiresGrad ? gamma.ensureGrad() : null;
    const gb = beta?.requiresGrad ? beta.ensureGrad() : null;
    const gx = x.requiresGrad ? x.ensureGrad() : null;
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let s1 = 0, s2 = 0;
      for (let j = 0; j < n; j++) {
        const gv = g[base + j]!, h = xh[base + j]!;
        if (gg) gg[j] = gg[j]! + gv * h;
        if (gb) gb[j] = gb[j]! + gv;
        const gh = gm ? gv * gm[j]! : gv;
        s1 += gh;
        s2 += gh * h;
      }
      if (!gx) continue;
      s1 /= n;
      s2 /= n;
      const rs = rstd[r]!;
      for (let j = 0; j < n; j++) {
        const gh = gm ? g[base + j]! * gm[j]! : g[base + j]!;
        gx[base + j] = gx[base + j]! + rs * (gh - s1 - xh[base + j]! * s2);
      }
    }
  });
  return out;
}
