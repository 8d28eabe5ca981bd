/**
 * @module The WebAssembly SIMD backend of word2vec training (assembly/word2vec.ts): every array of a training run
 * lives in one shared WebAssembly.Memory, and each thread runs its own instance of the kernel on that memory, so
 * the whole per-sentence loop (subsampling, windows, negative sampling, dot/sigmoid/axpy) runs without JavaScript.
 * RESONATE_NO_WASM=1 (or a runtime without WebAssembly SIMD and threads) leaves `word2vecKernel` (kernel.ts).
 */
import { Worker } from 'node:worker_threads';
import { createError } from '../../core/errors.js';
import type { KernelArgs } from './kernel.js';
import { WORD2VEC_WASM_BASE64, WORD2VEC_WASM_MAX_PAGES } from './kernel-wasm.generated.js';

/** The slice of the WebAssembly API used here (lib ES2023 does not declare the namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
}

type TrainFn = (
  corpus: number, sentences: number, chunks: number, nChunks: number, claim: number, syn0: number, syn1: number,
  table: number, tableSize: number, keep: number, expTable: number, progress: number, scratch: number,
  dim: number, window: number, negative: number, sg: number, alpha0: number, epochs: number, totalWords: number, seed: number,
) => number;

const api = (): WasmApi | undefined => (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;
let unavailable = '';

/** The compiled kernel, or null (with the reason kept for `word2vecBackend`). */
function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  const wa = api();
  compiled = null;
  if (process.env.RESONATE_NO_WASM === '1') unavailable = 'disabled by RESONATE_NO_WASM=1';
  else if (!wa) unavailable = 'no WebAssembly';
  else {
    try {
      compiled = new wa.Module(new Uint8Array(Buffer.from(WORD2VEC_WASM_BASE64, 'base64')));
    } catch (e) {
      unavailable = `WebAssembly SIMD/threads unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return compiled;
}

/** 'wasm-simd' when training will run the WebAssembly kernel, else 'js' and why. */
export function word2vecBackend(): { backend: 'wasm-simd' | 'js'; reason: string } {
  return kernelModule() ? { backend: 'wasm-simd', reason: '' } : { backend: 'js', reason: unavailable };
}

/** Sizes of a training run's arrays. */
export interface ArenaSizes {
  corpusWords: number;
  sentences: number;
  vocabulary: number;
  dim: number;
  negative: number;
  tableSize: number;
  threads: number;
}

/** Chunks of sentences per thread and epoch, claimed dynamically (about 30 per thread keeps the tail short). */
const CHUNKS_PER_THREAD = 32;

/** The arrays of a training run as views of one shared WebAssembly.Memory, and each thread's scratch offset. */
export interface Word2VecArena {
  module: object;
  memory: object;
  corpus: Int32Array;
  /** Sentence start offsets plus a final end offset. */
  sentences: Int32Array;
  syn0: Float32Array;
  syn1: Float32Array;
  table: Int32Array;
  keep: Float32Array;
  expTable: Float32Array;
  progress: Int32Array;
  /** Sentence index where each chunk starts, plus n (set by `planChunks`), and the shared claim counter. */
  chunks: Int32Array;
  claim: Int32Array;
  scratch: number[];
}

/** Logistic table over [−6, 6] in 1000 steps (word2vec.c's EXP_TABLE_SIZE, MAX_EXP), as kernel.ts builds it. */
export const EXP_TABLE_SIZE = 1000;
const MAX_EXP = 6;

/** Lays out the arrays in a new shared memory, or returns null when the WebAssembly kernel is unavailable. */
export function allocateArena(s: ArenaSizes): Word2VecArena | null {
  const module = kernelModule();
  const wa = api();
  if (!module || !wa) return null;
  const probe = new wa.Memory({ initial: 1, maximum: 1, shared: true });
  const probeExports = new wa.Instance(module, { env: { memory: probe } }).exports;
  const heapBase = (probeExports.heapBase as () => number)();
  const scratchBytes = (probeExports.scratchBytes as (dim: number, negative: number) => number)(s.dim, s.negative);
  // Every array starts on a 64-byte boundary (a cache line), after the kernel's static data.
  let top = Math.ceil(Math.max(heapBase, 64) / 64) * 64;
  const take = (count: number): number => {
    const at = top;
    top += Math.ceil((Math.max(count, 1) * 4) / 64) * 64;
    return at;
  };
  const nChunks = s.threads === 1 ? 1 : Math.max(1, Math.min(s.sentences, CHUNKS_PER_THREAD * s.threads));
  const at = {
    progress: take(1), claim: take(1), chunks: take(nChunks + 1), expTable: take(EXP_TABLE_SIZE), corpus: take(s.corpusWords), sentences: take(s.sentences + 1),
    syn0: take(s.vocabulary * s.dim), syn1: take(s.vocabulary * s.dim), table: take(s.tableSize), keep: take(s.vocabulary),
    scratch: Array.from({ length: s.threads }, () => take(scratchBytes / 4)),
  };
  const pages = Math.ceil(top / 65536);
  if (pages > WORD2VEC_WASM_MAX_PAGES) return null;
  const memory = new wa.Memory({ initial: pages, maximum: pages, shared: true });
  const buf = memory.buffer;
  const expTable = new Float32Array(buf, at.expTable, EXP_TABLE_SIZE);
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const e = Math.exp(((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP);
    expTable[i] = e / (e + 1);
  }
  return {
    module, memory, expTable,
    progress: new Int32Array(buf, at.progress, 1),
    claim: new Int32Array(buf, at.claim, 1),
    chunks: new Int32Array(buf, at.chunks, nChunks + 1),
    corpus: new Int32Array(buf, at.corpus, s.corpusWords),
    sentences: new Int32Array(buf, at.sentences, s.sentences + 1),
    syn0: new Float32Array(buf, at.syn0, s.vocabulary * s.dim),
    syn1: new Float32Array(buf, at.syn1, s.vocabulary * s.dim),
    table: new Int32Array(buf, at.table, s.tableSize),
    keep: new Float32Array(buf, at.keep, s.vocabulary),
    scratch: at.scratch,
  };
}

/** Splits the sentences (offsets filled in) into the arena's chunks of about equal word counts. */
export function planChunks(a: Word2VecArena): void {
  const nChunks = a.chunks.length - 1, n = a.sentences.length - 1, words = a.sentences[n]!;
  let s = 0;
  a.chunks[0] = 0;
  for (let c = 1; c < nChunks; c++) {
    while (s < n && a.sentences[s]! < (c * words) / nChunks) s++;
    a.chunks[c] = s;
  }
  a.chunks[nChunks] = n;
}

/** The per-run settings handed to the kernel (the arrays, and the sentences through the chunks, are the arena's). */
export type WasmKernelArgs = Omit<KernelArgs, 'corpus' | 'sentences' | 'syn0' | 'syn1' | 'table' | 'keep' | 'progress' | 'sentenceFrom' | 'sentenceTo'>;

/** Arguments of the exported `train`, in order. */
function trainArgs(a: Word2VecArena, k: WasmKernelArgs, thread: number): number[] {
  return [
    a.corpus.byteOffset, a.sentences.byteOffset, a.chunks.byteOffset, a.chunks.length - 1, a.claim.byteOffset, a.syn0.byteOffset, a.syn1.byteOffset,
    a.table.byteOffset, a.table.length, a.keep.byteOffset, a.expTable.byteOffset, a.progress.byteOffset, a.scratch[thread]!,
    k.dim, k.window, k.negative, k.sg ? 1 : 0, k.alpha0, k.epochs, k.totalWords, k.seed >>> 0,
  ];
}

/** Runs the kernel in this thread (thread slot 0); returns the words processed. */
export function runWasmKernel(a: Word2VecArena, k: WasmKernelArgs): number {
  const train = new (api()!).Instance(a.module, { env: { memory: a.memory } }).exports.train as TrainFn;
  return train(...(trainArgs(a, k, 0) as Parameters<TrainFn>));
}

const WORKER_SOURCE = `
const { parentPort, workerData: d } = require('node:worker_threads');
const train = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports.train;
parentPort.postMessage(train(...d.args));
`;

/** Runs the kernel on a worker thread with scratch slot `thread`; resolves to the words processed. */
export function runWasmWorker(a: Word2VecArena, k: WasmKernelArgs, thread: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: a.module, memory: a.memory, args: trainArgs(a, k, thread) } });
    w.once('message', (n: number) => resolve(n));
    w.once('error', reject);
    w.once('exit', (code) => {
      if (code !== 0) reject(createError('INTERNAL', { problem: `word2vec worker exited with code ${code}` }));
    });
  });
}
