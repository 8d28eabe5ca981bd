import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import {
  add, allocF32, axpy, dot, freeF32, isWasmBacked, kernelsBackend, max, mul, mulAdd, scale, scoreItems, sub, sum,
  sumSquares,
} from './kernels.js';
import {
  addRef, axpyRef, dotRef, maxRef, mulAddRef, mulRef, scaleRef, scoreItemsRef, subRef, sumRef, sumSquaresRef,
} from './kernels.ref.js';

const rng = createRng(11);
/** Operands resident in WASM memory (allocF32) or ordinary arrays (copied through the staging block). */
let resident = true;
/** An array of uniform values in [-1, 1], resident or not as the current pass says. */
function wasmRandom(n: number): Float32Array {
  const x = resident ? allocF32(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.next() * 2 - 1;
  return x;
}
function alloc(n: number): Float32Array {
  return resident ? allocF32(n) : new Float32Array(n);
}

const LENGTHS = [0, 1, 3, 7, 17, 31, 32, 33, 65, 127, 255, 256, 257, 1000, 4099];

function maxDiff(x: Float32Array, y: Float32Array): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
}

describe('vector kernels against the reference loops', () => {
  it('allocF32 returns zeroed WASM-backed views when WASM is loaded', () => {
    const x = allocF32(33);
    expect(isWasmBacked(x)).toBe(kernelsBackend === 'wasm-simd');
    expect(x.every((v) => v === 0)).toBe(true);
    x.fill(5);
    freeF32(x);
    const y = allocF32(33);
    expect(y.every((v) => v === 0)).toBe(true);
    freeF32(y);
  });

  it.each([true, false])('elementwise ops match exactly on every length (resident operands: %s)', (isResident) => {
    resident = isResident;
    for (const n of LENGTHS) {
      const x = wasmRandom(n), y = wasmRandom(n), z = wasmRandom(n), out = alloc(n);
      const want = new Float32Array(n);
      expect(maxDiff(add(x, y, out), addRef(x, y, want)), `add ${n}`).toBe(0);
      expect(maxDiff(sub(x, y, out), subRef(x, y, want)), `sub ${n}`).toBe(0);
      expect(maxDiff(mul(x, y, out), mulRef(x, y, want)), `mul ${n}`).toBe(0);
      // x·y + z rounds the product to float32 in WASM but not in the loop: allow one rounding of |x·y| ≤ 1.
      expect(maxDiff(mulAdd(x, y, z, out), mulAddRef(x, y, z, want)), `mulAdd ${n}`).toBeLessThanOrEqual(1.2e-7);
      expect(maxDiff(scale(-1.5, x, out), scaleRef(-1.5, x, want)), `scale ${n}`).toBe(0);
      out.set(y);
      want.set(y);
      expect(maxDiff(axpy(0.25, x, out), axpyRef(0.25, x, want)), `axpy ${n}`).toBeLessThanOrEqual(1.2e-7);
      for (const v of [x, y, z, out]) freeF32(v);
    }
  });

  it.each([true, false])('ops may write in place (out aliases an input; resident: %s)', (isResident) => {
    resident = isResident;
    for (const n of [100, 1000]) {
      const x = wasmRandom(n), y = wasmRandom(n);
      const want = addRef(x, y, new Float32Array(n));
      add(x, y, x);
      expect(maxDiff(x, want)).toBe(0);
      freeF32(x);
      freeF32(y);
    }
  });

  it.each([true, false])('reductions match within float32 rounding of the partial sums (resident: %s)', (isResident) => {
    resident = isResident;
    for (const n of LENGTHS) {
      const x = wasmRandom(n), y = wasmRandom(n);
      // Float32 partial sums: the error is a small multiple of 2⁻²⁴ · Σ|terms| (bound loose, data deterministic).
      const absX = x.map(Math.abs);
      const tol = (terms: number): number => 1e-6 * (1 + terms);
      expect(Math.abs(sum(x) - sumRef(x)), `sum ${n}`).toBeLessThanOrEqual(tol(sumRef(absX)));
      expect(Math.abs(dot(x, y) - dotRef(x, y)), `dot ${n}`).toBeLessThanOrEqual(tol(dotRef(absX, y.map(Math.abs))));
      expect(Math.abs(sumSquares(x) - sumSquaresRef(x)), `sumSquares ${n}`).toBeLessThanOrEqual(tol(sumSquaresRef(x)));
      expect(max(x), `max ${n}`).toBe(maxRef(x));
      freeF32(x);
      freeF32(y);
    }
  });

  it('max finds a planted maximum anywhere and propagates NaN; known sums', () => {
    const x = allocF32(97);
    x.fill(-3);
    for (const at of [0, 5, 31, 64, 96]) {
      x[at] = 2;
      expect(max(x)).toBe(2);
      x[at] = -3;
    }
    x[40] = NaN;
    expect(max(x)).toBeNaN();
    x.fill(0.5);
    expect(sum(x)).toBe(48.5);
    expect(sumSquares(x)).toBe(24.25);
    expect(max(new Float32Array(0))).toBe(-Infinity);
    freeF32(x);
  });

  it.each([true, false])('the batched dot scores every item against one vector (resident: %s)', (isResident) => {
    resident = isResident;
    for (const [rows, dim] of [[1, 1], [5, 3], [4099, 17], [1000, 64]] as const) {
      const items = wasmRandom(rows * dim), u = wasmRandom(dim);
      const got = scoreItems(items, dim, Float32Array.from(u));
      const want = scoreItemsRef(items, dim, u, new Float32Array(rows));
      expect(maxDiff(got, want), `${rows}×${dim}`).toBeLessThanOrEqual(1e-6 + dim * 6e-8);
      freeF32(items);
      freeF32(u);
    }
    // Planted: item i = e_(i mod 4) scores u_(i mod 4).
    const items = allocF32(40 * 4);
    for (let i = 0; i < 40; i++) items[i * 4 + (i % 4)] = 1;
    const scores = scoreItems(items, 4, Float32Array.of(10, 20, 30, 40));
    expect(Array.from(scores.subarray(0, 5))).toEqual([10, 20, 30, 40, 10]);
    freeF32(items);
  });

  it('rejects mismatched lengths with a named error', () => {
    expect(() => add(new Float32Array(3), new Float32Array(4))).toThrow(/add: operands have lengths 3 and 4/);
    expect(() => scoreItems(new Float32Array(10), 3, new Float32Array(3))).toThrow(/scoreItems/);
  });

  it('managed blocks live in WASM memory until freed once; ordinary arrays are ignored', async () => {
    const { allocManagedF32, freeManagedF32 } = await import('./kernels.js');
    const { wasmKernels } = await import('./wasm/module.js');
    const x = allocManagedF32(1000);
    expect(isWasmBacked(x)).toBe(kernelsBackend === 'wasm-simd');
    expect(x.every((v) => v === 0)).toBe(true);
    x.fill(3);
    const live = wasmKernels?.heap.liveBytes() ?? 0;
    freeManagedF32(x);
    expect(live - (wasmKernels?.heap.liveBytes() ?? 0)).toBe(wasmKernels === null ? 0 : 4096);
    freeManagedF32(x); // a second free is ignored
    freeManagedF32(new Float32Array(8)); // so is an ordinary array
    const y = allocManagedF32(1000);
    expect(y.every((v) => v === 0)).toBe(true); // a reused block comes back zeroed
    freeManagedF32(y);
  });
});
