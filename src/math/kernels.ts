/**
 * @module Vector kernels (elementwise ops, reductions, the batched dot) and the WASM-memory allocator.
 *
 * Each op runs the WASM SIMD kernel when every operand lives in WASM memory (allocate them with `allocF32`),
 * and the plain loop of kernels.ref.ts otherwise: these ops are memory-bound, so copying an operand into WASM
 * memory costs about what SIMD saves. Without WASM SIMD (or with RESONATE_NO_WASM=1) `allocF32` returns an
 * ordinary Float32Array and everything runs the loops.
 */
import { createError } from '../core/errors.js';
import {
  addRef, axpyRef, dotRef, maxRef, mulAddRef, mulRef, scaleRef, scoreItemsRef, subRef, sumRef, sumSquaresRef,
} from './kernels.ref.js';
import { wasmKernels, wasmUnavailableReason } from './wasm/module.js';

/** Below this length a JS loop beats the call into WASM. */
const MIN_WASM_LENGTH = 32;

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

/** Returns a block from `allocF32`; ordinary arrays are ignored. */
export function freeF32(x: Float32Array): void {
  if (wasmKernels !== null && wasmKernels.heap.owns(x)) wasmKernels.heap.free(x);
}

/** True when x lives in WASM memory (came from `allocF32`, or is a subarray of such a view). */
export function isWasmBacked(x: Float32Array): boolean {
  return wasmKernels !== null && wasmKernels.heap.owns(x);
}

function inWasm(...xs: Float32Array[]): boolean {
  if (wasmKernels === null || xs[0]!.length < MIN_WASM_LENGTH) return false;
  for (const x of xs) if (!wasmKernels.heap.owns(x)) return false;
  return true;
}

function sameLength(op: string, x: Float32Array, ...others: Float32Array[]): void {
  for (const o of others) {
    if (o.length !== x.length) throw createError('SHAPE_MISMATCH', { op, problem: `operands have lengths ${x.length} and ${o.length}` });
  }
}

/** out = x + y */
export function add(x: Float32Array, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('add', x, y, out);
  if (inWasm(x, y, out)) wasmKernels!.exports.add(x.byteOffset, y.byteOffset, out.byteOffset, x.length);
  else addRef(x, y, out);
  return out;
}

/** out = x − y */
export function sub(x: Float32Array, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('sub', x, y, out);
  if (inWasm(x, y, out)) wasmKernels!.exports.sub(x.byteOffset, y.byteOffset, out.byteOffset, x.length);
  else subRef(x, y, out);
  return out;
}

/** out = x ⊙ y (elementwise product) */
export function mul(x: Float32Array, y: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('mul', x, y, out);
  if (inWasm(x, y, out)) wasmKernels!.exports.mul(x.byteOffset, y.byteOffset, out.byteOffset, x.length);
  else mulRef(x, y, out);
  return out;
}

/** out = x ⊙ y + z (rounded twice: WASM SIMD has no fused multiply-add) */
export function mulAdd(x: Float32Array, y: Float32Array, z: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('mulAdd', x, y, z, out);
  if (inWasm(x, y, z, out)) wasmKernels!.exports.mulAdd(x.byteOffset, y.byteOffset, z.byteOffset, out.byteOffset, x.length);
  else mulAddRef(x, y, z, out);
  return out;
}

/** y = alpha·x + y, in place; returns y. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  sameLength('axpy', x, y);
  if (inWasm(x, y)) wasmKernels!.exports.axpy(alpha, x.byteOffset, y.byteOffset, x.length);
  else axpyRef(alpha, x, y);
  return y;
}

/** out = alpha·x */
export function scale(alpha: number, x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  sameLength('scale', x, out);
  if (inWasm(x, out)) wasmKernels!.exports.scale(alpha, x.byteOffset, out.byteOffset, x.length);
  else scaleRef(alpha, x, out);
  return out;
}

/** Σ x_i (float32 partial sums in WASM, float64 in the loop) */
export function sum(x: Float32Array): number {
  return inWasm(x) ? wasmKernels!.exports.sum(x.byteOffset, x.length) : sumRef(x);
}

/** Σ x_i y_i */
export function dot(x: Float32Array, y: Float32Array): number {
  sameLength('dot', x, y);
  return inWasm(x, y) ? wasmKernels!.exports.dot(x.byteOffset, y.byteOffset, x.length) : dotRef(x, y);
}

/** Σ x_i² (the squared L2 norm) */
export function sumSquares(x: Float32Array): number {
  return inWasm(x) ? wasmKernels!.exports.sumSquares(x.byteOffset, x.length) : sumSquaresRef(x);
}

/** max_i x_i; −∞ for an empty array, NaN if any element is NaN. */
export function max(x: Float32Array): number {
  return inWasm(x) ? wasmKernels!.exports.max(x.byteOffset, x.length) : maxRef(x);
}

/**
 * The batched dot: scores = Items · u for a row-major items matrix (rows × dim), one score per item.
 * Keep `items` in WASM memory (`allocF32`) to score with SIMD; `u` and `out` may be anything.
 */
export function scoreItems(items: Float32Array, dim: number, u: Float32Array, out?: Float32Array): Float32Array {
  if (!Number.isInteger(dim) || dim <= 0 || items.length % dim !== 0 || u.length !== dim) {
    throw createError('SHAPE_MISMATCH', { op: 'scoreItems', problem: `items (${items.length} floats) must be rows × ${dim} and u must have ${dim} entries, got ${u.length}` });
  }
  const rows = items.length / dim;
  const result = out ?? new Float32Array(rows);
  if (result.length !== rows) throw createError('SHAPE_MISMATCH', { op: 'scoreItems', problem: `out has ${result.length} entries for ${rows} items` });
  if (wasmKernels === null || !wasmKernels.heap.owns(items) || rows * dim < MIN_WASM_LENGTH) return scoreItemsRef(items, dim, u, result);
  const { heap, exports } = wasmKernels;
  const uw = heap.owns(u) ? u : heap.allocF32(dim);
  const ow = heap.owns(result) ? result : heap.allocF32(rows);
  try {
    if (uw !== u) uw.set(u);
    exports.gemv(0, rows, dim, 1, items.byteOffset, dim, uw.byteOffset, 0, ow.byteOffset);
    if (ow !== result) result.set(ow);
  } finally {
    if (uw !== u) heap.free(uw);
    if (ow !== result) heap.free(ow);
  }
  return result;
}
