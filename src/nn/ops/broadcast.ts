/**
 * @module NumPy broadcasting: output shapes and index maps from an output position to an input position.
 *
 * Shapes align on the right; a dimension of size 1 (or a missing one) repeats. Index maps are cached by shape
 * so a training loop that repeats the same shapes pays for them once.
 */
import { createError } from '../../core/errors.js';
import { sizeOf } from '../tensor.js';

export function broadcastShape(a: readonly number[], b: readonly number[], op = 'broadcast'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw createError('SHAPE_MISMATCH', { op, problem: `shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast (axis ${i}: ${da} vs ${db})` });
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

const cache = new Map<string, Int32Array>();
/** Entries kept; a model uses a few dozen distinct shape pairs. */
const CACHE_LIMIT = 256;

/**
 * For each flat index of `outShape`, the flat index of the element of `inShape` (broadcast to `outShape`) it reads.
 * Shared and cached: callers must not modify it.
 */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const key = `${inShape.join(',')}|${outShape.join(',')}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const n = outShape.length;
  const strides = new Array<number>(n).fill(0);
  let s = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const oi = n - inShape.length + i;
    strides[oi] = inShape[i] === 1 ? 0 : s;
    s *= inShape[i]!;
  }
  const total = sizeOf(outShape);
  const map = new Int32Array(total);
  const counter = new Array<number>(n).fill(0);
  let idx = 0;
  for (let f = 0; f < total; f++) {
    map[f] = idx;
    for (let d = n - 1; d >= 0; d--) {
      counter[d]!++;
      idx += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      idx -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, map);
  return map;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalises a possibly negative axis against `ndim`. */
export function normAxis(axis: number, ndim: number, op: string): number {
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw createError('SHAPE_MISMATCH', { op, problem: `axis ${axis} is out of range for ${ndim} dimensions` });
  return a;
}
