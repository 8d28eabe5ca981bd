/**
 * @module The allocator of the kernels' linear memory: Float32Array views that WASM can use without copying.
 *
 * Blocks are 64-byte aligned (one cache line; 16 would do for f32x4) and rounded up to size classes
 * m·2^e with m ∈ {4, 5, 6, 7}, so a block wastes at most 25 % and freed blocks are reused by class.
 * Memory only grows (`memory.grow`); because the memory is shared (a SharedArrayBuffer), growing never moves
 * or detaches existing views, so a view stays valid until `free`.
 */
import { createError } from '../../core/errors.js';
import type { WasmMemory } from './webassembly.js';

/** Bytes per WebAssembly page. */
const PAGE = 65536;
/** Block alignment in bytes: a cache line. */
const ALIGN = 64;

export interface WasmHeap {
  /** A zero-filled Float32Array of n elements inside WASM memory. Release it with `free`. */
  allocF32(n: number): Float32Array;
  /** Returns a block from `allocF32` to the allocator; the view must not be used afterwards. */
  free(view: Float32Array): void;
  /** Returns the block at this byte offset (as `free`, for owners that keep the offset but not the view). */
  freeAt(byteOffset: number): void;
  /** True when x lives in this memory, so kernels can take it by pointer (any typed array view). */
  owns(x: ArrayBufferView): boolean;
  /** The whole memory as floats (refreshed after growth). */
  f32(): Float32Array;
  /** Bytes handed out and not freed (reporting, tests). */
  liveBytes(): number;
  /** Bytes the memory currently spans. */
  capacity(): number;
}

/** Rounds a byte count up to its size class: ALIGN multiples below 256 B, then m·2^e with m ∈ {4…7}. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (b <= 4 * ALIGN) return b;
  const e = Math.floor(Math.log2(b)) - 2;
  const step = 2 ** e;
  return Math.ceil(b / step) * step;
}

export function createWasmHeap(memory: WasmMemory, base: number): WasmHeap {
  let top = Math.ceil(base / ALIGN) * ALIGN;
  let view = new Float32Array(memory.buffer);
  const buffers = new WeakSet<ArrayBufferLike>([memory.buffer]);
  const freeLists = new Map<number, number[]>();
  const sizes = new Map<number, number>();
  let live = 0;

  // Only this heap grows the memory (the kernels never do), so the cached view is refreshed right after
  // growing and nowhere else: reading memory.buffer of a shared memory costs ~0.3 µs.
  function refresh(): void {
    const buffer = memory.buffer;
    if (view.buffer.byteLength !== buffer.byteLength) {
      view = new Float32Array(buffer);
      buffers.add(buffer);
    }
  }

  function reserve(size: number): number {
    const end = top + size;
    const have = memory.buffer.byteLength;
    if (end > have) {
      // Grow by at least 1/8 of the current size so a run of small allocations does not grow page by page.
      const pages = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 8));
      try {
        memory.grow(pages);
      } catch (err) {
        throw createError('INTERNAL', { problem: `WASM memory cannot grow by ${pages} pages to hold ${size} bytes (limit reached)` }, err);
      }
      refresh();
    }
    const at = top;
    top = end;
    return at;
  }

  function freeAt(at: number): void {
    const size = sizes.get(at);
    if (size === undefined) {
      throw createError('INVALID_INPUT', { field: 'free(view)', problem: 'the view was not returned by allocF32 or was already freed' });
    }
    sizes.delete(at);
    live -= size;
    let list = freeLists.get(size);
    if (list === undefined) freeLists.set(size, (list = []));
    list.push(at);
  }

  return {
    allocF32(n) {
      if (!Number.isInteger(n) || n < 0) throw createError('INVALID_INPUT', { field: 'allocF32(n)', problem: `expected a non-negative integer, got ${n}` });
      const size = sizeClass(n * 4);
      const list = freeLists.get(size);
      const reused = list !== undefined && list.length > 0;
      const at = reused ? list.pop()! : reserve(size);
      sizes.set(at, size);
      live += size;
      const out = new Float32Array(view.buffer, at, n);
      if (reused) out.fill(0);
      return out;
    },
    free(x) {
      if (!buffers.has(x.buffer)) {
        throw createError('INVALID_INPUT', { field: 'free(view)', problem: 'the view was not returned by allocF32 or was already freed' });
      }
      freeAt(x.byteOffset);
    },
    freeAt,
    owns(x) {
      const buffer = x.buffer;
      return buffer === view.buffer || buffers.has(buffer);
    },
    f32: () => view,
    liveBytes: () => live,
    capacity: () => memory.buffer.byteLength,
  };
}
