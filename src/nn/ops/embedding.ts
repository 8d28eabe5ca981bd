/**
 * @module Embedding lookup: out[..., :] = W[id, :]. For a table marked `sparse`, backward records only the touched
 * rows (ids + row gradients in `weight.sparseGrad`) so lazy Adam updates those rows alone; otherwise it
 * scatter-adds into the dense gradient.
 */
import { createError } from '../../core/errors.js';
import { embeddingBackward, embeddingForward } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';

export interface EmbeddingOptions {
  /** Rows with this id read as zeros and get no gradient (PyTorch's padding_idx; here the row is not read). */
  paddingIdx?: number;
}

/** Looks up `ids` (shape `idsShape`, default 1-D) in `weight` [V, D] → [...idsShape, D]. */
export function embedding(weight: Tensor, ids: Int32Array | readonly number[], idsShape?: readonly number[], options: EmbeddingOptions = {}): Tensor {
  const V = weight.shape[0]!, D = weight.shape[1]!;
  const shape = idsShape ?? [ids.length];
  const n = ids.length;
  const pad = options.paddingIdx ?? -1;
  const out = new Tensor(new Float32Array(n * D), [...shape, D]);
  const idCopy = Int32Array.from(ids);
  for (let i = 0; i < n; i++) {
    const id = idCopy[i]!;
    if (id !== pad && !(id >= 0 && id < V)) throw createError('INVALID_INPUT', { field: `embedding.ids[${i}]`, problem: `id ${id} outside the table [0, ${V})` });
  }
  embeddingForward(idCopy, weight.data, out.data, D, pad);
  record(out, [weight], () => {
    const g = out.grad!;
    if (weight.sparse) {
      let kept = 0;
      for (let i = 0; i < n; i++) if (idCopy[i] !== pad) kept++;
      const keptIds = new Int32Array(kept), rows = new Float32Array(kept * D);
      for (let i = 0, r = 0; i < n; i++) {
        if (idCopy[i] === pad) continue;
        keptIds[r] = idCopy[i]!;
        rows.set(g.subarray(i * D, (i + 1) * D), r * D);
        r++;
      }
      weight.sparseGrad.push({ ids: keptIds, rows });
      return;
    }
    embeddingBackward(idCopy, g, weight.ensureGrad(), D, pad);
  });
  return out;
}
