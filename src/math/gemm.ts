/**
 * @module General matrix multiply, the hot loop of training: C = alpha · op(A) · op(B) + beta · C.
 *
 * Row-major, op(X) = X or Xᵀ. This is the public entry point; it dispatches by size:
 * - tiny products (m·n·k below `smallFlops`) run the TypeScript loops of kernels-js.ts (a WASM call, the copies
 *   and the packing cost more than they save);
 * - one-row or one-column products run the WASM GEMV (no packing: `scores = Items · u`);
 * - the rest run the packed SIMD GEMM in WASM, split across worker threads above `parallelFlops`.
 * Operands allocated with `allocF32` (see kernels.ts) are used in place; others are copied into WASM memory
 * and the result copied back. Without WASM SIMD (or with RESONATE_NO_WASM=1) everything runs kernels-js.ts.
 * gemm.ref.ts is the obviously-correct twin every path is tested against.
 */
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { createError } from '../core/errors.js';
import type { GemmArgs } from './gemm.ref.js';
import { gemmJs } from './kernels-js.js';
import { createGemmPool, type GemmBlock, type GemmPool } from './parallel/gemm-pool.js';
import { wasmKernels } from './wasm/module.js';
import { round16, stagingStart, trimStaging } from './wasm/staging.js';

export type { GemmArgs } from './gemm.ref.js';

export interface GemmConfig {
  /** Below this m·n·k the TypeScript loop wins (measured with bench/matmul.ts: see docs/benchmarks.md). */
  smallFlops: number;
  /** From this m·n·k on, the product is split across threads (measured: see docs/benchmarks.md). */
  parallelFlops: number;
  /** Threads for one large product, the caller included; 1 disables the worker pool. */
  threads: number;
}

const config: GemmConfig = {
  smallFlops: 256,
  parallelFlops: 1 << 21,
  // RESONATE_THREADS overrides; inside a worker thread the default is 1, so code that already runs one worker
  // per core does not start a pool in each of them.
  threads: Math.max(1, Number(process.env.RESONATE_THREADS ?? (isMainThread ? availableParallelism() : 1)) || 1),
};

let pool: GemmPool | null = null;
let scratch: Float32Array | null = null;

/**
 * @internal Byte offset of the packing scratch the WASM gemm uses on this thread (allocated on first use), for
 * kernels that call gemm from inside WASM (the fused attention). Only valid while WASM is loaded.
 */
export function gemmScratchOffset(): number {
  const kernels = wasmKernels!;
  scratch ??= kernels.heap.allocF32(kernels.exports.gemmScratchFloats());
  return scratch.byteOffset;
}

/** Changes the dispatch thresholds or thread count (benchmarks, tests). Returns the configuration in force. */
export function configureGemm(options: Partial<GemmConfig> = {}): Readonly<GemmConfig> {
  Object.assign(config, options);
  // threads = 1 just stops using the pool (a benchmark toggles it); another thread count rebuilds it.
  if (pool !== null && config.threads > 1 && pool.threads !== config.threads) {
    void pool.close();
    pool = null;
  }
  return { ...config };
}

/** Which implementation gemm will use for a product of this size ('js', 'gemv', 'wasm' or 'parallel'). */
export function gemmPath(m: number, n: number, k: number): 'js' | 'gemv' | 'wasm' | 'parallel' {
  if (wasmKernels === null || m * n * k < config.smallFlops) return 'js';
  if (m === 1 || n === 1) return 'gemv';
  if (config.threads > 1 && m * n * k >= config.parallelFlops && Math.max(m, n) >= 16) return 'parallel';
  return 'wasm';
}

