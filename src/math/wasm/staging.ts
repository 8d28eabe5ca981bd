/**
 * @module One persistent block of WASM memory where operands that live in ordinary Float32Arrays are copied
 * for a kernel call. Calls never nest (JS is single-threaded and the kernels never call back), so one block
 * serves gemm and the vector kernels alike; it grows on demand and shrinks after a one-off huge call.
 */
import type { WasmHeap } from './heap.js';

let block: Float32Array | null = null;
let owner: WasmHeap | null = null;

/** Rounds a float count up to a multiple of 16 (64 bytes), so staged operands start on cache lines. */
export function round16(x: number): number {
  return Math.ceil(x / 16) * 16;
}

/** The float index (into heap.f32()) where `floats` floats of staging space start. */
export function stagingStart(heap: WasmHeap, floats: number): number {
  if (owner !== heap) {
    block = null;
    owner = heap;
  }
  if (block === null || block.length < floats) {
    if (block !== null) heap.free(block);
    block = null;
    block = heap.allocF32(Math.max(floats, 1024));
  }
  return block.byteOffset >> 2;
}

/** Gives the block back when it is far larger than the call that just used `floats` of it needed. */
export function trimStaging(heap: WasmHeap, floats: number): void {
  if (block !== null && owner === heap && block.length > 4 * Math.max(floats, 1 << 20)) {
    heap.free(block);
    block = null;
  }
}
