/**
 * @module The multinomial logistic objective evaluated by the WebAssembly SIMD kernel (assembly/logistic-loss.ts)
 * on one or more threads. The CSR matrix, labels and row weights are copied once into a shared
 * WebAssembly.Memory. Each evaluation copies the parameters there; every thread that joins writes its own f32 copy
 * of the weights (four lanes per feature, interleaved with its own zeroed gradient) and claims chunks of rows from
 * an atomic counter until none are left (dynamic scheduling: on a busy machine a thread that is not running does
 * not hold the others up, and one that has not started by the time the rows are done is left out). This thread
 * then adds the gradients of the threads that joined and the L2 penalty in f64, in WebAssembly too. The hand-off
 * is by Atomics, so the optimiser stays synchronous code. Up to four classes; RESONATE_NO_WASM=1 or a runtime
 * without WebAssembly SIMD leaves the TypeScript objective.
 */
import { Worker } from 'node:worker_threads';
import type { Csr } from '../math/csr.js';
import { LOGISTIC_LOSS_WASM_BASE64, LOGISTIC_LOSS_WASM_MAX_PAGES } from './logistic-loss-wasm.generated.js';

/** The slice of the WebAssembly API used here (lib ES2023 does not declare the namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
}

type LossGradFn = (
  indptr: number, indices: number, data: number, y: number, rowWeight: number, from: number, to: number,
  WG: number, b: number, gb: number, K: number, invS: number,
) => number;
type PackFn = (params: number, slot: number, WG: number, D: number, K: number) => void;
type ReduceFn = (params: number, slot: number, regions: number, threads: number, grad: number, D: number, K: number, lam: number) => number;

/** Most classes the kernel handles (one f32x4 per feature). */
export const WASM_MAX_CLASSES = 4;

const api = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
let compiled: object | null | undefined;