/** C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C. beta = 0 overwrites C (NaN in C is ignored). */
export function gemm(args: GemmArgs): void {
  const { m, n, k, a, b, c, transA = false, transB = false, alpha = 1, beta = 0 } = args;
  checkShapes(args);
  const path = gemmPath(m, n, k);
  if (path === 'js') {
    gemmJs(args);
    return;
  }
  const kernels = wasmKernels!;
  const { heap, exports } = kernels;
  // Operands outside WASM memory are copied into the persistent staging block (wasm/staging.ts), so a call
  // allocates nothing: a, then b, then c, each 16-float aligned. (No closures here: tsx wraps each one in a
  // naming helper that costs microseconds per call.)
  const aOut = !heap.owns(a), bOut = !heap.owns(b), cOut = !heap.owns(c);
  const need = (aOut ? round16(m * k) : 0) + (bOut ? round16(k * n) : 0) + (cOut ? round16(m * n) : 0);
  let next = need > 0 ? stagingStart(heap, need) : 0;
  const mem = heap.f32();
  const pa = aOut ? stage(mem, a, next, m * k, true) : a.byteOffset;
  if (aOut) next += round16(m * k);
  const pb = bOut ? stage(mem, b, next, k * n, true) : b.byteOffset;
  if (bOut) next += round16(k * n);
  const pc = cOut ? stage(mem, c, next, m * n, beta !== 0) : c.byteOffset;
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  if (path === 'gemv') {
    if (n === 1) exports.gemv(transA ? 1 : 0, transA ? k : m, transA ? m : k, alpha, pa, lda, pb, beta, pc);
    // m === 1: c = op(B)ᵀ · a, where op(B)ᵀ is B (stored n×k) when transB, else the transpose of B (stored k×n).
    else exports.gemv(transB ? 0 : 1, transB ? n : k, transB ? k : n, alpha, pb, ldb, pa, beta, pc);
  } else if (path === 'parallel') {
    parallelGemm(kernels, { transA: transA ? 1 : 0, transB: transB ? 1 : 0, m, n, k, alpha, a: pa, lda, b: pb, ldb, beta, c: pc, ldc: n });
  } else {
    scratch ??= heap.allocF32(exports.gemmScratchFloats());
    exports.gemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, n, scratch.byteOffset);
  }
  if (cOut) c.set(mem.subarray(pc >> 2, (pc >> 2) + m * n));
  trimStaging(heap, need);
}

export interface GemmBatchedArgs extends GemmArgs {
  /** Number of products. */
  batch: number;
  /** Floats from one A to the next (default m·k; 0 shares one A across the batch). */
  strideA?: number;
  /** Floats from one B to the next (default k·n; 0 shares one B, e.g. a weight matrix). */
  strideB?: number;
  /** Floats from one C to the next (default m·n; must not make outputs overlap). */
  strideC?: number;
}

/**
 * C_i = alpha · op(A_i) · op(B_i) + beta · C_i for i < batch, where X_i starts at i·strideX in x (attention heads,
 * per-sequence products). One call stages every operand once, and large batches are split across threads by
 * whole products, which suits many small matrices far better than splitting each one.
 * @example gemmBatched({ batch: heads, m: T, n: T, k: d, a: q, b: k, c: scores, transB: true, alpha: 1 / Math.sqrt(d) });
 */
export function gemmBatched(args: GemmBatchedArgs): void {
  const { batch, m, n, k, a, b, c, transA = false, transB = false, alpha = 1, beta = 0 } = args;
  checkDim('batch', batch);
  checkDim('m', m);
  checkDim('n', n);
  checkDim('k', k);
  const sA = args.strideA ?? m * k, sB = args.strideB ?? k * n, sC = args.strideC ?? m * n;
  checkDim('strideA', sA);
  checkDim('strideB', sB);
  checkDim('strideC', sC);
  if (batch > 1 && sC < m * n) {
    throw createError('SHAPE_MISMATCH', { op: 'gemmBatched', problem: `strideC ${sC} is below m·n = ${m * n}: outputs would overlap` });
  }
  if (batch === 0) return;
  const lenA = (batch - 1) * sA + m * k, lenB = (batch - 1) * sB + k * n, lenC = (batch - 1) * sC + m * n;
  if (a.length < lenA) batchLengthError('a', a, lenA);
  if (b.length < lenB) batchLengthError('b', b, lenB);
  if (c.length < lenC) batchLengthError('c', c, lenC);
  if (batch === 1) {
    gemm(args);
    return;
  }
  if (wasmKernels === null || batch * m * n * k < config.smallFlops) {
    for (let i = 0; i < batch; i++) {
      gemmJs({
        m, n, k, transA, transB, alpha, beta,
        a: a.subarray(i * sA, i * sA + m * k), b: b.subarray(i * sB, i * sB + k * n), c: c.subarray(i * sC, i * sC + m * n),
      });
    }
    return;
  }
  const kernels = wasmKernels;
  const { heap, exports } = kernels;
  const aOut = !heap.owns(a), bOut = !heap.owns(b), cOut = !heap.owns(c);
  const need = (aOut ? round16(lenA) : 0) + (bOut ? round16(lenB) : 0) + (cOut ? round16(lenC) : 0);
  let next = need > 0 ? stagingStart(heap, need) : 0;
  const mem = heap.f32();
  const pa = aOut ? stage(mem, a, next, lenA, true) : a.byteOffset;
  if (aOut) next += round16(lenA);
  const pb = bOut ? stage(mem, b, next, lenB, true) : b.byteOffset;
  if (bOut) next += round16(lenB);
  const pc = cOut ? stage(mem, c, next, lenC, beta !== 0 || sC > m * n) : c.byteOffset;
  const whole: GemmBlock = {
    transA: transA ? 1 : 0, transB: transB ? 1 : 0, m, n, k, alpha, a: pa, lda: transA ? m : k, b: pb, ldb: transB ? k : n,
    beta, c: pc, ldc: n, count: batch, strideA: 4 * sA, strideB: 4 * sB, strideC: 4 * sC,
  };
  const usePool = config.threads > 1 && batch * m * n * k >= config.parallelFlops;
  if (usePool && (pool !== null || startPool(kernels))) {
    // Whole products per thread: contiguous runs of the batch.
    const per = Math.ceil(batch / pool!.threads);
    const blocks: GemmBlock[] = [];
    for (let start = 0; start < batch; start += per) {
      blocks.push({ ...whole, count: Math.min(per, batch - start), a: pa + start * 4 * sA, b: pb + start * 4 * sB, c: pc + start * 4 * sC });
    }
    pool!.run(blocks);
  } else {
    scratch ??= heap.allocF32(exports.gemmScratchFloats());
    for (let i = 0; i < batch; i++) {
      exports.gemm(whole.transA, whole.transB, m, n, k, alpha, pa + i * 4 * sA, whole.lda, pb + i * 4 * sB, whole.ldb,
        beta, pc + i * 4 * sC, n, scratch.byteOffset);
    }
  }
  if (cOut) c.set(mem.subarray(pc >> 2, (pc >> 2) + lenC), 0);
  trimStaging(heap, need);
}

