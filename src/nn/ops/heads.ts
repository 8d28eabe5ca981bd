/**
 * @module Splitting and merging attention heads without generic permutes: one strided copy each way.
 *
 * splitHeads: x [B, T, G·D] (G stacked projections, e.g. Q|K|V) → part `part` as [B·h, T, D/h];
 * mergeHeads: [B·h, T, d_h] → [B, T, h·d_h]. Backward is the inverse copy, accumulated.
 */
import { createError } from '../../core/errors.js';
import { Tensor, record } from '../tensor.js';

export function splitHeads(x: Tensor, heads: number, groups = 1, part = 0): Tensor {
  const [B, T, GD] = x.shape as [number, number, number];
  const D = GD / groups, dh = D / heads;
  if (x.ndim !== 3 || !Number.isInteger(dh) || part < 0 || part >= groups) {
    throw createError('SHAPE_MISMATCH', { op: 'splitHeads', problem: `[${x.shape.join(', ')}] cannot split into ${groups} groups of ${heads} heads` });
  }
  const out = new Tensor(new Float32Array(B * T * D), [B * heads, T, dh]);
  const o = out.data, d = x.data;
  for (let b = 0; b < B; b++) {
    for (let hh = 0; hh < heads; hh++) {
      const ob = (b * heads + hh) * T * dh;
      for (let t = 0; t < T; t++) {
        const src = (b * T + t) * GD + part * D + hh * dh, dst = ob + t * dh;
        for (let j = 0; j < dh; j++) o[dst + j] = d[src + j]!;
      }
    }
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let b = 0; b < B; b++) {
      for (let hh = 0; hh < heads; hh++) {
        const ob = (b * heads + hh) * T * dh;
        for (let t = 0; t < T; t++) {
          const dst = (b * T + t) * GD + part * D + hh * dh, src = ob + t * dh;
          for (let j = 0; j < dh; j++) gx[dst + j] = gx[dst + j]! + g[src + j]!;
        }
      }
    }
  });
  return out;
}

export function mergeHeads(x: Tensor, heads: number): Tensor {
  const [BH, T, dh] = x.shape as [number, number, number];
  const B = BH / heads, D = heads * dh;
  if (x.ndim !== 3 || !Number.isInteger(B)) throw createError('SHAPE_MISMATCH', { op: 'mergeHeads', problem: `[${x.shape.join(', ')}] is not [B·${heads}, T, d_h]` });
  const out = new Tensor(new Float32Array(x.size), [B, T, D]);
  const o = out.data, d = x.data;
  for (let b = 0; b < B; b++) {
    for (let hh = 0; hh < heads; hh++) {
      const ib = (b * heads + hh) * T * dh;
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * D + hh * dh, src = ib + t * dh;
        for (let j = 0; j < dh; j++) o[dst + j] = d[src + j]!;
      }
    }
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let b = 0; b < B; b++) {
      for (let hh = 0; hh < heads; hh++) {
        const ib = (b * heads + hh) * T * dh;
        for (let t = 0; t < T; t++) {
          const src = (b * T + t) * D + hh * dh, dst = ib + t * dh;
          for (let j = 0; j < dh; j++) gx[dst + j] = gx[dst + j]! + g[src + j]!;
        }
      }
    }
  });
  return out;
}
