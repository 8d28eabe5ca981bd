import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRng } from '../core/rng.js';
import { allocF32, freeF32, kernelsBackend } from './kernels.js';
import * as K from './nn-kernels.js';
import * as R from './nn-kernels.ref.js';

const rng = createRng(5);
/** Whether operands of the current pass live in WASM memory (used in place) or in ordinary arrays (staged). */
let resident = false;
const owned: Float32Array[] = [];

function arr(n: number, scale = 1): Float32Array {
  const x = resident ? allocF32(n) : new Float32Array(n);
  if (resident) owned.push(x);
  for (let i = 0; i < n; i++) x[i] = (rng.next() * 2 - 1) * scale;
  return x;
}
function copy(x: Float32Array): Float32Array {
  const y = resident ? allocF32(x.length) : new Float32Array(x.length);
  if (resident) owned.push(y);
  y.set(x);
  return y;
}
function plain(x: Float32Array): Float32Array {
  return Float32Array.from(x);
}
/** max |a − b| / (1 + |b|): absolute near zero, relative for large values. */
function err(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return d;
}

/** Lengths around the SIMD width and the WASM threshold, odd ones included. */
const LENGTHS = [1, 3, 5, 17, 63, 64, 65, 127, 333, 1001];
/** [rows, cols] including ragged rows. */
const SHAPES: Array<[number, number]> = [[1, 1], [3, 5], [7, 50], [16, 64], [9, 33], [40, 3], [5, 257]];

afterEach(() => {
  for (const x of owned.splice(0)) freeF32(x);
});

