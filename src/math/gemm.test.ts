import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { configureGemm, gemm, gemmBatched, gemmPath } from './gemm.js';
import { gemmRef, type GemmArgs } from './gemm.ref.js';
import { gemmJs } from './kernels-js.js';
import { allocF32, freeF32, kernelsBackend } from './kernels.js';

const rng = createRng(7);
function random(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.next() * 2 - 1;
  return x;
}

/** Runs `impl` and the reference on copies of the same operands; returns the largest error and the tolerance. */
function compare(impl: (args: GemmArgs) => void, m: number, n: number, k: number, transA: boolean, transB: boolean,
  alpha: number, beta: number, wasmOperands = false): { err: number; tol: number } {
  const a = random(m * k), b = random(k * n), c0 = random(m * n);
  const expected = c0.slice();
  gemmRef({ m, n, k, a, b, c: expected, transA, transB, alpha, beta });
  const place = (x: Float32Array): Float32Array => {
    if (!wasmOperands) return x.slice();
    const v = allocF32(x.length);
    v.set(x);
    return v;
  };
  const [pa, pb, pc] = [place(a), place(b), place(c0)];
  impl({ m, n, k, a: pa, b: pb, c: pc, transA, transB, alpha, beta });
  let err = 0;
  for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs(pc[i]! - expected[i]!));
  if (wasmOperands) for (const x of [pa, pb, pc]) freeF32(x);
  // Products of values in [-1, 1]: float32 rounding grows at most linearly in k (here ~6e-8 per term).
  return { err, tol: 1e-6 + 4e-7 * k * Math.max(1, Math.abs(alpha)) };
}

const SIZES = [1, 3, 7, 17, 33, 65, 127];
const LAYOUTS: Array<[boolean, boolean]> = [[false, false], [false, true], [true, false], [true, true]];

