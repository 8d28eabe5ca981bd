/**
 * @module Fused recurrent sequence ops (one autograd node per layer and direction) with hand-written
 * backpropagation through time; the input projection x·W_ihᵀ + b_ih is done beforehand as one big `linear`, and
 * each step runs one gemm forward (h·W_hhᵀ) and two backward (∂h_prev, ∂W_hh).
 *
 * Batch-first: xProj [B, T, G·H]. `lengths` mark padded sequences: a sample's state stops at its length, its
 * outputs past it are zero, and the reverse direction starts at its last valid step (as PyTorch's packed
 * sequences do). Gate equations and order follow PyTorch (GRU: r, z, n; LSTM: i, f, g, o).
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';
import { allocManagedF32, axpy, freeManagedF32, isWasmBacked, kernelsBackend } from '../../math/kernels.js';
import { gruBackwardStep, gruForwardStep, sumRowsInto, type GruStep } from '../../math/nn-kernels.js';
import { Tensor, onRelease, record, willRecord } from '../tensor.js';
import { fillRows } from './matmul.js';
import { sigmoidScalar } from './activation.js';

export interface SequenceOptions {
  /** Valid steps per sample (default: all T). */
  lengths?: ArrayLike<number>;
  /** Run from each sample's last valid step back to step 0. */
  reverse?: boolean;
  /** Initial hidden state [B, H] (default zeros). */
  h0?: Tensor;
}

interface Plan { B: number; T: number; H: number; lengths: Int32Array; reverse: boolean }

function plan(xProj: Tensor, wHh: Tensor, bHh: Tensor, gates: number, options: SequenceOptions, op: string): Plan {
  if (xProj.ndim !== 3) throw createError('SHAPE_MISMATCH', { op, problem: `xProj must be [B, T, ${gates}·H], got [${xProj.shape.join(', ')}]` });
  const [B, T, GH] = xProj.shape as [number, number, number];
  const H = GH / gates;
  if (!Number.isInteger(H) || wHh.shape[0] !== GH || wHh.shape[1] !== H || bHh.size !== GH) {
    throw createError('SHAPE_MISMATCH', { op, problem: `xProj [${xProj.shape.join(', ')}], W_hh [${wHh.shape.join(', ')}], b_hh [${bHh.shape.join(', ')}] disagree` });
  }
  if (options.h0 !== undefined && options.h0.size !== B * H) throw createError('SHAPE_MISMATCH', { op, problem: `h0 must be [${B}, ${H}]` });
  const lengths = new Int32Array(B).fill(T);
  if (options.lengths !== undefined) {
    if (options.lengths.length !== B) throw createError('SHAPE_MISMATCH', { op, problem: `${options.lengths.length} lengths for a batch of ${B}` });
    for (let b = 0; b < B; b++) {
      const L = options.lengths[b]!;
      if (!(Number.isInteger(L) && L >= 0 && L <= T)) throw createError('INVALID_INPUT', { field: `${op}.lengths[${b}]`, problem: `expected an integer in [0, ${T}], got ${L}` });
      lengths[b] = L;
    }
  }
  return { B, T, H, lengths, reverse: options.reverse ?? false };
}

/** Time index read by sample b at step s, or −1 past its length. */
function timeAt(p: Plan, b: number, s: number): number {
  const L = p.lengths[b]!;
  if (s >= L) return -1;
  return p.reverse ? L - 1 - s : s;
}

/**
 * GRU over a sequence (Cho et al. 2014, PyTorch form):
 * r = σ(x_r + W_hr h + b_hr), z = σ(x_z + W_hz h + b_hz), n = tanh(x_n + r ⊙ (W_hn h + b_hn)),
 * h' = (1 − z) ⊙ n + z ⊙ h. Returns the outputs [B, T, H].
 *
 * The gates of each step run as one SIMD kernel (src/math/nn-kernels.ts `gruForwardStep` / `gruBackwardStep`)
 * on state kept in WASM memory for the whole sequence (input projections, W_hh, hidden states, gates), so the
 * per-step gemms and kernels copy nothing; the state is freed when backward releases the graph.
 */