function batchLengthError(name: string, x: Float32Array, len: number): never {
  throw createError('SHAPE_MISMATCH', { op: 'gemmBatched', problem: `${name} holds ${x.length} floats but the batch with its stride needs ${len}` });
}

/** Starts the worker pool; false (and single-threaded from then on) when threads cannot be had. */
function startPool(kernels: NonNullable<typeof wasmKernels>): boolean {
  try {
    pool = createGemmPool(kernels, { workers: config.threads - 1 });
    return true;
  } catch {
    // Resource limits: carry on single-threaded rather than fail the product.
    config.threads = 1;
    return false;
  }
}

/** Copies the first len floats of x (when asked) to float index `at` of memory; returns the byte offset. */
function stage(mem: Float32Array, x: Float32Array, at: number, len: number, copy: boolean): number {
  if (copy) mem.set(len === x.length ? x : x.subarray(0, len), at);
  return at << 2;
}

/** Splits C into one block of rows (or of columns, when C is wide) per thread, aligned to the micro-tile. */
function parallelGemm(kernels: NonNullable<typeof wasmKernels>, whole: GemmBlock): void {
  if (pool === null && !startPool(kernels)) {
    kernels.exports.gemm(whole.transA, whole.transB, whole.m, whole.n, whole.k, whole.alpha, whole.a, whole.lda,
      whole.b, whole.ldb, whole.beta, whole.c, whole.ldc, (scratch ??= kernels.heap.allocF32(kernels.exports.gemmScratchFloats())).byteOffset);
    return;
  }
  const threads = pool!.threads;
  const blocks: GemmBlock[] = [];
  const byRows = whole.m >= whole.n;
  const extent = byRows ? whole.m : whole.n;
  // Rows split on multiples of 4 (the micro-tile height), columns on multiples of 8 (its width).
  const quantum = byRows ? 4 : 8;
  const step = Math.ceil(extent / threads / quantum) * quantum;
  for (let start = 0; start < extent; start += step) {
    const size = Math.min(step, extent - start);
    if (byRows) {
      blocks.push({
        ...whole, m: size,
        a: whole.a + 4 * (whole.transA ? start : start * whole.lda),
        c: whole.c + 4 * start * whole.ldc,
      });
    } else {
      blocks.push({
        ...whole, n: size,
        b: whole.b + 4 * (whole.transB ? start * whole.ldb : start),
        c: whole.c + 4 * start,
      });
    }
  }
  pool!.run(blocks);
}

function checkShapes(args: GemmArgs): void {
  const { m, n, k, a, b, c } = args;
  checkDim('m', m);
  checkDim('n', n);
  checkDim('k', k);
  if (a.length < m * k) lengthError('a', a, args.transA ? k : m, args.transA ? m : k);
  if (b.length < k * n) lengthError('b', b, args.transB ? n : k, args.transB ? k : n);
  if (c.length < m * n) lengthError('c', c, m, n);
}

function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0) throw createError('SHAPE_MISMATCH', { op: 'gemm', problem: `${name} must be a non-negative integer, got ${v}` });
}

function lengthError(name: string, x: Float32Array, rows: number, cols: number): never {
  throw createError('SHAPE_MISMATCH', { op: 'gemm', problem: `${name} holds ${x.length} floats but its stored shape ${rows}×${cols} needs ${rows * cols}` });
}
