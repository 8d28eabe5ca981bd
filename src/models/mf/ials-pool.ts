/**
 * @module Parallel half-iterations of iALS: worker threads share the factor matrices and both orientations of
 * the confidence matrix through SharedArrayBuffers and pull chunks of rows from an atomic counter (dynamic
 * scheduling, like OpenMP's `schedule(guided)` in implicit), while the calling thread works too.
 *
 * Synchronisation is by Atomics only: the caller bumps a generation counter to start a half-iteration and
 * waits until every worker has bumped the done counter. The kernel's source is shipped with `eval`, so the
 * same code runs under tsx, vitest and the compiled build.
 *
 * When WebAssembly SIMD is available (and f is a multiple of 4) every array lives in one shared
 * WebAssembly.Memory and rows are solved by the SIMD kernel of ials-cg.as.ts, instantiated once per thread on
 * that memory; otherwise the arrays are SharedArrayBuffers and rows run `cgSolveRows` (ials-kernel.ts).
 * RESONATE_NO_WASM=1 forces the TypeScript path.
 */
import { Worker } from 'node:worker_threads';
import { createError } from '../../core/errors.js';
import type { Csr } from '../../math/csr.js';
import { cgSolveRows } from './ials-kernel.js';
import { IALS_WASM_BASE64, IALS_WASM_MAX_PAGES } from './ials-cg.generated.js';

/** Rows a thread claims at a time: small enough to balance skewed rows, large enough to keep atomics rare. */
const CHUNK = 32;

/** Control words in the shared Int32Array. */
const GEN = 0, PHASE = 1, NEXT = 2, DONE = 3, STOP = 4;

/** A confidence matrix in shared memory. */
export interface SharedCsr {
  rows: number;
  indptr: Int32Array;
  indices: Int32Array;
  conf: Float32Array;
}

export interface IalsShared {
  f: number;
  steps: number;
  /** users × items confidences, and its transpose. */
  byUser: SharedCsr;
  byItem: SharedCsr;
  /** User factors (nUsers × f) and item factors (nItems × f). */
  x: Float32Array;
  y: Float32Array;
  /** YᵀY + λI (or XᵀX + λI) for the half-iteration in progress. */
  gram: Float32Array;
}

function sharedCopy<T extends Int32Array | Float32Array>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(Math.max(a.byteLength, 4)));
  out.set(a as never);
  return a.length === out.length ? out : (out.subarray(0, a.length) as T);
}

/** Copies a CSR (with its values already turned into confidences) into shared memory. */
export function shareCsr(m: Csr, conf: Float32Array): SharedCsr {
  return { rows: m.rows, indptr: sharedCopy(m.indptr), indices: sharedCopy(m.indices), conf: sharedCopy(conf) };
}

/** A Float32Array of n zeros in shared memory. */
export function sharedF32(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(Math.max(4 * n, 4))).subarray(0, n);
}

/** The slice of the WebAssembly API used here (lib ES2023 does not declare the namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
}

type CgRows = (indptr: number, indices: number, conf: number, x: number, y: number, gram: number, f: number, steps: number, rowStart: number, rowEnd: number, scratch: number) => void;

/** The compiled SIMD kernel, or the reason it is not used. */
let wasmModule: object | null | undefined;
let wasmReason = '';