export function gruSequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, options: SequenceOptions = {}): Tensor {
  const p = plan(xProj, wHh, bHh, 3, options, 'gruSequence');
  const { B, T, H } = p;
  const H3 = 3 * H, BH = B * H;
  const keep = willRecord(xProj, wHh, bHh, ...(options.h0 ? [options.h0] : []));
  const out = new Tensor(new Float32Array(B * T * H), [B, T, H]);
  const X = residentCopy(xProj.data), W = residentCopy(wHh.data);
  const hs = allocManagedF32((T + 1) * BH);
  if (options.h0) hs.set(options.h0.data);
  const R = allocManagedF32(T * BH), Z = allocManagedF32(T * BH), N = allocManagedF32(T * BH), GHN = allocManagedF32(T * BH);
  const gh = allocManagedF32(B * H3), Y = allocManagedF32(B * T * H);
  const step: GruStep = { B, T, H, s: 0, lengths: p.lengths, reverse: p.reverse };
  const bh = bHh.data;
  for (let s = 0; s < T; s++) {
    const so = s * BH;
    const hPrev = hs.subarray(so, so + BH), hNext = hs.subarray(so + BH, so + 2 * BH);
    fillRows(gh, bh);
    gemm({ m: B, n: H3, k: H, a: hPrev, b: W, c: gh, transB: true, beta: 1 });
    step.s = s;
    gruForwardStep(X, gh, hPrev, hNext, Y, R.subarray(so, so + BH), Z.subarray(so, so + BH), N.subarray(so, so + BH), GHN.subarray(so, so + BH), step);
  }
  out.data.set(Y);
  freeManagedF32(gh);
  freeManagedF32(Y);
  const state = [hs, R, Z, N, GHN];
  if (X !== xProj.data) state.push(X);
  if (W !== wHh.data) state.push(W);
  const release = (): void => {
    for (const a of state) freeManagedF32(a);
  };
  if (!keep) {
    release();
    return out;
  }
  const parents = [xProj, wHh, bHh];
  if (options.h0) parents.push(options.h0);
  const h0 = options.h0;
  record(out, parents, () => {
    const G = residentCopy(out.grad!);
    const gXOut = xProj.requiresGrad ? xProj.ensureGrad() : null;
    // Accumulate ∂x in WASM memory (a temporary when the gradient buffer lives elsewhere).
    const gX = gXOut === null || isWasmBacked(gXOut) || kernelsBackend === 'js' ? gXOut : allocManagedF32(gXOut.length);
    const gW = wHh.requiresGrad ? wHh.ensureGrad() : null;
    const gB = bHh.requiresGrad ? bHh.ensureGrad() : null;
    let dh = allocManagedF32(BH), dhPrev = allocManagedF32(BH);
    const dGh = allocManagedF32(B * H3);
    for (let s = T - 1; s >= 0; s--) {
      const so = s * BH;
      const hPrev = hs.subarray(so, so + BH);
      step.s = s;
      gruBackwardStep(G, dh, dhPrev, dGh, gX, hPrev, R.subarray(so, so + BH), Z.subarray(so, so + BH), N.subarray(so, so + BH), GHN.subarray(so, so + BH), step);
      if (gW) gemm({ m: H3, n: H, k: B, a: dGh, transA: true, b: hPrev, c: gW, beta: 1 });
      if (gB) sumRowsInto(dGh, B, H3, gB);
      gemm({ m: B, n: H, k: H3, a: dGh, b: W, c: dhPrev, beta: 1 });
      const tmp = dh;
      dh = dhPrev;
      dhPrev = tmp;
    }
    if (h0 && h0.requiresGrad) axpy(1, dh, h0.ensureGrad());
    if (gX !== null && gX !== gXOut) {
      axpy(1, gX, gXOut!);
      freeManagedF32(gX);
    }
    if (G !== out.grad) freeManagedF32(G);
    for (const a of [dh, dhPrev, dGh]) freeManagedF32(a);
  });
  onRelease(out, release);
  return out;
}

/**
 * x itself when it lives in WASM memory (or there is no WASM), else a managed WASM copy: free it with
 * freeManagedF32 when done, and only when it is not x.
 */
function residentCopy(x: Float32Array): Float32Array {
  if (isWasmBacked(x) || kernelsBackend === 'js') return x;
  const c = allocManagedF32(x.length);
  c.set(x);
  return c;
}

/**
 * LSTM over a sequence (Hochreiter & Schmidhuber 1997, PyTorch form): i, f, o = σ(·), g = tanh(·) of
 * x_* + W_h* h + b_h*; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). Cell state starts at zero. Returns [B, T, H].
 */