describe('gemm (dispatcher) against gemmRef', () => {
  afterAll(() => configureGemm({ smallFlops: 256, parallelFlops: 1 << 21 }));

  it(`uses the ${kernelsBackend} backend`, () => {
    expect(['wasm-simd', 'js']).toContain(kernelsBackend);
  });

  it('matches on odd shapes in every layout, single-threaded WASM', () => {
    configureGemm({ smallFlops: 0, parallelFlops: Infinity });
    for (const [transA, transB] of LAYOUTS) {
      for (const m of SIZES) {
        const n = SIZES[(m * 3) % SIZES.length]!;
        const k = SIZES[(m * 5 + 1) % SIZES.length]!;
        const { err, tol } = compare(gemm, m, n, k, transA, transB, 1, 0);
        expect(err, `${m}×${n}×${k} tA=${transA} tB=${transB}`).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('crosses the packing blocks (k > 256, m > 128) with alpha and beta variants', () => {
    configureGemm({ smallFlops: 0, parallelFlops: Infinity });
    for (const [transA, transB] of LAYOUTS) {
      for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25], [0, 0.5]] as const) {
        const { err, tol } = compare(gemm, 131, 37, 301, transA, transB, alpha, beta);
        expect(err, `tA=${transA} tB=${transB} α=${alpha} β=${beta}`).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('uses WASM-resident operands in place', () => {
    configureGemm({ smallFlops: 0, parallelFlops: Infinity });
    for (const [transA, transB] of LAYOUTS) {
      const { err, tol } = compare(gemm, 65, 33, 17, transA, transB, 1.5, 0.5, true);
      expect(err).toBeLessThanOrEqual(tol);
    }
  });

  it('takes the GEMV path for one row or one column (scores = Items · u)', () => {
    configureGemm({ smallFlops: 0, parallelFlops: Infinity });
    if (kernelsBackend === 'wasm-simd') expect(gemmPath(200, 1, 64)).toBe('gemv');
    for (const [transA, transB] of LAYOUTS) {
      for (const [m, n, k] of [[200, 1, 67], [1, 131, 33], [1, 1, 9], [7, 1, 1]]) {
        for (const beta of [0, 0.5]) {
          const { err, tol } = compare(gemm, m!, n!, k!, transA, transB, 0.75, beta);
          expect(err, `${m}×${n}×${k} tA=${transA} tB=${transB} β=${beta}`).toBeLessThanOrEqual(tol);
        }
      }
    }
  });

  it('splits large products across worker threads', () => {
    configureGemm({ smallFlops: 0, parallelFlops: 0, threads: 2 });
    if (kernelsBackend === 'wasm-simd') expect(gemmPath(100, 90, 80)).toBe('parallel');
    for (const [transA, transB] of LAYOUTS) {
      // Tall (split by rows), wide (split by columns) and ragged against the 4-row / 8-column quanta.
      for (const [m, n, k] of [[101, 37, 70], [9, 203, 45], [5, 5, 300]]) {
        const { err, tol } = compare(gemm, m!, n!, k!, transA, transB, 1, 0.5, m === 9);
        expect(err, `${m}×${n}×${k} tA=${transA} tB=${transB}`).toBeLessThanOrEqual(tol);
      }
    }
  });

  it('writes zeros, not NaN, when beta = 0 and C holds NaN; handles k = 0', () => {
    configureGemm({ smallFlops: 0, parallelFlops: Infinity });
    const a = random(6 * 5), b = random(5 * 10);
    const c = new Float32Array(60).fill(NaN);
    gemm({ m: 6, n: 10, k: 5, a, b, c });
    expect(c.every(Number.isFinite)).toBe(true);
    const c2 = new Float32Array(6).fill(3);
    gemm({ m: 2, n: 3, k: 0, a: new Float32Array(0), b: new Float32Array(0), c: c2, beta: 0.5 });
    expect(Array.from(c2)).toEqual([1.5, 1.5, 1.5, 1.5, 1.5, 1.5]);
  });

  it('checks operand sizes', () => {
    expect(() => gemm({ m: 2, n: 2, k: 2, a: new Float32Array(3), b: new Float32Array(4), c: new Float32Array(4) }))
      .toThrow(/gemm: a holds 3 floats but its stored shape 2×2 needs 4/);
  });
});

describe('gemmJs (the TypeScript fallback) against gemmRef', () => {
  it('matches on odd shapes in every layout with alpha and beta', () => {
    for (const [transA, transB] of LAYOUTS) {
      for (const m of [1, 3, 17]) {
        const { err, tol } = compare(gemmJs, m, 7, 33, transA, transB, -0.5, 0.25);
        expect(err).toBeLessThanOrEqual(tol);
      }
    }
  });
});

describe('gemmBatched against a loop of gemmRef', () => {
  afterAll(() => configureGemm({ smallFlops: 256, parallelFlops: 1 << 21, threads: 2 }));

  /** Runs a batch and checks every product, and that C's gaps between strided outputs are untouched. */
  function check(batch: number, m: number, n: number, k: number, transA: boolean, transB: boolean,
    strides: { strideA?: number; strideB?: number; strideC?: number }, beta: number, resident = false): void {
    const sA = strides.strideA ?? m * k, sB = strides.strideB ?? k * n, sC = strides.strideC ?? m * n;
    const lenA = (batch - 1) * sA + m * k, lenB = (batch - 1) * sB + k * n, lenC = (batch - 1) * sC + m * n;
    const a = random(lenA), b = random(lenB), c0 = random(lenC);
    const want = c0.slice();
    for (let i = 0; i < batch; i++) {
      gemmRef({ m, n, k, transA, transB, alpha: 0.5, beta, a: a.subarray(i * sA), b: b.subarray(i * sB), c: want.subarray(i * sC, i * sC + m * n) });
    }
    const place = (x: Float32Array): Float32Array => {
      if (!resident) return x.slice();
      const v = allocF32(x.length);
      v.set(x);
      return v;
    };
    const [pa, pb, pc] = [place(a), place(b), place(c0)];
    gemmBatched({ batch, m, n, k, a: pa, b: pb, c: pc, transA, transB, alpha: 0.5, beta, ...strides });
    let err = 0;
    for (let i = 0; i < lenC; i++) err = Math.max(err, Math.abs(pc[i]! - want[i]!));
    expect(err, `batch ${batch} ${m}×${n}×${k} tA=${transA} tB=${transB} ${JSON.stringify(strides)} β=${beta}`)
      .toBeLessThanOrEqual(1e-6 + 4e-7 * k);
    if (resident) for (const x of [pa, pb, pc]) freeF32(x);
  }

  it('matches in every layout, with shared operands and gaps between outputs', () => {
    configureGemm({ smallFlops: 256, parallelFlops: Infinity });
    for (const [transA, transB] of LAYOUTS) {
      check(5, 7, 9, 13, transA, transB, {}, 0);
      check(4, 17, 3, 33, transA, transB, { strideB: 0 }, 1); // one B shared (a weight matrix)
      check(3, 5, 6, 7, transA, transB, { strideA: 0, strideC: 40 }, 0); // shared A; C rows 30 floats apart of 40
      check(3, 5, 6, 7, transA, transB, {}, 0.5, true);
    }
  });

  it('splits the batch across threads by whole products', () => {
    configureGemm({ smallFlops: 256, parallelFlops: 0, threads: 2 });
    for (const [transA, transB] of LAYOUTS) {
      check(7, 9, 11, 20, transA, transB, {}, 0);
      check(2, 33, 17, 9, transA, transB, { strideB: 0, strideC: 600 }, 0.25);
    }
  });

  it('runs tiny batches in TypeScript and a single product through gemm', () => {
    configureGemm({ smallFlops: 256, parallelFlops: Infinity });
    check(3, 2, 2, 2, false, true, {}, 0);
    check(1, 40, 30, 20, true, false, {}, 1);
  });

  it('rejects overlapping outputs and short operands', () => {
    const x = new Float32Array(100);
    expect(() => gemmBatched({ batch: 2, m: 3, n: 3, k: 3, a: x, b: x, c: x, strideC: 4 })).toThrow(/outputs would overlap/);
    expect(() => gemmBatched({ batch: 20, m: 3, n: 3, k: 3, a: x, b: x, c: new Float32Array(1000) })).toThrow(/a holds 100 floats/);
  });
});
