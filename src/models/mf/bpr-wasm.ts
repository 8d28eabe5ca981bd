/**
 * @module Runs batches of BPR SGD steps in the SIMD kernel of bpr-sgd.as.ts: the factor matrices and biases live
 * in one WebAssembly.Memory for the whole fit, each epoch's sampled triples are copied in, and the results are
 * copied out at the end. RESONATE_NO_WASM=1 (or a runtime without WebAssembly SIMD) leaves the TypeScript loop.
 */
import { BPR_WASM_BASE64, BPR_WASM_MAX_PAGES } from './bpr-sgd.generated.js';

/** The slice of the WebAssembly API used here (lib ES2023 does not declare the namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
}

type BprSteps = (p: number, q: number, b: number, f: number, users: number, pos: number, neg: number, n: number, lr: number, reg: number) => void;

let compiled: object | null | undefined;

function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  compiled = null;
  if (process.env.RESONATE_NO_WASM === '1' || !api) return null;
  try {
    compiled = new api.Module(new Uint8Array(Buffer.from(BPR_WASM_BASE64, 'base64')));
  } catch {
    compiled = null; // no SIMD in this runtime: the TypeScript loop runs instead
  }
  return compiled;
}

/** SGD state in WebAssembly memory: views over the factors and biases, and buffers for one batch of triples. */
export interface BprWasmState {
  /** users × f, items × f, items (views into the memory; read them after the last batch). */
  readonly p: Float32Array;
  readonly q: Float32Array;
  readonly b: Float32Array;
  /** Triple buffers of `capacity` entries: fill the first n, then call `run(n, …)`. */
  readonly users: Int32Array;
  readonly pos: Int32Array;
  readonly neg: Int32Array;
  run(n: number, lr: number, reg: number, bias: boolean): void;
}

/**
 * Copies p, q, b into a fresh WebAssembly memory with triple buffers of `capacity`; undefined when the kernel
 * cannot run here or the arrays exceed 2 GiB.
 */
export function bprWasmState(p: Float32Array, q: Float32Array, b: Float32Array, f: number, capacity: number): BprWasmState | undefined {
  const module = kernelModule();
  if (!module) return undefined;
  const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  // The kernel's static data (exp's lookup table) ends at heapBase; the arrays follow, 16-byte aligned. The layout
  // is planned on a probe instance with a one-page memory, then the real memory is sized to fit.
  const probe = new api.Instance(module, { env: { memory: new api.Memory({ initial: 1, maximum: 1 }) } });
  let top = Math.ceil((probe.exports.heapBase as () => number)() / 16) * 16;
  const take = (values: number): number => { const at = top; top += Math.ceil((values * 4) / 16) * 16; return at; };
  const at = { p: take(p.length), q: take(q.length), b: take(b.length), users: take(capacity), pos: take(capacity), neg: take(capacity) };
  const pages = Math.ceil(top / 65536);
  if (pages > BPR_WASM_MAX_PAGES) return undefined;
  const memory = new api.Memory({ initial: pages, maximum: pages });
  const steps = new api.Instance(module, { env: { memory } }).exports.bprSteps as BprSteps;
  const buf = memory.buffer;
  const state = {
    p: new Float32Array(buf, at.p, p.length),
    q: new Float32Array(buf, at.q, q.length),
    b: new Float32Array(buf, at.b, b.length),
    users: new Int32Array(buf, at.users, capacity),
    pos: new Int32Array(buf, at.pos, capacity),
    neg: new Int32Array(buf, at.neg, capacity),
    run: (n: number, lr: number, reg: number, bias: boolean): void => steps(at.p, at.q, bias ? at.b : 0, f, at.users, at.pos, at.neg, n, lr, reg),
  };
  state.p.set(p);
  state.q.set(q);
  state.b.set(b);
  return state;
}

/** 'wasm-simd' when fits run the SIMD kernel, else 'js'. */
export function bprBackend(): 'wasm-simd' | 'js' {
  return kernelModule() ? 'wasm-simd' : 'js';
}