describe.each([false, true])('nn kernels against their TypeScript twins (resident operands: %s)', (isResident) => {
  it('elementwise activations and their gradients', () => {
    resident = isResident;
    for (const n of LENGTHS) {
      const x = arr(n, 4), g = arr(n), gx = arr(n);
      const out = arr(n), want = new Float32Array(n);
      K.reluForward(x, out);
      R.reluForwardRef(plain(x), want);
      expect(err(out, want), `relu ${n}`).toBe(0);
      K.geluForward(x, out);
      R.geluForwardRef(plain(x), want);
      expect(err(out, want), `gelu ${n}`).toBeLessThan(2e-6);
      const a = copy(gx), b = plain(gx);
      K.reluBackward(x, g, a);
      R.reluBackwardRef(plain(x), plain(g), b);
      expect(err(a, b), `relu' ${n}`).toBe(0);
      K.geluBackward(x, g, a);
      R.geluBackwardRef(plain(x), plain(g), b);
      expect(err(a, b), `gelu' ${n}`).toBeLessThan(2e-6);
      K.mulAccumulate(g, x, a);
      R.mulAccumulateRef(plain(g), plain(x), b);
      expect(err(a, b), `mulAccumulate ${n}`).toBeLessThan(1e-6);
      const wide = arr(n, 30);
      K.expForward(wide, out);
      R.expForwardRef(plain(wide), want);
      expect(err(out, want) / Math.max(1, ...Array.from(want, Math.abs)), `exp ${n}`).toBeLessThan(1e-6);
      for (const [fwd, fwdRef, bwd, bwdRef, name] of [
        [K.sigmoidForward, R.sigmoidForwardRef, K.sigmoidBackward, R.sigmoidBackwardRef, 'sigmoid'],
        [K.tanhForward, R.tanhForwardRef, K.tanhBackward, R.tanhBackwardRef, 'tanh'],
      ] as const) {
        fwd(wide, out);
        fwdRef(plain(wide), want);
        expect(err(out, want), `${name} ${n}`).toBeLessThan(1e-6);
        bwd(want, g, a);
        bwdRef(want, plain(g), b);
        expect(err(a, b), `${name}' ${n}`).toBeLessThan(1e-6);
      }
    }
  });

  it('dropout keeps the same elements as the reference stream, forward and backward', () => {
    resident = isResident;
    for (const n of LENGTHS) {
      for (const p of [0.1, 0.5]) {
        const x = arr(n), out = arr(n), want = new Float32Array(n), seed = rng.uint32() | 1;
        K.dropoutForward(x, out, seed, p);
        R.dropoutForwardRef(plain(x), want, seed, p);
        expect(err(out, want), `dropout ${n} ${p}`).toBe(0);
        const g = arr(n), a = arr(n), b = plain(a);
        K.dropoutBackward(g, a, seed, p);
        R.dropoutBackwardRef(plain(g), b, seed, p);
        expect(err(a, b), `dropout' ${n} ${p}`).toBe(0);
      }
    }
    // The stream drops about p of the values.
    const n = 10000, x = new Float32Array(n).fill(1), out = new Float32Array(n);
    K.dropoutForward(x, out, 12345, 0.3);
    const dropped = out.filter((v) => v === 0).length;
    expect(dropped / n).toBeGreaterThan(0.28);
    expect(dropped / n).toBeLessThan(0.32);
    expect(out.find((v) => v !== 0)).toBeCloseTo(1 / 0.7, 6);
  });

  it('tanh keeps its relative precision near zero, and exp / sigmoid saturate cleanly', () => {
    const x = Float32Array.of(1e-6, -3e-4, 0.5, 0.7, -20, 20, -100, 100);
    const long = Float32Array.from({ length: 64 }, (_, i) => x[i % 8]!), out = new Float32Array(64);
    K.tanhForward(long, out);
    for (let i = 0; i < 8; i++) expect(Math.abs(out[i]! - Math.tanh(x[i]!)) / Math.abs(Math.tanh(x[i]!))).toBeLessThan(3e-7);
    K.expForward(Float32Array.from({ length: 64 }, (_, i) => [-1e9, -88, 0, 88.5][i % 4]!), out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeLessThan(1e-37); // exactly 0 from the WASM kernel (flushed below −87.3), subnormal in the twin
    expect(out[2]).toBe(1);
    expect(Number.isFinite(out[3]!)).toBe(true);
    K.sigmoidForward(long, out);
    expect(out[6]).toBeLessThan(1e-30);
    expect(out[7]).toBe(1);
  });

  it('softmax and log-softmax over rows, forward and backward', () => {
    resident = isResident;
    for (const [rows, cols] of SHAPES) {
      const n = rows * cols, x = arr(n, 8), g = arr(n);
      const y = arr(n), want = new Float32Array(n);
      K.softmaxForward(x, y, rows, cols);
      R.softmaxForwardRef(plain(x), want, rows, cols);
      expect(err(y, want), `softmax ${rows}×${cols}`).toBeLessThan(1e-6);
      const a = arr(n), b = plain(a);
      K.softmaxBackward(want, g, a, rows, cols);
      R.softmaxBackwardRef(want, plain(g), b, rows, cols);
      expect(err(a, b), `softmax' ${rows}×${cols}`).toBeLessThan(1e-6);
      K.logSoftmaxForward(x, y, rows, cols);
      R.logSoftmaxForwardRef(plain(x), want, rows, cols);
      expect(err(y, want), `logSoftmax ${rows}×${cols}`).toBeLessThan(1e-6);
      K.logSoftmaxBackward(want, g, a, rows, cols);
      R.logSoftmaxBackwardRef(want, plain(g), b, rows, cols);
      expect(err(a, b), `logSoftmax' ${rows}×${cols}`).toBeLessThan(2e-6);
    }
    // Masked scores (−1e9) get exactly zero weight; a row of equal scores is uniform.
    const x = Float32Array.of(0, -1e9, 0, -1e9, 3, 3, 3, 3), y = new Float32Array(8);
    K.softmaxForward(x, y, 2, 4);
    expect(Array.from(y)).toEqual([0.5, 0, 0.5, 0, 0.25, 0.25, 0.25, 0.25]);
  });

  it('layer norm with and without γ / β, forward and backward', () => {
    resident = isResident;
    for (const [rows, n] of SHAPES) {
      for (const affine of [true, false]) {
        const x = arr(rows * n, 3), gamma = affine ? arr(n) : null, beta = affine ? arr(n) : null;
        const out = arr(rows * n), xhat = arr(rows * n), rstd = arr(rows);
        const wOut = new Float32Array(rows * n), wHat = new Float32Array(rows * n), wR = new Float32Array(rows);
        K.layerNormForward(x, gamma, beta, out, xhat, rstd, rows, n, 1e-5);
        R.layerNormForwardRef(plain(x), gamma && plain(gamma), beta && plain(beta), wOut, wHat, wR, rows, n, 1e-5);
        expect(err(out, wOut), `layerNorm ${rows}×${n}`).toBeLessThan(2e-5);
        expect(err(rstd, wR), `rstd ${rows}×${n}`).toBeLessThan(2e-5);
        const g = arr(rows * n), gx = arr(rows * n), gg = arr(n), gb = arr(n);
        const [ex, eg, eb] = [plain(gx), plain(gg), plain(gb)];
        K.layerNormBackward(g, wHat, wR, gamma, gx, affine ? gg : null, affine ? gb : null, rows, n);
        R.layerNormBackwardRef(plain(g), wHat, wR, gamma && plain(gamma), ex, affine ? eg : null, affine ? eb : null, rows, n);
        expect(err(gx, ex), `layerNorm' ${rows}×${n}`).toBeLessThan(1e-5);
        expect(err(gg, eg), `dγ ${rows}×${n}`).toBeLessThan(1e-5);
        expect(err(gb, eb), `dβ ${rows}×${n}`).toBeLessThan(1e-5);
      }
    }
    // A hand case: the row (1, 2, 3) normalises to (−√1.5, 0, √1.5) (population variance 2/3).
    const out = new Float32Array(3), xhat = new Float32Array(3), rstd = new Float32Array(1);
    K.layerNormForward(Float32Array.of(1, 2, 3), null, null, out, xhat, rstd, 1, 3, 0);
    expect(out[0]).toBeCloseTo(-Math.sqrt(1.5), 5);
    expect(out[2]).toBeCloseTo(Math.sqrt(1.5), 5);
  });

  it('Adam and AdamW steps', () => {
    resident = isResident;
    for (const n of LENGTHS) {
      for (const [l2, decay] of [[0, 1], [0.01, 1], [0, 1 - 1e-3 * 0.01]] as const) {
        const w = arr(n), grad = arr(n), m = arr(n, 0.1), v = arr(n, 0.1);
        for (let i = 0; i < n; i++) v[i] = Math.abs(v[i]!);
        const [ew, em, ev] = [plain(w), plain(m), plain(v)];
        const args: K.AdamStepArgs = { b1: 0.9, b2: 0.999, stepSize: 1e-3 / (1 - 0.9 ** 3), rc2: 1 / Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, l2, decay };
        K.adamStep(w, grad, m, v, args);
        R.adamStepRef(ew, plain(grad), em, ev, args);
        expect(err(w, ew), `adam w ${n}`).toBeLessThan(1e-6);
        expect(err(m, em), `adam m ${n}`).toBeLessThan(1e-6);
        expect(err(v, ev), `adam v ${n}`).toBeLessThan(1e-6);
      }
    }
  });

  it('bias gradients, im2col / col2im and max pooling over time', () => {
    resident = isResident;
    for (const [rows, cols] of SHAPES) {
      const G = arr(rows * cols), gb = arr(cols), want = plain(gb);
      K.sumRowsInto(G, rows, cols, gb);
      R.sumRowsIntoRef(plain(G), rows, cols, want);
      expect(err(gb, want), `sumRows ${rows}×${cols}`).toBeLessThan(1e-6);
    }
    for (const [B, T, Cin, Kk, pad] of [[2, 9, 5, 3, 0], [3, 7, 8, 4, 2], [1, 5, 3, 5, 1], [4, 50, 13, 3, 1]]) {
      const s: K.Conv1dShape = { B: B!, T: T!, Cin: Cin!, K: Kk!, pad: pad!, Tout: T! + 2 * pad! - Kk! + 1 };
      const x = arr(B! * T! * Cin!), cols = arr(B! * s.Tout * Kk! * Cin!), want = new Float32Array(cols.length);
      K.im2col(x, cols, s);
      R.im2colRef(plain(x), want, s);
      expect(err(cols, want), 'im2col').toBe(0);
      const gx = arr(x.length), e = plain(gx);
      K.col2im(want, gx, s);
      R.col2imRef(want, e, s);
      expect(err(gx, e), 'col2im').toBeLessThan(1e-6);
    }
    for (const [B, T, C] of [[2, 5, 3], [3, 48, 100], [1, 1, 7], [4, 9, 33]] as const) {
      for (const lengths of [null, Int32Array.from({ length: B }, (_, b) => 1 + ((b * 7) % T))]) {
        const x = arr(B * T * C), out = arr(B * C), arg = new Int32Array(B * C);
        const wOut = new Float32Array(B * C), wArg = new Int32Array(B * C);
        K.maxPoolTimeForward(x, out, arg, B, T, C, lengths);
        R.maxPoolTimeForwardRef(plain(x), wOut, wArg, B, T, C, lengths);
        expect(err(out, wOut), `maxPool [${B}, ${T}, ${C}]`).toBe(0);
        expect(Array.from(arg)).toEqual(Array.from(wArg));
      }
    }
  });

  it('embedding gather and scatter-add, with a padding id and repeated ids', () => {
    resident = isResident;
    for (const [V, D, n] of [[7, 3, 5], [50, 16, 40], [20, 33, 9]] as const) {
      const W = arr(V * D), ids = Int32Array.from({ length: n }, (_, i) => (i * 5) % V);
      ids[1] = ids[0]!;
      const pad = ids[2]!;
      const out = arr(n * D), want = new Float32Array(n * D);
      K.embeddingForward(ids, W, out, D, pad);
      R.embeddingForwardRef(ids, plain(W), want, D, pad);
      expect(err(out, want), `gather ${V}×${D}`).toBe(0);
      expect(out.subarray(2 * D, 3 * D).every((v) => v === 0)).toBe(true);
      const g = arr(n * D), gW = arr(V * D), e = plain(gW);
      K.embeddingBackward(ids, g, gW, D, pad);
      R.embeddingBackwardRef(ids, plain(g), e, D, pad);
      expect(err(gW, e), `scatter ${V}×${D}`).toBe(0);
    }
  });

  it('GRU steps with ragged lengths, both directions, forward and backward', () => {
    resident = isResident;
    for (const [B, T, H] of [[3, 4, 5], [4, 6, 16], [2, 3, 33]] as const) {
      for (const reverse of [false, true]) {
        for (const s of [0, 2]) {
          const p: K.GruStep = { B, T, H, s, lengths: Int32Array.from({ length: B }, (_, b) => [T, 2, 1, T][b % 4]!), reverse };
          const X = arr(B * T * 3 * H, 2), gh = arr(B * 3 * H, 2), hPrev = arr(B * H);
          const got = [arr(B * H), arr(B * T * H), arr(B * H), arr(B * H), arr(B * H), arr(B * H)] as const;
          const want = got.map((x) => plain(x));
          K.gruForwardStep(X, gh, hPrev, got[0], got[1], got[2], got[3], got[4], got[5], p);
          R.gruForwardStepRef(plain(X), plain(gh), plain(hPrev), want[0]!, want[1]!, want[2]!, want[3]!, want[4]!, want[5]!, p);
          got.forEach((x, i) => expect(err(x, want[i]!), `GRU step ${i} [${B}, ${T}, ${H}] s ${s} reverse ${reverse}`).toBeLessThan(1e-6));
          const G = arr(B * T * H), dh = arr(B * H), gX = arr(B * T * 3 * H);
          const dhPrev = arr(B * H), dGh = arr(B * 3 * H), eX = plain(gX), eP = new Float32Array(B * H), eG = new Float32Array(B * 3 * H);
          K.gruBackwardStep(G, dh, dhPrev, dGh, gX, hPrev, want[2]!, want[3]!, want[4]!, want[5]!, p);
          R.gruBackwardStepRef(plain(G), plain(dh), eP, eG, eX, plain(hPrev), want[2]!, want[3]!, want[4]!, want[5]!, p);
          expect(err(dhPrev, eP), 'GRU dhPrev').toBeLessThan(1e-6);
          expect(err(dGh, eG), 'GRU dGh').toBeLessThan(1e-6);
          expect(err(gX, eX), 'GRU gX').toBeLessThan(1e-6);
        }
      }
    }
  });

  it('LSTM steps with ragged lengths, both directions, forward and backward', () => {
    resident = isResident;
    for (const [B, T, H] of [[3, 4, 5], [4, 6, 16], [2, 3, 33]] as const) {
      for (const reverse of [false, true]) {
        for (const s of [0, 2]) {
          const p: K.GruStep = { B, T, H, s, lengths: Int32Array.from({ length: B }, (_, b) => [T, 2, 1, T][b % 4]!), reverse };
          const X = arr(B * T * 4 * H, 2), gh = arr(B * 4 * H, 2), hPrev = arr(B * H), cPrev = arr(B * H, 2);
          const got = [arr(B * H), arr(B * H), arr(B * T * H), arr(B * 4 * H), arr(B * H)] as const;
          const want = got.map((x) => plain(x));
          K.lstmForwardStep(X, gh, hPrev, cPrev, got[0], got[1], got[2], got[3], got[4], p);
          R.lstmForwardStepRef(plain(X), plain(gh), plain(hPrev), plain(cPrev), want[0]!, want[1]!, want[2]!, want[3]!, want[4]!, p);
          got.forEach((x, i) => expect(err(x, want[i]!), `LSTM step ${i} [${B}, ${T}, ${H}] s ${s} reverse ${reverse}`).toBeLessThan(1e-6));
          const G = arr(B * T * H), dh = arr(B * H), dc = arr(B * H), gX = arr(B * T * 4 * H);
          const dhPrev = arr(B * H), dGh = arr(B * 4 * H);
          const eC = plain(dc), eX = plain(gX), eP = new Float32Array(B * H), eG = new Float32Array(B * 4 * H);
          K.lstmBackwardStep(G, dh, dc, dhPrev, dGh, gX, cPrev, want[3]!, want[4]!, p);
          R.lstmBackwardStepRef(plain(G), plain(dh), eC, eP, eG, eX, plain(cPrev), want[3]!, want[4]!, p);
          expect(err(dc, eC), 'LSTM dc').toBeLessThan(1e-6);
          expect(err(dhPrev, eP), 'LSTM dhPrev').toBeLessThan(1e-6);
          expect(err(dGh, eG), 'LSTM dGh').toBeLessThan(1e-6);
          expect(err(gX, eX), 'LSTM gX').toBeLessThan(1e-6);
        }
      }
    }
  });

  it('fused self-attention, with and without mask and dropout, forward and backward', () => {
    resident = isResident;
    for (const [B, T, D, heads] of [[2, 5, 8, 2], [3, 13, 12, 3], [1, 50, 64, 2], [2, 7, 6, 1]] as const) {
      for (const [masked, p] of [[false, 0], [true, 0], [true, 0.2]] as const) {
        const s: K.AttentionShape = { B, T, D, heads, alpha: 1 / Math.sqrt(D / heads), p, seed: rng.uint32() | 1 };
        const mask = masked ? Uint8Array.from({ length: B * T * T }, (_, i) => +((i % T) > Math.floor(i / T) % T)) : null;
        const qkv = arr(B * T * 3 * D), out = arr(B * T * D), P = arr(B * heads * T * T);
        const wOut = new Float32Array(out.length), wP = new Float32Array(P.length);
        K.attentionForward(qkv, out, P, s, mask, -1e9);
        R.attentionForwardRef(plain(qkv), wOut, wP, s, mask, -1e9);
        expect(err(out, wOut), `attention [${B}, ${T}, ${D}] ×${heads} mask ${masked} p ${p}`).toBeLessThan(1e-5);
        expect(err(P, wP), 'attention P').toBeLessThan(1e-5);
        const G = arr(out.length), gX = arr(qkv.length), e = plain(gX);
        K.attentionBackward(qkv, G, gX, wP, s);
        R.attentionBackwardRef(plain(qkv), plain(G), e, wP, s);
        expect(err(gX, e), `attention' [${B}, ${T}, ${D}] ×${heads} mask ${masked} p ${p}`).toBeLessThan(1e-5);
      }
    }
  });
});

describe('nn kernels without WASM', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('RESONATE_NO_WASM=1 runs the TypeScript twins with the same results', async () => {
    vi.stubEnv('RESONATE_NO_WASM', '1');
    vi.resetModules();
    const fallback = await import('./nn-kernels.js');
    expect(fallback.nnKernelsUseWasm(1 << 20)).toBe(false);
    const rows = 6, cols = 70, x = arr(rows * cols, 5);
    const y = new Float32Array(x.length), want = new Float32Array(x.length);
    fallback.softmaxForward(x, y, rows, cols);
    R.softmaxForwardRef(x, want, rows, cols);
    expect(err(y, want)).toBe(0);
    fallback.dropoutForward(x, y, 77, 0.5);
    K.dropoutForward(x, want, 77, 0.5);
    expect(err(y, want)).toBe(0);
  });

  it('the WASM path is taken from MIN_WASM_LENGTH elements when the kernels are loaded', () => {
    expect(K.nnKernelsUseWasm(K.MIN_WASM_LENGTH)).toBe(kernelsBackend === 'wasm-simd');
    expect(K.nnKernelsUseWasm(K.MIN_WASM_LENGTH - 1)).toBe(false);
  });
});
