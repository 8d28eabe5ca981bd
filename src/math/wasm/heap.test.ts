import { describe, expect, it } from 'vitest';
import { createWasmHeap, sizeClass } from './heap.js';
import { wasmApi } from './webassembly.js';

describe('WASM heap', () => {
  it('rounds sizes to classes that waste at most 25 %', () => {
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(128);
    for (let bytes = 1; bytes < 1e7; bytes = Math.ceil(bytes * 1.37)) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 64).toBe(0);
      if (bytes > 256) expect(c / bytes).toBeLessThanOrEqual(1.25);
    }
  });

  it('aligns blocks, reuses freed ones, grows without invalidating views', () => {
    const memory = new wasmApi!.Memory({ initial: 1, maximum: 1000, shared: true });
    const heap = createWasmHeap(memory, 100);
    const a = heap.allocF32(10);
    expect(a.byteOffset % 64).toBe(0);
    expect(a.byteOffset).toBeGreaterThanOrEqual(100);
    a.fill(7);
    const big = heap.allocF32(1_000_000); // forces memory.grow
    expect(heap.capacity()).toBeGreaterThan(4_000_000);
    expect(a[9]).toBe(7); // the old view survived the growth
    expect(heap.owns(a) && heap.owns(big) && heap.owns(big.subarray(5))).toBe(true);
    expect(heap.owns(new Float32Array(4))).toBe(false);
    const offset = big.byteOffset;
    heap.free(big);
    const again = heap.allocF32(999_999);
    expect(again.byteOffset).toBe(offset);
    expect(heap.liveBytes()).toBe(sizeClass(40) + sizeClass(999_999 * 4));
    expect(() => heap.free(again.subarray(1))).toThrow(/not returned by allocF32/);
    expect(() => heap.allocF32(2 ** 40)).toThrow(/cannot grow/);
  });
});
