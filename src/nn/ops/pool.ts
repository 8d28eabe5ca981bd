/**
 * @module Pooling over time for [B, T, C] sequences: max (TextCNN's max-over-time) and mean, with optional
 * lengths so padded steps are ignored.
 */
import { createError } from '../../core/errors.js';
import { maxPoolTimeForward } from '../../math/nn-kernels.js';
import { Tensor, record } from '../tensor.js';

function dims(x: Tensor, lengths: ArrayLike<number> | undefined, op: string): [number, number, number] {
  if (x.ndim !== 3) throw createError('SHAPE_MISMATCH', { op, problem: `expected [B, T, C], got [${x.shape.join(', ')}]` });
  const [B, T, C] = x.shape as [number, number, number];
  if (lengths !== undefined) {
    if (lengths.length !== B) throw createError('SHAPE_MISMATCH', { op, problem: `${lengths.length} lengths for a batch of ${B}` });
    for (let b = 0; b < B; b++) if (!(lengths[b]! >= 1 && lengths[b]! <= T)) throw createError('INVALID_INPUT', { field: `${op}.lengths[${b}]`, problem: `expected 1…${T}, got ${lengths[b]}` });
  }
  return [B, T, C];
}

/** max over t < length of x[b, t, c] → [B, C]. */
export function maxPoolTime(x: Tensor, lengths?: ArrayLike<number>): Tensor {
  const [B, T, C] = dims(x, lengths, 'maxPoolTime');
  const out = new Tensor(new Float32Array(B * C), [B, C]);
  const arg = new Int32Array(B * C);
  maxPoolTimeForward(x.data, out.data, arg, B, T, C, lengths === undefined ? null : Int32Array.from(lengths));
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[arg[i]!] = gx[arg[i]!]! + g[i]!;
  });
  return out;
}

/** mean over t < length of x[b, t, c] → [B, C]. */
export function meanPoolTime(x: Tensor, lengths?: ArrayLike<number>): Tensor {
  const [B, T, C] = dims(x, lengths, 'meanPoolTime');
  const out = new Tensor(new Float32Array(B * C), [B, C]);
  const d = x.data, o = out.data;
  for (let b = 0; b < B; b++) {
    const L = lengths === undefined ? T : lengths[b]!;
    for (let t = 0; t < L; t++) {
      const base = (b * T + t) * C;
      for (let c = 0; c < C; c++) o[b * C + c] = o[b * C + c]! + d[base + c]!;
    }
    for (let c = 0; c < C; c++) o[b * C + c] = o[b * C + c]! / L;
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let b = 0; b < B; b++) {
      const L = lengths === undefined ? T : lengths[b]!;
      for (let t = 0; t < L; t++) {
        const base = (b * T + t) * C;
        for (let c = 0; c < C; c++) gx[base + c] = gx[base + c]! + g[b * C + c]! / L;
      }
    }
  });
  return out;
}
