/**
 * @module Vector kernels (elementwise ops, reductions, the batched dot) and the WASM-memory allocator.
 *
 * Each op runs the WASM SIMD kernel; operands outside WASM memory are copied into a staging block first
 * (measured: even with the copies, WASM is 3–10× faster than the JS loop from a few hundred elements on), so
 * keep big arrays in WASM memory (`allocF32`) to skip the copies. Short arrays run the plain loops of
 * kernels.ref.ts. Without WASM SIMD (or with RESONATE_NO_WASM=1) `allocF32` returns an ordinary Float32Array
 * and everything runs the loops.
 */
import { createError } from '../core/errors.js';
import {
  addRef, axpyRef, dotRef, maxRef, mulAddRef, mulRef, scaleRef, scoreItemsRef, subRef, sumRef, sumSquaresRef,
} from './kernels.ref.js';
import { wasmKernels, wasmUnavailableReason } from './wasm/module.js';
import { round16, stagingStart, trimStaging } from './wasm/staging.js';

/** Below this length a JS loop beats the call into WASM when every operand is already in WASM memory. */
const MIN_RESIDENT_LENGTH = 16;
/** Below this length a JS loop beats copying operands into WASM memory (see docs/benchmarks.md). */
const MIN_COPY_LENGTH = 256;

/** 'wasm-simd' when the SIMD kernels are loaded, else 'js' (with the reason in `kernelsFallbackReason`). */
export const kernelsBackend: 'wasm-simd' | 'js' = wasmKernels === null ? 'js' : 'wasm-simd';
export const kernelsFallbackReason: string | null = wasmUnavailableReason;

/**
 * A zero-filled Float32Array of n elements that the WASM kernels (and gemm) use without copying.
 * Free it with `freeF32` when done: WASM memory is not garbage-collected.
 * @example const items = allocF32(rows * dim); items.set(embeddings); const s = scoreItems(items, dim, u); freeF32(items);
 */
export function allocF32(n: number): Float32Array {
  return wasmKernels === null ? new Float32Array(n) : wasmKernels.heap.allocF32(n);
}

/**
 * Bytes of managed blocks not yet freed, and the most they may hold: managed blocks wait for a major garbage
 * collection, so past this limit `allocManagedF32` hands out ordinary arrays (the kernels then copy them) rather
 * than grow WASM memory, which never shrinks, without bound.
 */
let managedBytes = 0;
const MANAGED_LIMIT = 768 * 2 ** 20;

/** Frees the WASM block of a managed view once the view is garbage-collected. */
const managed = wasmKernels === null ? null : new FinalizationRegistry<number>((offset) => releaseManaged(offset));

function releaseManaged(offset: number): void {
  const bytes = managedSizes.get(offset);
  if (bytes === undefined) return; // already freed
  managedBytes -= bytes;
  managedSizes.delete(offset);
  wasmKernels!.heap.freeAt(offset);
}
const managedSizes = new Map<number, number>();

/**
 * Like `allocF32`, but the block is freed when the returned view is garbage-collected, or earlier by
 * `freeManagedF32` (never by `freeF32`): for buffers whose owner has no dispose step, such as parameters,
 * optimizer moments, gradients and the state an op keeps for backward. An ordinary array when WASM is off or
 * too much managed memory awaits collection.
 */
export function allocManagedF32(n: number): Float32Array {
  if (managed === null || managedBytes + 4 * n > MANAGED_LIMIT) return new Float32Array(n);
  const x = wasmKernels!.heap.allocF32(n);
  managed.register(x, x.byteOffset, x);
  managedSizes.set(x.byteOffset, 4 * n);
  managedBytes += 4 * n;
  return x;
}

/**
 * Frees a view from `allocManagedF32` now, when its owner knows it is done with it (the view must not be used
 * afterwards, and must be the view itself, not a subarray). Ordinary arrays are ignored.
 */
export function freeManagedF32(x: Float32Array): void {
  if (managed === null || !managedSizes.has(x.byteOffset) || !wasmKernels!.heap.owns(x)) return;
  managed.unregister(x);
  releaseManaged(x.byteOffset);
}

