/**
 * @module The vector loops of L-BFGS over n-element f64 arrays, in TypeScript and in the WebAssembly SIMD twin
 * (assembly/lbfgs.ts). Large problems get their arrays inside one WebAssembly.Memory so the SIMD loops can run
 * on them (~2.5× the scalar loops on 10⁵–10⁶ parameters); small ones, or RESONATE_NO_WASM=1, use the TypeScript.
 */
import { LBFGS_WASM_BASE64, LBFGS_WASM_MAX_PAGES } from './lbfgs-wasm.generated.js';

export interface PairStats {
  sy: number;
  ss: number;
  yy: number;
  gInf: number;
}

/** Loops on arrays from the same `VectorSpace`. */
export interface VectorOps {
  dot(a: Float64Array, b: Float64Array): number;
  /** d ← (d + a·v)·scale; returns w·d (the new d), or 0 without w. */
  axpyDot(d: Float64Array, a: number, v: Float64Array, scale: number, w: Float64Array | null): number;
  /** out = x + t·d. */
  step(out: Float64Array, x: Float64Array, t: number, d: Float64Array): void;
  /** d = −g; returns w·d, or 0 without w. */
  negate(d: Float64Array, g: Float64Array, w: Float64Array | null): number;
  /** s = x_new − x, y = g_new − g, then x ← x_new, g ← g_new; returns sᵀy, sᵀs, yᵀy and max |g_new|. */
  advance(x: Float64Array, g: Float64Array, xNew: Float64Array, gNew: Float64Array, s: Float64Array, y: Float64Array): PairStats;
  infNorm(a: Float64Array): number;
}

export const jsVectorOps: VectorOps = {
  dot(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
    return s;
  },
  axpyDot(d, a, v, scale, w) {
    const n = d.length;
    if (!w) {
      for (let i = 0; i < n; i++) d[i] = (d[i]! + a * v[i]!) * scale;
      return 0;
    }
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const x = (d[i]! + a * v[i]!) * scale;
      d[i] = x;
      acc += w[i]! * x;
    }
    return acc;
  },
  step(out, x, t, d) {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! + t * d[i]!;
  },
  negate(d, g, w) {
    let acc = 0;
    for (let i = 0; i < d.length; i++) {
      const x = -g[i]!;
      d[i] = x;
      if (w) acc += w[i]! * x;
    }
    return acc;
  },
  advance(x, g, xNew, gNew, s, y) {
    let sy = 0, ss = 0, yy = 0, gInf = 0;
    for (let i = 0; i < x.length; i++) {
      const si = xNew[i]! - x[i]!, gi = gNew[i]!, yi = gi - g[i]!;
      s[i] = si;
      y[i] = yi;
      sy += si * yi;
      ss += si * si;
      yy += yi * yi;
      x[i] = xNew[i]!;
      g[i] = gi;
      const ag = gi < 0 ? -gi : gi;
      if (ag > gInf) gInf = ag;
    }
    return { sy, ss, yy, gInf };
  },
  infNorm(a) {
    let m = 0;
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]!);
      if (v > m) m = v;
    }
    return m;
  },
};

/** The slice of the WebAssembly API used here (lib ES2023 does not declare the namespace). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => { readonly buffer: ArrayBufferLike };
}

interface Exports {
  heapBase(): number;
  dot(a: number, b: number, n: number): number;
  axpyDot(d: number, a: number, v: number, scale: number, w: number, n: number): number;
  step(out: number, x: number, t: number, d: number, n: number): void;
  negate(d: number, g: number, w: number, n: number): number;
  advance(x: number, g: number, xNew: number, gNew: number, s: number, y: number, n: number, out: number): void;
  infNorm(a: number, n: number): number;
}

let compiled: object | null | undefined;

function kernelModule(): object | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (process.env.RESONATE_NO_WASM === '1' || !wa) return compiled;
  try {
    compiled = new wa.Module(new Uint8Array(Buffer.from(LBFGS_WASM_BASE64, 'base64')));
  } catch {
    compiled = null;
  }
  return compiled;
}

/** Below this many elements the arrays stay plain (the SIMD loops would not pay for the memory). */
export const WASM_MIN_ELEMENTS = 4096;

/**
 * `count` zeroed arrays of n f64 and the loops to run on them: in a WebAssembly memory with the SIMD loops when
 * n ≥ WASM_MIN_ELEMENTS and the kernel is available (or `backend` is 'wasm-simd'), else plain with the TypeScript.
 */
export function createVectorSpace(n: number, count: number, backend: 'auto' | 'wasm-simd' | 'js' = 'auto'): { vectors: Float64Array[]; ops: VectorOps; backend: 'wasm-simd' | 'js' } {
  const plain = { vectors: Array.from({ length: count }, () => new Float64Array(n)), ops: jsVectorOps, backend: 'js' as const };
  const module = backend === 'js' || (backend === 'auto' && n < WASM_MIN_ELEMENTS) ? null : kernelModule();
  const wa = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!module || !wa) return plain;
  const probe = new wa.Instance(module, { env: { memory: new wa.Memory({ initial: 1, maximum: 1, shared: true }) } }).exports as unknown as Exports;
  const stride = Math.ceil((8 * n) / 64) * 64;
  const base = Math.ceil((probe.heapBase() + 64) / 64) * 64; // 32 bytes for advance's results below base
  const pages = Math.ceil((base + count * stride) / 65536);
  if (pages > LBFGS_WASM_MAX_PAGES) return plain;
  const memory = new wa.Memory({ initial: pages, maximum: pages, shared: true });
  const ex = new wa.Instance(module, { env: { memory } }).exports as unknown as Exports;
  const statsAt = base - 32;
  const stats = new Float64Array(memory.buffer, statsAt, 4);
  const vectors = Array.from({ length: count }, (_, i) => new Float64Array(memory.buffer, base + i * stride, n));
  const at = (a: Float64Array | null): number => (a ? a.byteOffset : 0);
  const ops: VectorOps = {
    dot: (a, b) => ex.dot(a.byteOffset, b.byteOffset, n),
    axpyDot: (d, a, v, scale, w) => ex.axpyDot(d.byteOffset, a, v.byteOffset, scale, at(w), n),
    step: (out, x, t, d) => ex.step(out.byteOffset, x.byteOffset, t, d.byteOffset, n),
    negate: (d, g, w) => ex.negate(d.byteOffset, g.byteOffset, at(w), n),
    advance: (x, g, xNew, gNew, s, y) => {
      ex.advance(x.byteOffset, g.byteOffset, xNew.byteOffset, gNew.byteOffset, s.byteOffset, y.byteOffset, n, statsAt);
      return { sy: stats[0]!, ss: stats[1]!, yy: stats[2]!, gInf: stats[3]! };
    },
    infNorm: (a) => ex.infNorm(a.byteOffset, n),
  };
  return { vectors, ops, backend: 'wasm-simd' };
}
