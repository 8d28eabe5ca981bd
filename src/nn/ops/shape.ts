/**
 * @module Shape ops with gradients: reshape, permute, transpose, concat, slice, gather, indexSelect, maskedFill.
 */
import { createError } from '../../core/errors.js';
import { Tensor, record, sizeOf } from '../tensor.js';
import { broadcastIndex, broadcastShape, normAxis } from './broadcast.js';

/** Same values, new shape (one axis may be −1). Shares the data buffer. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = shape.slice();
  const free = s.indexOf(-1);
  if (free >= 0) s[free] = x.size / -sizeOf(s);
  if (sizeOf(s) !== x.size || !s.every((d) => Number.isInteger(d) && d >= 0)) {
    throw createError('SHAPE_MISMATCH', { op: 'reshape', problem: `cannot view [${x.shape.join(', ')}] as [${shape.join(', ')}]` });
  }
  const out = new Tensor(x.data, s);
  // The output shares the input's gradient buffer too, so backward has nothing to copy.
  if (record(out, [x], () => undefined)) out.grad = x.ensureGrad();
  return out;
}

const permCache = new Map<string, Int32Array>();

/** For each output flat index, the input flat index (cached by shape and permutation). */
function permuteIndex(shape: readonly number[], perm: readonly number[]): Int32Array {
  const key = `${shape.join(',')}|${perm.join(',')}`;
  const hit = permCache.get(key);
  if (hit !== undefined) return hit;
  const nd = shape.length;
  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) { inStrides[i] = s; s *= shape[i]!; }
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  const map = new Int32Array(s);
  const counter = new Array<number>(nd).fill(0);
  let idx = 0;
  for (let f = 0; f < s; f++) {
    map[f] = idx;
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]!++;
      idx += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      idx -= strides[d]! * outShape[d]!;
      counter[d] = 0;
    }
  }
  if (permCache.size >= 256) permCache.delete(permCache.keys().next().value as string);
  permCache.set(key, map);
  return map;
}

/** Reorders axes: output axis i is input axis perm[i]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.ndim || new Set(perm).size !== perm.length || perm.some((p) => p < 0 || p >= x.ndim)) {
    throw createError('SHAPE_MISMATCH', { op: 'permute', problem: `[${perm.join(', ')}] is not a permutation of ${x.ndim} axes` });
  }
  const map = permuteIndex(x.shape, perm);
  const out = new Tensor(new Float32Array(x.size), perm.map((p) => x.shape[p]!));
  const o = out.data, d = x.data;
  for (let i = 0; i < o.length; i++) o[i] = d[map[i]!]!;
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) gx[map[i]!] = gx[map[i]!]! + g[i]!;
  });
  return out;
}

/** Swaps the last two axes (a 2-D transpose, or per matrix of a batch). */
export function transpose(x: Tensor): Tensor {
  if (x.ndim < 2) throw createError('SHAPE_MISMATCH', { op: 'transpose', problem: `needs at least 2 axes, got [${x.shape.join(', ')}]` });
  const rows = x.shape[x.ndim - 2]!, cols = x.shape[x.ndim - 1]!, batch = x.size / (rows * cols);
  const out = new Tensor(new Float32Array(x.size), [...x.shape.slice(0, -2), cols, rows]);
  const o = out.data, d = x.data;
  for (let b = 0, base = 0; b < batch; b++, base += rows * cols) {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) o[base + c * rows + r] = d[base + r * cols + c]!;
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let b = 0, base = 0; b < batch; b++, base += rows * cols) {
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) gx[base + r * cols + c] = gx[base + r * cols + c]! + g[base + c * rows + r]!;
    }
  });
  return out;
}

/** outer × axis × inner view of a shape. */
function split3(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return [outer, shape[axis]!, inner];
}

/** Joins tensors along `axis`; other axes must agree. */
export function concat(xs: readonly Tensor[], axis = -1): Tensor {
  if (xs.length === 0) throw createError('INVALID_INPUT', { field: 'concat.xs', problem: 'needs at least one tensor' });
  const first = xs[0]!;
  const ax = normAxis(axis, first.ndim, 'concat');
  let total = 0;
  for (const x of xs) {
    if (x.ndim !== first.ndim || x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw createError('SHAPE_MISMATCH', { op: 'concat', problem: `[${x.shape.join(', ')}] does not match [${first.shape.join(', ')}] off axis ${ax}` });
    }
    total += x.shape[ax]!;
  }
  const shape = first.shape.slice();
  shape[ax] = total;
  const [outer, , inner] = split3(shape, ax);
  const out = new Tensor(new Float32Array(sizeOf(shape)), shape);
  const rowOut = total * inner;
  let offset = 0;
  const offsets: number[] = [];
  for (const x of xs) {
    offsets.push(offset);
    const w = x.shape[ax]! * inner;
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * w, (o + 1) * w), o * rowOut + offset);
    offset += w;
  }
  record(out, xs.slice(), () => {
    const g = out.grad!;
    xs.forEach((x, xi) => {
      if (!x.requiresGrad) return;
      const gx = x.ensureGrad(), w = x.shape[ax]! * inner, off = offsets[xi]!;
      for (let o = 0; o < outer; o++) for (let j = 0; j < w; j++) gx[o * w + j] = gx[o * w + j]! + g[o * rowOut + off + j]!;
    });
  });
  return out;
}

