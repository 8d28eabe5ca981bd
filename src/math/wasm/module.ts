/**
 * @module Loads the SIMD kernels synchronously at import: one shared WebAssembly.Memory, one instance, one heap.
 *
 * `wasmKernels` is null when WebAssembly SIMD or shared memory is unavailable, or when the environment sets
 * `RESONATE_NO_WASM=1` (which forces the pure TypeScript fallback so that path is tested too).
 */
import { createWasmHeap, type WasmHeap } from './heap.js';
import { KERNELS_WASM_BASE64, KERNELS_WASM_MAX_PAGES } from './kernels.generated.js';
import { wasmApi, type WasmMemory, type WasmModule } from './webassembly.js';

/** The functions assembly/kernels.ts exports; pointers are byte offsets, lengths count floats. */
export interface KernelExports {
  gemm(
    transA: number, transB: number, m: number, n: number, k: number, alpha: number,
    a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, scratch: number,
  ): void;
  gemv(trans: number, rows: number, cols: number, alpha: number, a: number, lda: number, x: number, beta: number, y: number): void;
  gemmScratchFloats(): number;
  heapBase(): number;
  add(x: number, y: number, out: number, n: number): void;
  sub(x: number, y: number, out: number, n: number): void;
  mul(x: number, y: number, out: number, n: number): void;
  mulAdd(x: number, y: number, z: number, out: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  scale(alpha: number, x: number, out: number, n: number): void;
  sum(x: number, n: number): number;
  dot(x: number, y: number, n: number): number;
  sumSquares(x: number, n: number): number;
  max(x: number, n: number): number;
  // Deep-learning op kernels (assembly/nn.ts); see src/math/nn-kernels.ts for their contracts.
  expInto(x: number, out: number, n: number): void;
  reluForward(x: number, out: number, n: number): void;
  reluBackward(x: number, g: number, gx: number, n: number): void;
  geluForward(x: number, out: number, n: number): void;
  geluBackward(x: number, g: number, gx: number, n: number): void;
  mulAccumulate(g: number, y: number, gx: number, n: number): void;
  sigmoidForward(x: number, out: number, n: number): void;
  tanhForward(x: number, out: number, n: number): void;
  sigmoidBackward(y: number, g: number, gx: number, n: number): void;
  tanhBackward(y: number, g: number, gx: number, n: number): void;
  sumRowsInto(G: number, rows: number, cols: number, gb: number): void;
  dropoutForward(x: number, out: number, n: number, seed: number, threshold: number, keep: number): void;
  dropoutBackward(g: number, gx: number, n: number, seed: number, threshold: number, keep: number): void;
  softmaxForward(x: number, y: number, rows: number, cols: number): void;
  softmaxBackward(y: number, g: number, gx: number, rows: number, cols: number): void;
  logSoftmaxForward(x: number, y: number, rows: number, cols: number, work: number): void;
  logSoftmaxBackward(y: number, g: number, gx: number, rows: number, cols: number): void;
  layerNormForward(x: number, gamma: number, beta: number, out: number, xhat: number, rstd: number, rows: number, n: number, eps: number): void;
  layerNormBackward(g: number, xhat: number, rstd: number, gamma: number, gx: number, gg: number, gb: number, rows: number, n: number): void;
  adamStep(w: number, grad: number, m: number, v: number, n: number, b1: number, b2: number, stepSize: number, rc2: number, eps: number, l2: number, decay: number): void;
  im2col(x: number, cols: number, B: number, T: number, Cin: number, K: number, pad: number, Tout: number): void;
  col2im(dcols: number, gx: number, B: number, T: number, Cin: number, K: number, pad: number, Tout: number): void;
  maxPoolTimeForward(x: number, out: number, arg: number, B: number, T: number, C: number, lengths: number): void;
  embeddingForward(ids: number, W: number, out: number, n: number, D: number, pad: number): void;
  embeddingBackward(ids: number, g: number, gW: number, n: number, D: number, pad: number): void;
  gruForwardStep(
    X: number, gh: number, hPrev: number, hNext: number, Y: number, R: number, Z: number, N: number, GHN: number,
    B: number, T: number, H: number, s: number, lengths: number, reverse: number,
  ): void;
  gruBackwardStep(
    G: number, dh: number, dhPrev: number, dGh: number, gX: number, hPrev: number, R: number, Z: number, N: number, GHN: number,
    B: number, T: number, H: number, s: number, lengths: number, reverse: number,
  ): void;
  lstmForwardStep(
    X: number, gh: number, hPrev: number, cPrev: number, hNext: number, cNext: number, Y: number, A: number, TC: number,
    B: number, T: number, H: number, s: number, lengths: number, reverse: number,
  ): void;
  lstmBackwardStep(
    G: number, dh: number, dc: number, dhPrev: number, dGh: number, gX: number, cPrev: number, A: number, TC: number,
    B: number, T: number, H: number, s: number, lengths: number, reverse: number,
  ): void;
  attentionForward(
    qkv: number, out: number, P: number, B: number, T: number, D: number, heads: number, alpha: number, mask: number,
    maskValue: number, seed: number, threshold: number, keep: number, work: number, scratch: number,
  ): void;
  attentionBackward(
    qkv: number, G: number, gX: number, P: number, B: number, T: number, D: number, heads: number, alpha: number,
    seed: number, threshold: number, keep: number, work: number, scratch: number,
  ): void;
}

export interface WasmKernels {
  /** The compiled module: workers instantiate it again on the same memory. */
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: KernelExports;
  readonly heap: WasmHeap;
}

/** Why the kernels are not in use, or null when they are. */
export let wasmUnavailableReason: string | null = null;

/** The decoded module bytes (also used by the build check and tests). */
export function kernelBytes(): Uint8Array {
  return new Uint8Array(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
}

/** Instantiates the kernels on a fresh shared memory; throws when the runtime lacks SIMD or shared memory. */
export function instantiateKernels(): WasmKernels {
  // Compiling validates every instruction, so a runtime without SIMD (or threads) fails right here.
  if (wasmApi === undefined) throw new Error('this runtime has no WebAssembly');
  const module = new wasmApi.Module(kernelBytes());
  const memory = new wasmApi.Memory({ initial: 1, maximum: KERNELS_WASM_MAX_PAGES, shared: true });
  const instance = new wasmApi.Instance(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  return { module, memory, exports, heap: createWasmHeap(memory, exports.heapBase()) };
}

function load(): WasmKernels | null {
  if (process.env.RESONATE_NO_WASM === '1') {
    wasmUnavailableReason = 'disabled by RESONATE_NO_WASM=1';
    return null;
  }
  try {
    return instantiateKernels();
  } catch (err) {
    wasmUnavailableReason = `WebAssembly SIMD kernels unavailable: ${err instanceof Error ? err.message : String(err)}`;
    return null;
  }
}

/** The process-wide kernels, or null when running on the TypeScript fallback. */
export const wasmKernels: WasmKernels | null = load();
