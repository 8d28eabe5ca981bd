/**
 * @module Weighted embedding bag: out[b, :] = Σ_t w[b, t] · W[ids[b, t], :] (PyTorch's `EmbeddingBag` with
 * per-sample weights). One op serves a mean of history items (w = 1/L), a mean of followees, and a sparse
 * TF-IDF vector times a projection matrix (ids = hashed terms, w = tf-idf). Entries with id −1 are padding.
 * ∂L/∂W[ids[b,t], :] += w[b,t] · ∂L/∂out[b, :]; ∂L/∂w is not needed (weights are data) and not computed.
 * A table marked `sparse` gets those rows in `sparseGrad` (one row per non-padding entry) instead of a dense gradient.
 */
import { createError } from '../../core/errors.js';
import { Tensor, record } from '../../nn/tensor.js';

export function embeddingBag(weight: Tensor, ids: Int32Array, weights: Float32Array, bags: number, width: number): Tensor {
  const V = weight.shape[0]!, D = weight.shape[1]!;
  if (ids.length !== bags * width || weights.length !== ids.length) {
    throw createError('SHAPE_MISMATCH', { op: 'embeddingBag', problem: `${bags} bags × ${width} slots need ${bags * width} ids and weights, got ${ids.length} and ${weights.length}` });
  }
  const out = new Tensor(new Float32Array(bags * D), [bags, D]);
  const o = out.data, w = weight.data;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k]!;
    if (id < 0) continue;
    if (id >= V) throw createError('INVALID_INPUT', { field: `embeddingBag.ids[${k}]`, problem: `id ${id} outside the table [0, ${V})` });
    const c = weights[k]!, ob = Math.floor(k / width) * D, wb = id * D;
    for (let j = 0; j < D; j++) o[ob + j] = o[ob + j]! + c * w[wb + j]!;
  }
  record(out, [weight], () => {
    const g = out.grad!;
    if (weight.sparse) {
      weight.sparseGrad.push(bagRowGradients(ids, weights, width, D, g));
      return;
    }
    const gw = weight.ensureGrad();
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      if (id < 0) continue;
      const c = weights[k]!, ob = Math.floor(k / width) * D, wb = id * D;
      for (let j = 0; j < D; j++) gw[wb + j] = gw[wb + j]! + c * g[ob + j]!;
    }
  });
  return out;
}

/** One gradient row w[b,t] · g[b, :] per non-padding entry, with its table id. */
function bagRowGradients(ids: Int32Array, weights: Float32Array, width: number, D: number, g: Float32Array): { ids: Int32Array; rows: Float32Array } {
  let kept = 0;
  for (let k = 0; k < ids.length; k++) if (ids[k]! >= 0) kept++;
  const rowIds = new Int32Array(kept), rows = new Float32Array(kept * D);
  for (let k = 0, r = 0; k < ids.length; k++) {
    if (ids[k]! < 0) continue;
    const c = weights[k]!, ob = Math.floor(k / width) * D;
    rowIds[r] = ids[k]!;
    for (let j = 0; j < D; j++) rows[r * D + j] = c * g[ob + j]!;
    r++;
  }
  return { ids: rowIds, rows };
}