/** Returns a block from `allocF32`; ordinary arrays are ignored. */
export function freeF32(x: Float32Array): void {
  if (wasmKernels !== null && wasmKernels.heap.owns(x)) wasmKernels.heap.free(x);
}

/** True when x lives in WASM memory (came from `allocF32`, or is a subarray of such a view). */
export function isWasmBacked(x: Float32Array): boolean {
  return wasmKernels !== null && wasmKernels.heap.owns(x);
}

/** True when the op should run in WASM: loaded, and long enough for the operands' residence. */
function useWasm(n: number, x: Float32Array, y?: Float32Array, z?: Float32Array, w?: Float32Array): boolean {
  if (wasmKernels === null || n < MIN_RESIDENT_LENGTH) return false;
  if (n >= MIN_COPY_LENGTH) return true;
  const heap = wasmKernels.heap;
  return heap.owns(x) && (y === undefined || heap.owns(y)) && (z === undefined || heap.owns(z)) && (w === undefined || heap.owns(w));
}

/** Pointers of the current call's operands (byte offsets), filled by `place`. */
const ptr = [0, 0, 0, 0];

/**
 * Puts up to four operands in WASM memory: resident ones by offset, the others copied (when `copy[i]`) into the
 * staging block. Results land in `ptr`; returns the staged floats for `trimStaging`.
 */
function place(xs: readonly Float32Array[], copy: readonly boolean[]): number {
  const heap = wasmKernels!.heap;
  let need = 0;
  for (const x of xs) if (!heap.owns(x)) need += round16(x.length);
  let next = need > 0 ? stagingStart(heap, need) : 0;
  const mem = heap.f32();
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (heap.owns(x)) ptr[i] = x.byteOffset;
    else {
      if (copy[i]) mem.set(x, next);
      ptr[i] = next << 2;
      next += round16(x.length);
    }
  }
  return need;
}

/** Copies a staged result back into `out` (no-op when out is resident) and trims the staging block. */
function finish(out: Float32Array, at: number, staged: number): void {
  const heap = wasmKernels!.heap;
  if (!heap.owns(out)) out.set(heap.f32().subarray(at >> 2, (at >> 2) + out.length));
  trimStaging(heap, staged);
}

const IN2_OUT = [true, true, false];
const IN3_OUT = [true, true, true, false];
const IN2 = [true, true];
const IN1 = [true];
const IN1_OUT = [true, false];

function sameLength(op: string, x: Float32Array, ...others: Float32Array[]): void {
  for (const o of others) {
    if (o.length !== x.length) throw createError('SHAPE_MISMATCH', { op, problem: `operands have lengths ${x.length} and ${o.length}` });
  }
}

/** out = x + y */
export function add(x: Float32Array, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('add', x, y, out);
  if (!useWasm(x.length, x, y, out)) return addRef(x, y, out);
  const staged = place([x, y, out], IN2_OUT);
  wasmKernels!.exports.add(ptr[0]!, ptr[1]!, ptr[2]!, x.length);
  finish(out, ptr[2]!, staged);
  return out;
}

/** out = x − y */
export function sub(x: Float32Array, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('sub', x, y, out);
  if (!useWasm(x.length, x, y, out)) return subRef(x, y, out);
  const staged = place([x, y, out], IN2_OUT);
  wasmKernels!.exports.sub(ptr[0]!, ptr[1]!, ptr[2]!, x.length);
  finish(out, ptr[2]!, staged);
  return out;
}

/** out = x ⊙ y (elementwise product) */
export function mul(x: Float32Array, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('mul', x, y, out);
  if (!useWasm(x.length, x, y, out)) return mulRef(x, y, out);
  const staged = place([x, y, out], IN2_OUT);
  wasmKernels!.exports.mul(ptr[0]!, ptr[1]!, ptr[2]!, x.length);
  finish(out, ptr[2]!, staged);
  return out;
}

