/**
 * @module Two fused autograd ops of the sequential recommenders (one node each instead of gather + mul + sum).
 *
 * `rowDot`: logits[r·N + i] = ⟨feats[i], table[ids[r·N + i]]⟩ for R id sets over the same N feature rows (SASRec's
 * positive and negative logits share `log_feats`): ∂feats[i] += g·table[id], ∂table[id] += g·feats[i]; the
 * padding id gives 0 and no gradient. `rowMask`: out[row] = keep[row] ? x[row] : 0 (SASRec's
 * `seqs *= ~timeline_mask`), gradient masked alike.
 */
import { createError } from '../../core/errors.js';
import { Tensor, record } from '../../nn/tensor.js';

export function rowDot(feats: Tensor, table: Tensor, ids: Int32Array, pad = 0): Tensor {
  const D = table.shape[1]!, N = feats.size / D, V = table.shape[0]!;
  if (feats.shape[feats.ndim - 1] !== D || ids.length % N !== 0) {
    throw createError('SHAPE_MISMATCH', { op: 'rowDot', problem: `feats [${feats.shape.join(', ')}], table [${table.shape.join(', ')}], ${ids.length} ids disagree` });
  }
  const M = ids.length;
  const out = new Tensor(new Float32Array(M), [M]);
  const f = feats.data, w = table.data, o = out.data;
  for (let r = 0; r < M; r++) {
    const id = ids[r]!;
    if (id === pad) continue;
    if (!(id >= 0 && id < V)) throw createError('INVALID_INPUT', { field: `rowDot.ids[${r}]`, problem: `id ${id} outside [0, ${V})` });
    const fb = (r % N) * D, wb = id * D;
    let s = 0;
    for (let j = 0; j < D; j++) s += f[fb + j]! * w[wb + j]!;
    o[r] = s;
  }
  const idCopy = ids.slice();
  record(out, [feats, table], () => {
    const g = out.grad!;
    const gf = feats.requiresGrad ? feats.ensureGrad() : null;
    const gw = table.requiresGrad ? table.ensureGrad() : null;
    for (let r = 0; r < M; r++) {
      const id = idCopy[r]!, gv = g[r]!;
      if (id === pad || gv === 0) continue;
      const fb = (r % N) * D, wb = id * D;
      if (gf) for (let j = 0; j < D; j++) gf[fb + j] = gf[fb + j]! + gv * w[wb + j]!;
      if (gw) for (let j = 0; j < D; j++) gw[wb + j] = gw[wb + j]! + gv * f[fb + j]!;
    }
  });
  return out;
}

export function rowMask(x: Tensor, keep: Uint8Array): Tensor {
  const D = x.shape[x.ndim - 1]!, rows = x.size / D;
  if (keep.length !== rows) throw createError('SHAPE_MISMATCH', { op: 'rowMask', problem: `${keep.length} flags for ${rows} rows` });
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const d = x.data, o = out.data;
  for (let r = 0; r < rows; r++) if (keep[r]) for (let j = r * D; j < (r + 1) * D; j++) o[j] = d[j]!;
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let r = 0; r < rows; r++) if (keep[r]) for (let j = r * D; j < (r + 1) * D; j++) gx[j] = gx[j]! + g[j]!;
  });
  return out;
}