export function lstmSequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, options: SequenceOptions = {}): Tensor {
  const p = plan(xProj, wHh, bHh, 4, options, 'lstmSequence');
  const { B, T, H } = p;
  const H4 = 4 * H, BH = B * H;
  const keep = willRecord(xProj, wHh, bHh, ...(options.h0 ? [options.h0] : []));
  const out = new Tensor(new Float32Array(B * T * H), [B, T, H]);
  const hs = new Float32Array((T + 1) * BH), cs = new Float32Array((T + 1) * BH);
  if (options.h0) hs.set(options.h0.data);
  // Activated gates per step, [T, B, 4H], and tanh(c).
  const A = new Float32Array(T * B * H4), TC = new Float32Array(T * BH);
  const gh = new Float32Array(B * H4);
  const X = xProj.data, Y = out.data, bh = bHh.data;
  for (let s = 0; s < T; s++) {
    const hPrev = hs.subarray(s * BH, (s + 1) * BH), hNext = hs.subarray((s + 1) * BH, (s + 2) * BH);
    const cPrev = cs.subarray(s * BH, (s + 1) * BH), cNext = cs.subarray((s + 1) * BH, (s + 2) * BH);
    for (let b = 0; b < B; b++) gh.set(bh, b * H4);
    gemm({ m: B, n: H4, k: H, a: hPrev, b: wHh.data, c: gh, transB: true, beta: 1 });
    for (let b = 0; b < B; b++) {
      const t = timeAt(p, b, s);
      const hb = b * H;
      if (t < 0) {
        for (let j = 0; j < H; j++) { hNext[hb + j] = hPrev[hb + j]!; cNext[hb + j] = cPrev[hb + j]!; }
        continue;
      }
      const xb = (b * T + t) * H4, gb = b * H4, ab = (s * B + b) * H4, yb = (b * T + t) * H;
      for (let j = 0; j < H; j++) {
        const i = sigmoidScalar(X[xb + j]! + gh[gb + j]!);
        const f = sigmoidScalar(X[xb + H + j]! + gh[gb + H + j]!);
        const g = Math.tanh(X[xb + 2 * H + j]! + gh[gb + 2 * H + j]!);
        const o = sigmoidScalar(X[xb + 3 * H + j]! + gh[gb + 3 * H + j]!);
        const c = f * cPrev[hb + j]! + i * g;
        const tc = Math.tanh(c);
        const h = o * tc;
        cNext[hb + j] = c;
        hNext[hb + j] = h;
        Y[yb + j] = h;
        A[ab + j] = i; A[ab + H + j] = f; A[ab + 2 * H + j] = g; A[ab + 3 * H + j] = o;
        TC[s * BH + hb + j] = tc;
      }
    }
  }
  if (!keep) return out;
  const parents = [xProj, wHh, bHh];
  if (options.h0) parents.push(options.h0);
  const h0 = options.h0;
  record(out, parents, () => {
    const G = out.grad!;
    const gX = xProj.requiresGrad ? xProj.ensureGrad() : null;
    const gW = wHh.requiresGrad ? wHh.ensureGrad() : null;
    const gB = bHh.requiresGrad ? bHh.ensureGrad() : null;
    let dh = new Float32Array(BH), dhPrev = new Float32Array(BH);
    const dc = new Float32Array(BH);
    const dGh = new Float32Array(B * H4);
    for (let s = T - 1; s >= 0; s--) {
      const hPrev = hs.subarray(s * BH, (s + 1) * BH), cPrev = cs.subarray(s * BH, (s + 1) * BH);
      for (let b = 0; b < B; b++) {
        const t = timeAt(p, b, s);
        const hb = b * H, gb = b * H4;
        if (t < 0) {
          for (let j = 0; j < H; j++) dhPrev[hb + j] = dh[hb + j]!;
          dGh.fill(0, gb, gb + H4);
          continue;
        }
        const yb = (b * T + t) * H, xb = (b * T + t) * H4, ab = (s * B + b) * H4;
        for (let j = 0; j < H; j++) {
          const d = dh[hb + j]! + G[yb + j]!;
          const i = A[ab + j]!, f = A[ab + H + j]!, g = A[ab + 2 * H + j]!, o = A[ab + 3 * H + j]!;
          const tc = TC[s * BH + hb + j]!;
          const dcv = dc[hb + j]! + d * o * (1 - tc * tc);
          const di = dcv * g * i * (1 - i);
          const df = dcv * cPrev[hb + j]! * f * (1 - f);
          const dg = dcv * i * (1 - g * g);
          const dO = d * tc * o * (1 - o);
          dc[hb + j] = dcv * f;
          dGh[gb + j] = di; dGh[gb + H + j] = df; dGh[gb + 2 * H + j] = dg; dGh[gb + 3 * H + j] = dO;
          dhPrev[hb + j] = 0;
          if (gX) {
            gX[xb + j] = gX[xb + j]! + di;
            gX[xb + H + j] = gX[xb + H + j]! + df;
            gX[xb + 2 * H + j] = gX[xb + 2 * H + j]! + dg;
            gX[xb + 3 * H + j] = gX[xb + 3 * H + j]! + dO;
          }
        }
      }
      if (gW) gemm({ m: H4, n: H, k: B, a: dGh, transA: true, b: hPrev, c: gW, beta: 1 });
      if (gB) for (let b = 0; b < B; b++) for (let j = 0; j < H4; j++) gB[j] = gB[j]! + dGh[b * H4 + j]!;
      gemm({ m: B, n: H, k: H4, a: dGh, b: wHh.data, c: dhPrev, beta: 1 });
      const tmp = dh;
      dh = dhPrev;
      dhPrev = tmp;
    }
    if (h0 && h0.requiresGrad) {
      const g0 = h0.ensureGrad();
      for (let i = 0; i < BH; i++) g0[i] = g0[i]! + dh[i]!;
    }
  });
  return out;
}