function kernelModule(): object | null {
  if (wasmModule !== undefined) return wasmModule;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (process.env.RESONATE_NO_WASM === '1') wasmReason = 'disabled by RESONATE_NO_WASM=1';
  else if (!api) wasmReason = 'no WebAssembly';
  else {
    try {
      wasmModule = new api.Module(new Uint8Array(Buffer.from(IALS_WASM_BASE64, 'base64')));
      return wasmModule;
    } catch (e) {
      wasmReason = `WebAssembly SIMD unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  wasmModule = null;
  return null;
}

/** 'wasm-simd' when fits will use the SIMD kernel for factor counts divisible by 4, else 'js' (and why). */
export function ialsBackend(): { backend: 'wasm-simd' | 'js'; reason: string } {
  return kernelModule() ? { backend: 'wasm-simd', reason: '' } : { backend: 'js', reason: wasmReason };
}

/** Where the arrays live when the SIMD kernel runs: one shared memory, one instance per thread. */
export interface IalsWasm {
  module: object;
  memory: object;
  /** Byte offset of each thread's 4f-float scratch (thread 0 = the caller). */
  scratch: number[];
}

function instantiate(w: IalsWasm): CgRows {
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  return new api.Instance(w.module, { env: { memory: w.memory } }).exports.cgRows as CgRows;
}

/**
 * Lays out the confidence matrices, the factors, the Gram matrix and per-thread scratch: in one shared
 * WebAssembly.Memory when the SIMD kernel can run (f % 4 = 0), else in SharedArrayBuffers.
 */
export function allocateIals(byUser: Csr, confUser: Float32Array, byItem: Csr, confItem: Float32Array, f: number, steps: number, threads: number): { shared: IalsShared; wasm?: IalsWasm } {
  const module = f % 4 === 0 ? kernelModule() : null;
  if (!module) {
    return {
      shared: { f, steps, byUser: shareCsr(byUser, confUser), byItem: shareCsr(byItem, confItem), x: sharedF32(byUser.rows * f), y: sharedF32(byItem.rows * f), gram: sharedF32(f * f) },
    };
  }
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  // Static data of the kernel is tiny; start the arrays at 1 KiB and align every array to 16 bytes.
  let top = 1024;
  const take = (floats: number): number => { const at = top; top += Math.ceil((floats * 4) / 16) * 16; return at; };
  const plan = {
    uIndptr: take(byUser.indptr.length), uIndices: take(byUser.indices.length), uConf: take(confUser.length),
    iIndptr: take(byItem.indptr.length), iIndices: take(byItem.indices.length), iConf: take(confItem.length),
    x: take(byUser.rows * f), y: take(byItem.rows * f), gram: take(f * f),
    scratch: Array.from({ length: threads }, () => take(4 * f)),
  };
  const pages = Math.ceil(top / 65536);
  if (pages > IALS_WASM_MAX_PAGES) throw createError('INVALID_INPUT', { field: 'mf/ials data', problem: `needs ${pages} pages of WebAssembly memory, more than ${IALS_WASM_MAX_PAGES}; set RESONATE_NO_WASM=1` });
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer;
  const i32 = (at: number, src: Int32Array): Int32Array => { const v = new Int32Array(buf, at, src.length); v.set(src); return v; };
  const f32 = (at: number, src: Float32Array | number): Float32Array => {
    const v = new Float32Array(buf, at, typeof src === 'number' ? src : src.length);
    if (typeof src !== 'number') v.set(src);
    return v;
  };
  return {
    shared: {
      f, steps,
      byUser: { rows: byUser.rows, indptr: i32(plan.uIndptr, byUser.indptr), indices: i32(plan.uIndices, byUser.indices), conf: f32(plan.uConf, confUser) },
      byItem: { rows: byItem.rows, indptr: i32(plan.iIndptr, byItem.indptr), indices: i32(plan.iIndices, byItem.indices), conf: f32(plan.iConf, confItem) },
      x: f32(plan.x, byUser.rows * f), y: f32(plan.y, byItem.rows * f), gram: f32(plan.gram, f * f),
    },
    wasm: { module, memory, scratch: plan.scratch },
  };
}

/** Body of a worker and of the caller's share: claim chunks until none remain. */
function runPhase(ctrl: Int32Array, s: IalsShared, scratch: Float64Array, cg: CgRows | undefined, scratchAt: number): void {
  const phase = Atomics.load(ctrl, PHASE);
  const m = phase === 0 ? s.byUser : s.byItem;
  const target = phase === 0 ? s.x : s.y;
  const fixed = phase === 0 ? s.y : s.x;
  for (;;) {
    const start = Atomics.add(ctrl, NEXT, CHUNK);
    if (start >= m.rows) break;
    const end = Math.min(start + CHUNK, m.rows);
    if (cg) cg(m.indptr.byteOffset, m.indices.byteOffset, m.conf.byteOffset, target.byteOffset, fixed.byteOffset, s.gram.byteOffset, s.f, s.steps, start, end, scratchAt);
    else cgSolveRows(m.indptr, m.indices, m.conf, target, fixed, s.gram, s.f, s.steps, start, end, scratch);
  }
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const cgSolveRows = ${cgSolveRows.toString()};
const GEN = ${GEN}, PHASE = ${PHASE}, NEXT = ${NEXT}, DONE = ${DONE}, STOP = ${STOP}, CHUNK = ${CHUNK};
// Same as runPhase in ials-pool.ts (written out: a transpiled function may refer to renamed imports).
function runPhase(ctrl, s, scratch, cg, scratchAt) {
  const phase = Atomics.load(ctrl, PHASE);
  const m = phase === 0 ? s.byUser : s.byItem;
  const target = phase === 0 ? s.x : s.y;
  const fixed = phase === 0 ? s.y : s.x;
  for (;;) {
    const start = Atomics.add(ctrl, NEXT, CHUNK);
    if (start >= m.rows) break;
    const end = Math.min(start + CHUNK, m.rows);
    if (cg) cg(m.indptr.byteOffset, m.indices.byteOffset, m.conf.byteOffset, target.byteOffset, fixed.byteOffset, s.gram.byteOffset, s.f, s.steps, start, end, scratchAt);
    else cgSolveRows(m.indptr, m.indices, m.conf, target, fixed, s.gram, s.f, s.steps, start, end, scratch);
  }
}
const { ctrl, shared, wasm, thread } = workerData;
const scratch = new Float64Array(4 * shared.f);
const cg = wasm ? new WebAssembly.Instance(wasm.module, { env: { memory: wasm.memory } }).exports.cgRows : undefined;
const scratchAt = wasm ? wasm.scratch[thread] : 0;
let gen = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ctrl, GEN, gen);
  gen = Atomics.load(ctrl, GEN);
  if (Atomics.load(ctrl, STOP)) break;
  runPhase(ctrl, shared, scratch, cg, scratchAt);
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
`;

/** A set of worker threads bound to one fit's shared arrays. */
export interface IalsPool {
  /** Solves every row of X (phase 0: users, given Y) or Y (phase 1: items, given X) with `gram` already set. */
  half(phase: 0 | 1): void;
  close(): Promise<void>;
}

/** Starts `threads − 1` workers (the caller is thread 0) over the shared arrays; threads = 1 starts none. */
export async function createIalsPool(shared: IalsShared, threads: number, wasm?: IalsWasm): Promise<IalsPool> {
  const ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
  const scratch = new Float64Array(4 * shared.f);
  const cg = wasm ? instantiate(wasm) : undefined;
  const scratchAt = wasm ? wasm.scratch[0]! : 0;
  const workers: Worker[] = [];
  try {
    for (let t = 1; t < threads; t++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { ctrl, shared, wasm, thread: t } });
      workers.push(w);
      await new Promise<void>((resolve, reject) => {
        w.once('message', () => resolve());
        w.once('error', reject);
      });
    }
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const n = workers.length;
  return {
    half(phase) {
      Atomics.store(ctrl, PHASE, phase);
      Atomics.store(ctrl, NEXT, 0);
      Atomics.store(ctrl, DONE, 0);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      runPhase(ctrl, shared, scratch, cg, scratchAt);
      for (;;) {
        const done = Atomics.load(ctrl, DONE);
        if (done >= n) break;
        Atomics.wait(ctrl, DONE, done);
      }
    },
    async close() {
      Atomics.store(ctrl, STOP, 1);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