/** x[..., start:end, ...] along `axis`. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normAxis(axis, x.ndim, 'slice');
  const len = x.shape[ax]!;
  if (!(start >= 0 && end <= len && start <= end)) {
    throw createError('SHAPE_MISMATCH', { op: 'slice', problem: `range ${start}:${end} outside axis ${ax} of size ${len}` });
  }
  const [outer, , inner] = split3(x.shape, ax);
  const shape = x.shape.slice();
  shape[ax] = end - start;
  const out = new Tensor(new Float32Array(sizeOf(shape)), shape);
  const w = (end - start) * inner, rowIn = len * inner, off = start * inner;
  for (let o = 0; o < outer; o++) out.data.set(x.data.subarray(o * rowIn + off, o * rowIn + off + w), o * w);
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let o = 0; o < outer; o++) for (let j = 0; j < w; j++) gx[o * rowIn + off + j] = gx[o * rowIn + off + j]! + g[o * w + j]!;
  });
  return out;
}

/**
 * torch.gather along the last axis: out[..., j] = x[..., idx[..., j]]. `indices` has the leading shape of `x`
 * and `k` entries per row.
 */
export function gather(x: Tensor, indices: Int32Array, k: number): Tensor {
  const cols = x.shape[x.ndim - 1]!, rows = x.size / cols;
  if (indices.length !== rows * k) throw createError('SHAPE_MISMATCH', { op: 'gather', problem: `${rows} rows × ${k} indices needed, got ${indices.length}` });
  const out = new Tensor(new Float32Array(rows * k), [...x.shape.slice(0, -1), k]);
  const o = out.data, d = x.data;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < k; j++) {
      const c = indices[r * k + j]!;
      if (c < 0 || c >= cols) throw createError('INVALID_INPUT', { field: `gather.indices[${r * k + j}]`, problem: `index ${c} outside [0, ${cols})` });
      o[r * k + j] = d[r * cols + c]!;
    }
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) {
      const at = r * cols + indices[r * k + j]!;
      gx[at] = gx[at]! + g[r * k + j]!;
    }
  });
  return out;
}

/** Rows of `x` (first axis) picked by `ids`: out[i] = x[ids[i]]; gradients scatter-add back. */
export function indexSelect(x: Tensor, ids: Int32Array | readonly number[]): Tensor {
  const n = x.shape[0]!, width = x.size / n;
  const out = new Tensor(new Float32Array(ids.length * width), [ids.length, ...x.shape.slice(1)]);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= n) throw createError('INVALID_INPUT', { field: `indexSelect.ids[${i}]`, problem: `row ${id} outside [0, ${n})` });
    out.data.set(x.data.subarray(id * width, (id + 1) * width), i * width);
  }
  const idCopy = Int32Array.from(ids);
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < idCopy.length; i++) {
      const base = idCopy[i]! * width;
      for (let j = 0; j < width; j++) gx[base + j] = gx[base + j]! + g[i * width + j]!;
    }
  });
  return out;
}

/**
 * Sets `value` where `mask` is non-zero; `mask` (shape `maskShape`) broadcasts to `x`. No gradient flows through
 * filled positions. Use a large negative value (not −∞) before a softmax so fully masked rows stay finite.
 */
export function maskedFill(x: Tensor, mask: Uint8Array, maskShape: readonly number[], value: number): Tensor {
  if (mask.length !== sizeOf(maskShape)) throw createError('SHAPE_MISMATCH', { op: 'maskedFill', problem: `mask has ${mask.length} values but shape [${maskShape.join(', ')}]` });
  const bs = broadcastShape(maskShape, x.shape, 'maskedFill');
  if (bs.length !== x.ndim || bs.some((d, i) => d !== x.shape[i])) {
    throw createError('SHAPE_MISMATCH', { op: 'maskedFill', problem: `mask [${maskShape.join(', ')}] does not broadcast to [${x.shape.join(', ')}]` });
  }
  const map = broadcastIndex(maskShape, x.shape);
  const out = new Tensor(new Float32Array(x.size), x.shape);
  const o = out.data, d = x.data;
  for (let i = 0; i < o.length; i++) o[i] = mask[map[i]!] ? value : d[i]!;
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let i = 0; i < g.length; i++) if (!mask[map[i]!]) gx[i] = gx[i]! + g[i]!;
  });
  return out;
}

/** out[b, :] = x[b, steps[b], :] for x [B, T, C] (e.g. the last valid step of each sequence). */
export function selectSteps(x: Tensor, steps: Int32Array | readonly number[]): Tensor {
  if (x.ndim !== 3 || steps.length !== x.shape[0]) {
    throw createError('SHAPE_MISMATCH', { op: 'selectSteps', problem: `expected [B, T, C] and B steps, got [${x.shape.join(', ')}] and ${steps.length}` });
  }
  const [B, T, C] = x.shape as [number, number, number];
  const out = new Tensor(new Float32Array(B * C), [B, C]);
  const at = Int32Array.from(steps);
  for (let b = 0; b < B; b++) {
    if (!(at[b]! >= 0 && at[b]! < T)) throw createError('INVALID_INPUT', { field: `selectSteps.steps[${b}]`, problem: `step ${at[b]} outside [0, ${T})` });
    out.data.set(x.data.subarray((b * T + at[b]!) * C, (b * T + at[b]! + 1) * C), b * C);
  }
  record(out, [x], () => {
    const g = out.grad!, gx = x.ensureGrad();
    for (let b = 0; b < B; b++) {
      const base = (b * T + at[b]!) * C;
      for (let c = 0; c < C; c++) gx[base + c] = gx[base + c]! + g[b * C + c]!;
    }
  });
  return out;
}
