/**
 * @module Fused recurrent sequence ops (one autograd node per layer and direction) with hand-written
 * backpropagation through time; the input projection x·W_ihᵀ + b_ih is done beforehand as one big `linear`, and
 * each step runs one gemm forward (h·W_hhᵀ) and two backward (∂h_prev, ∂W_hh).
 *
 * The gates of each step are SIMD kernels (src/math/nn-kernels.ts) over sequence state kept in WASM memory.
 *
 * Batch-first: xProj [B, T, G·H]. `lengths` mark padded sequences: a sample's state stops at its length, its
 * outputs past it are zero, and the reverse direction starts at its last valid step (as PyTorch's packed
 * sequences do). Gate equations and order follow PyTorch (GRU: r, z, n; LSTM: i, f, g, o).
 */
import { createError } from '../../core/errors.js';
import { gemm } from '../../math/gemm.js';
import { allocManagedF32, axpy, freeManagedF32, isWasmBacked, kernelsBackend } from '../../math/kernels.js';
import { gruBackwardStep, gruForwardStep, lstmBackwardStep, lstmForwardStep, sumRowsInto, type GruStep } from '../../math/nn-kernels.js';
import { Tensor, onRelease, record, willRecord } from '../tensor.js';
import { fillRows } from './matmul.js';

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
 * Runs like `gruSequence`: SIMD step kernels on WASM-resident sequence state.
 */
export function lstmSequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, options: SequenceOptions = {}): Tensor {
  const p = plan(xProj, wHh, bHh, 4, options, 'lstmSequence');
  const { B, T, H } = p;
  const H4 = 4 * H, BH = B * H;
  const keep = willRecord(xProj, wHh, bHh, ...(options.h0 ? [options.h0] : []));
  const out = new Tensor(new Float32Array(B * T * H), [B, T, H]);
  const X = residentCopy(xProj.data), W = residentCopy(wHh.data);
  const hs = allocManagedF32((T + 1) * BH), cs = allocManagedF32((T + 1) * BH);
  if (options.h0) hs.set(options.h0.data);
  // Activated gates per step, [T, B, 4H], and tanh(c).
  const A = allocManagedF32(T * B * H4), TC = allocManagedF32(T * BH);
  const gh = allocManagedF32(B * H4), Y = allocManagedF32(B * T * H);
  const step: GruStep = { B, T, H, s: 0, lengths: p.lengths, reverse: p.reverse };
  const bh = bHh.data;
  for (let s = 0; s < T; s++) {
    const so = s * BH;
    const hPrev = hs.subarray(so, so + BH), hNext = hs.subarray(so + BH, so + 2 * BH);
    const cPrev = cs.subarray(so, so + BH), cNext = cs.subarray(so + BH, so + 2 * BH);
    fillRows(gh, bh);
    gemm({ m: B, n: H4, k: H, a: hPrev, b: W, c: gh, transB: true, beta: 1 });
    step.s = s;
    lstmForwardStep(X, gh, hPrev, cPrev, hNext, cNext, Y, A.subarray(4 * so, 4 * (so + BH)), TC.subarray(so, so + BH), step);
  }
  out.data.set(Y);
  freeManagedF32(gh);
  freeManagedF32(Y);
  const state = [hs, cs, A, TC];
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
    const gX = gXOut === null || isWasmBacked(gXOut) || kernelsBackend === 'js' ? gXOut : allocManagedF32(gXOut.length);
    const gW = wHh.requiresGrad ? wHh.ensureGrad() : null;
    const gB = bHh.requiresGrad ? bHh.ensureGrad() : null;
    let dh = allocManagedF32(BH), dhPrev = allocManagedF32(BH);
    const dc = allocManagedF32(BH), dGh = allocManagedF32(B * H4);
    for (let s = T - 1; s >= 0; s--) {
      const so = s * BH;
      const hPrev = hs.subarray(so, so + BH), cPrev = cs.subarray(so, so + BH);
      step.s = s;
      lstmBackwardStep(G, dh, dc, dhPrev, dGh, gX, cPrev, A.subarray(4 * so, 4 * (so + BH)), TC.subarray(so, so + BH), step);
      if (gW) gemm({ m: H4, n: H, k: B, a: dGh, transA: true, b: hPrev, c: gW, beta: 1 });
      if (gB) sumRowsInto(dGh, B, H4, gB);
      gemm({ m: B, n: H, k: H4, a: dGh, b: W, c: dhPrev, beta: 1 });
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
    for (const a of [dh, dhPrev, dc, dGh]) freeManagedF32(a);
  });
  onRelease(out, release);
  return out;
}
