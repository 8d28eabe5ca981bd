/**
 * @module Reductions over axes with gradients: sum, mean, max (keepdim optional).
 *
 * The reduced (keepdim) shape broadcasts back to the input shape, so one cached index map sends each input
 * element to its output slot; the backward pass reads the same map.
 */
import { Tensor, record, sizeOf } from '../tensor.js';
import { broadcastIndex, normAxis } from './broadcast.js';

export interface ReduceOptions {
  /** Axis or axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[];
  /** Keep reduced axes as size 1. */
  keepdim?: boolean;
}

function plan(x: Tensor, options: ReduceOptions, op: string): { keep: number[]; out: number[]; map: Int32Array | null; count: number } {
  const nd = x.shape.length;
  const axes = options.axis === undefined ? x.shape.map((_, i) => i) : (typeof options.axis === 'number' ? [options.axis] : options.axis).map((a) => normAxis(a, nd, op));
  const reduced = new Set(axes);
  const keep = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const out = options.keepdim ? keep.slice() : x.shape.filter((_, i) => !reduced.has(i));
  let count = 1;
  for (const a of reduced) count *= x.shape[a]!;
  // Reducing only trailing axes: output slot = floor(i / count); no map needed.
  let trailing = true;
  for (let i = nd - reduced.size; i < nd; i++) if (!reduced.has(i)) trailing = false;
  const map = trailing ? null : broadcastIndex(keep, x.shape);
  return { keep, out, map, count };
}

/** Σ over axes. */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { out: shape, map, count } = plan(x, options, 'sum');
  const out = new Tensor(new Float32Array(sizeOf(shape)), shape);
  const o = out.data, d = x.data, n = x.size;
  if (map === null) {
    for (let r = 0, i = 0; r < o.length; r++) {
      let s = 0;
      for (let j = 0; j < count; j++, i++) s += d[i]!;
      o[r] = s;
    }
  } else for (let i = 0; i < n; i++) o[map[i]!] = o[map[i]!]! + d[i]!;
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    if (map === null) {
      for (let r = 0, i = 0; r < g.length; r++) {
        const gv = g[r]!;
        for (let j = 0; j < count; j++, i++) gx[i] = gx[i]! + gv;
      }
    } else for (let i = 0; i < n; i++) gx[i] = gx[i]! + g[map[i]!]!;
  });
  return out;
}

/** Mean over axes. */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { out: shape, map, count } = plan(x, options, 'mean');
  const out = new Tensor(new Float32Array(sizeOf(shape)), shape);
  const o = out.data, d = x.data, n = x.size, inv = 1 / count;
  if (map === null) {
    for (let r = 0, i = 0; r < o.length; r++) {
      let s = 0;
      for (let j = 0; j < count; j++, i++) s += d[i]!;
      o[r] = s * inv;
    }
  } else {
    for (let i = 0; i < n; i++) o[map[i]!] = o[map[i]!]! + d[i]!;
    for (let r = 0; r < o.length; r++) o[r] = o[r]! * inv;
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    if (map === null) {
      for (let r = 0, i = 0; r < g.length; r++) {
        const gv = g[r]! * inv;
        for (let j = 0; j < count; j++, i++) gx[i] = gx[i]! + gv;
      }
    } else for (let i = 0; i < n; i++) gx[i] = gx[i]! + g[map[i]!]! * inv;
  });
  return out;
}

/** Max over axes; the gradient goes to the first maximal element of each slot. */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  const { out: shape, map, count } = plan(x, options, 'max');
  const out = new Tensor(new Float32Array(sizeOf(shape)).fill(-Infinity), shape);
  const o = out.data, d = x.data, n = x.size;
  const arg = new Int32Array(o.length);
  if (map === null) {
    for (let r = 0, i = 0; r < o.length; r++) {
      let best = -Infinity, at = i;
      for (let j = 0; j < count; j++, i++) if (d[i]! > best) { best = d[i]!; at = i; }
      o[r] = best;
      arg[r] = at;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const r = map[i]!;
      if (d[i]! > o[r]!) { o[r] = d[i]!; arg[r] = i; }
    }
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let r = 0; r < g.length; r++) gx[arg[r]!] = gx[arg[r]!]! + g[r]!;
  });
  return out;
}