function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  const wa = api();
  if (process.env.RESONATE_NO_WASM === '1' || !wa) return compiled;
  try {
    compiled = new wa.Module(new Uint8Array(Buffer.from(LOGISTIC_LOSS_WASM_BASE64, 'base64')));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Whether the kernel can run here. */
export function logisticWasmAvailable(): boolean {
  return kernelModule() !== null;
}

/** Computes f(x) and writes ∇f(x) into g. */
export interface LossEngine {
  evaluate(params: Float64Array, grad: Float64Array): number;
  /** Stops the worker threads. */
  close(): Promise<void>;
}

/** slot[j] = rank of column j by number of non-zeros, most frequent first (ties by column). */
export function frequencyOrder(indices: Int32Array, D: number): Int32Array {
  const count = new Int32Array(D);
  for (let p = 0; p < indices.length; p++) count[indices[p]!]!++;
  const order = Array.from({ length: D }, (_, j) => j).sort((a, b) => count[b]! - count[a]! || a - b);
  const slot = new Int32Array(D);
  order.forEach((j, r) => { slot[j] = r; });
  return slot;
}

/** Control words: generation, next chunk, stop; then one state per worker (index STATE + t). */
const GEN = 0, NEXT = 1, STOP = 2, STATE = 3;
/** Worker states within a generation. */
const IDLE = 0, WORKING = 1, CLOSED = 2, FINISHED = 3;
/** Chunks of rows per thread (by non-zeros): small enough to balance, large enough to keep atomics rare. */
const CHUNKS_PER_THREAD = 32;

/** Offsets of the arrays in the shared memory (bytes). */
interface Layout {
  indptr: number; indices: number; data: number; y: number; rowWeight: number; b: number;
  /** D × K f64 each; slot (D i32); the WG offsets (threads i32). */
  params: number; grad: number; slot: number; regions: number;
  /** Per thread: D × [W_j (4 f32), G_j (4 f32)]. */
  WG: number[];
  gb: number[]; ctrl: number; out: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
const ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
const ctrl = new Int32Array(d.memory.buffer, d.at.ctrl, ${STATE} + d.threads);
const out = new Float64Array(d.memory.buffer, d.at.out, d.threads);
const gb = new Float64Array(d.memory.buffer, d.at.gb[d.slot], 4);
const chunks = d.chunks, nChunks = chunks.length - 1, state = ${STATE} + d.slot;
parentPort.postMessage('ready');
let gen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GEN}, gen);
  gen = Atomics.load(ctrl, ${GEN});
  if (Atomics.load(ctrl, ${STOP}) === 1) break;
  // Join the evaluation unless the caller has already closed it (or this thread has done it).
  if (Atomics.compareExchange(ctrl, state, ${IDLE}, ${WORKING}) !== ${IDLE}) continue;
  ex.pack(d.at.params, d.at.slot, d.at.WG[d.slot], d.D, d.K);
  gb.fill(0);
  let sum = 0;
  for (;;) {
    const c = Atomics.add(ctrl, ${NEXT}, 1);
    if (c >= nChunks) break;
    sum += ex.lossGrad(d.at.indptr, d.at.indices, d.at.data, d.at.y, d.at.rowWeight, chunks[c], chunks[c + 1],
      d.at.WG[d.slot], d.at.b, d.at.gb[d.slot], d.K, d.invS);
  }
  out[d.slot] = sum;
  Atomics.store(ctrl, state, ${FINISHED});
  Atomics.notify(ctrl, state);
}
`;

/**
 * The objective L(W, b) of logistic-regression.ts on the kernel: rowWeight sᵢ, S = Σ sᵢ, penalty ‖W‖²/(2CS),
 * bias gradient zeroed when fitIntercept is false. Returns null when the kernel cannot run (K > 4, no SIMD,
 * memory too large). `threads` − 1 workers are started: await `ready` before the first evaluation (with one
 * thread it is already resolved and the engine can be used synchronously).
 */
export function createWasmLossEngine(
  X: Csr, y: ArrayLike<number>, K: number, rowWeight: Float64Array, S: number, C: number, fitIntercept: boolean, threads: number,
): { engine: LossEngine; ready: Promise<void> } | null {
  const module = K <= WASM_MAX_CLASSES ? kernelModule() : null;
  const wa = api();
  if (!module || !wa) return null;
  const D = X.cols, n = X.rows, nnz = X.indptr[n]!;
  // The kernel's static data (exp/log tables) ends at heapBase; the arrays follow on 64-byte boundaries.
  const probe = new wa.Instance(module, { env: { memory: new wa.Memory({ initial: 1, maximum: 1, shared: true }) } }).exports;
  let top = Math.ceil((probe.heapBase as () => number)() / 64) * 64;
  const take = (bytes: number): number => {
    const at = top;
    top += Math.ceil(Math.max(bytes, 16) / 64) * 64;
    return at;
  };
  const at: Layout = {
    indptr: take(4 * (n + 1)), indices: take(4 * nnz), data: take(4 * nnz), y: take(4 * n), rowWeight: take(8 * n),
    b: take(16), WG: [], gb: [], ctrl: take(4 * (STATE + threads)), out: take(8 * threads),
    params: take(8 * D * K), grad: take(8 * D * K), slot: take(4 * D), regions: take(4 * threads),
  };
  for (let t = 0; t < threads; t++) {
    at.WG.push(take(32 * D));
    at.gb.push(take(32));
  }
  const pages = Math.ceil(top / 65536);
  if (pages > LOGISTIC_LOSS_WASM_MAX_PAGES) return null;
  const memory = new wa.Memory({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer;
  new Int32Array(buf, at.indptr, n + 1).set(X.indptr.subarray(0, n + 1));
  // Features renumbered by falling frequency: the weights most rows touch share a few cache-resident lines
  // (text features are Zipf-distributed). slot[j] is feature j's row in W and G.
  const slot = frequencyOrder(X.indices.subarray(0, nnz), D);
  new Int32Array(buf, at.slot, D).set(slot);
  const indices = new Int32Array(buf, at.indices, nnz);
  for (let p = 0; p < nnz; p++) indices[p] = slot[X.indices[p]!]!;
  new Float32Array(buf, at.data, nnz).set(X.data.subarray(0, nnz));
  const yv = new Int32Array(buf, at.y, n);
  for (let i = 0; i < n; i++) yv[i] = y[i]!;
  new Float64Array(buf, at.rowWeight, n).set(rowWeight);
  const b = new Float32Array(buf, at.b, 4);
  const gb = at.gb.map((o) => new Float64Array(buf, o, 4));
  const paramsView = new Float64Array(buf, at.params, D * K);
  const gradView = new Float64Array(buf, at.grad, D * K);
  const ctrl = new Int32Array(buf, at.ctrl, STATE + threads);
  const regions = new Int32Array(buf, at.regions, threads);
  const out = new Float64Array(buf, at.out, threads);
  const ex = new wa.Instance(module, { env: { memory } }).exports;
  const lossGrad = ex.lossGrad as LossGradFn;
  const pack = ex.pack as PackFn;
  const reduce = ex.reduce as ReduceFn;
  const invS = 1 / S;

  // Chunk c is rows [chunks[c], chunks[c + 1]), about nnz / nChunks non-zeros each.
  const nChunks = threads === 1 ? 1 : Math.min(n, CHUNKS_PER_THREAD * threads);
  const bounds = [0];
  for (let c = 1; c < nChunks; c++) {
    let r = bounds[c - 1]!;
    while (r < n && X.indptr[r]! < (c * nnz) / nChunks) r++;
    bounds.push(r);
  }
  bounds.push(n);
  const chunks = Int32Array.from(bounds);
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let t = 1; t < threads; t++) {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { module, memory, at, slot: t, threads, chunks, D, K, invS },
    });
    workers.push(worker);
    ready.push(new Promise((res, rej) => {
      worker.once('message', () => res());
      worker.once('error', rej);
    }));
  }
  let gen = 0;
  const lam = 1 / (C * S);
  const engine: LossEngine = {
    evaluate(params, grad) {
      // Every input of the evaluation is in place before a worker can join (state IDLE).
      paramsView.set(params.subarray(0, D * K));
      for (let k = 0; k < K; k++) b[k] = params[D * K + k]!;
      gb[0]!.fill(0);
      if (threads > 1) {
        Atomics.store(ctrl, NEXT, 0);
        for (let t = 1; t < threads; t++) Atomics.store(ctrl, STATE + t, IDLE);
        gen++;
        Atomics.store(ctrl, GEN, gen);
        Atomics.notify(ctrl, GEN);
      }
      pack(at.params, at.slot, at.WG[0]!, D, K);
      let sum = 0, next = 0;
      const claim = (): number => (threads > 1 ? Atomics.add(ctrl, NEXT, 1) : next++);
      for (let c = claim(); c < nChunks; c = claim()) {
        sum += lossGrad(at.indptr, at.indices, at.data, at.y, at.rowWeight, chunks[c]!, chunks[c + 1]!, at.WG[0]!, at.b, at.gb[0]!, K, invS);
      }
      // The workers that joined: wait for them; close the evaluation to the others.
      regions[0] = at.WG[0]!;
      const joined = [0];
      for (let t = 1; t < threads; t++) {
        if (Atomics.compareExchange(ctrl, STATE + t, IDLE, CLOSED) === IDLE) continue;
        while (Atomics.load(ctrl, STATE + t) !== FINISHED) Atomics.wait(ctrl, STATE + t, WORKING, 1000);
        sum += out[t]!;
        regions[joined.length] = at.WG[t]!;
        joined.push(t);
      }
      // grad = Σ_joined G + W/(CS), loss = sum/S + ‖W‖²/(2CS).
      const sq = reduce(at.params, at.slot, at.regions, joined.length, at.grad, D, K, lam);
      grad.set(gradView);
      for (let k = 0; k < K; k++) {
        let g = 0;
        for (const t of joined) g += gb[t]![k]!;
        grad[D * K + k] = fitIntercept ? g : 0;
      }
      return sum * invS + 0.5 * lam * sq;
    },
    async close() {
      Atomics.store(ctrl, STOP, 1);
      Atomics.add(ctrl, GEN, 1);
      Atomics.notify(ctrl, GEN);
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
  return { engine, ready: Promise.all(ready).then(() => undefined) };
}