/** out = x ⊙ y + z (rounded twice: WASM SIMD has no fused multiply-add) */
export function mulAdd(x: Float32Array, y: Float32Array, z: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('mulAdd', x, y, z, out);
  if (!useWasm(x.length, x, y, z, out)) return mulAddRef(x, y, z, out);
  const staged = place([x, y, z, out], IN3_OUT);
  wasmKernels!.exports.mulAdd(ptr[0]!, ptr[1]!, ptr[2]!, ptr[3]!, x.length);
  finish(out, ptr[3]!, staged);
  return out;
}

/** y = alpha·x + y, in place; returns y. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  sameLength('axpy', x, y);
  if (!useWasm(x.length, x, y)) return axpyRef(alpha, x, y);
  const staged = place([x, y], IN2);
  wasmKernels!.exports.axpy(alpha, ptr[0]!, ptr[1]!, x.length);
  finish(y, ptr[1]!, staged);
  return y;
}

/** out = alpha·x */
export function scale(alpha: number, x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('scale', x, out);
  if (!useWasm(x.length, x, out)) return scaleRef(alpha, x, out);
  const staged = place([x, out], IN1_OUT);
  wasmKernels!.exports.scale(alpha, ptr[0]!, ptr[1]!, x.length);
  finish(out, ptr[1]!, staged);
  return out;
}

/** Σ x_i (float32 partial sums in WASM, float64 in the loop) */
export function sum(x: Float32Array): number {
  if (!useWasm(x.length, x)) return sumRef(x);
  const staged = place([x], IN1);
  const r = wasmKernels!.exports.sum(ptr[0]!, x.length);
  trimStaging(wasmKernels!.heap, staged);
  return r;
}

/** Σ x_i y_i */
export function dot(x: Float32Array, y: Float32Array): number {
  sameLength('dot', x, y);
  if (!useWasm(x.length, x, y)) return dotRef(x, y);
  const staged = place([x, y], IN2);
  const r = wasmKernels!.exports.dot(ptr[0]!, ptr[1]!, x.length);
  trimStaging(wasmKernels!.heap, staged);
  return r;
}

/** Σ x_i² (the squared L2 norm) */
export function sumSquares(x: Float32Array): number {
  if (!useWasm(x.length, x)) return sumSquaresRef(x);
  const staged = place([x], IN1);
  const r = wasmKernels!.exports.sumSquares(ptr[0]!, x.length);
  trimStaging(wasmKernels!.heap, staged);
  return r;
}

/** max_i x_i; −∞ for an empty array, NaN if any element is NaN. */
export function max(x: Float32Array): number {
  if (!useWasm(x.length, x)) return maxRef(x);
  const staged = place([x], IN1);
  const r = wasmKernels!.exports.max(ptr[0]!, x.length);
  trimStaging(wasmKernels!.heap, staged);
  return r;
}

/**
 * The batched dot: scores = Items · u for a row-major items matrix (rows × dim), one score per item.
 * Keep `items` in WASM memory (`allocF32`) to skip copying it on every call; `u` and `out` may be anything.
 */
export function scoreItems(items: Float32Array, dim: number, u: Float32Array, out?: Float32Array): Float32Array {
  if (!Number.isInteger(dim) || dim <= 0 || items.length % dim !== 0 || u.length !== dim) {
    throw createError('SHAPE_MISMATCH', { op: 'scoreItems', problem: `items (${items.length} floats) must be rows × ${dim} and u must have ${dim} entries, got ${u.length}` });
  }
  const rows = items.length / dim;
  const result = out ?? new Float32Array(rows);
  if (result.length !== rows) throw createError('SHAPE_MISMATCH', { op: 'scoreItems', problem: `out has ${result.length} entries for ${rows} items` });
  if (!useWasm(rows * dim, items)) return scoreItemsRef(items, dim, u, result);
  const staged = place([items, u, result], IN2_OUT);
  wasmKernels!.exports.gemv(0, rows, dim, 1, ptr[0]!, dim, ptr[1]!, 0, ptr[2]!);
  finish(result, ptr[2]!, staged);
  return result;
}
