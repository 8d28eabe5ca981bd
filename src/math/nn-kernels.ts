/**
 * @module The deep-learning kernels behind src/nn's ops: activations, dropout, softmax, layer norm, Adam, bias
 * gradients, im2col / col2im, max pooling over time and the fused self-attention, each forward and backward.
 *
 * Each function runs the WASM SIMD kernel of assembly/nn.ts when WASM is loaded and the problem has at least
 * `MIN_WASM_LENGTH` elements, else its TypeScript twin in nn-kernels.ref.ts. The choice depends on sizes only, so
 * a run gives the same numbers wherever its arrays live. Arrays in WASM memory (`allocF32`, `allocManagedF32`)
 * are used in place; others are copied through the staging block (wasm/staging.ts) and results copied back.
 * "Backward" kernels accumulate (`gx += …`), as the autograd tape expects.
 */
import { createError } from '../core/errors.js';
import { gemmScratchOffset } from './gemm.js';
import {
  adamStepRef, attentionBackwardRef, attentionForwardRef, col2imRef, dropoutBackwardRef, dropoutConstants,
  dropoutForwardRef, expForwardRef, geluBackwardRef, sigmoidBackwardRef, sigmoidForwardRef, tanhBackwardRef, tanhForwardRef, geluForwardRef, im2colRef, layerNormBackwardRef, layerNormForwardRef,
  logSoftmaxBackwardRef, logSoftmaxForwardRef, maxPoolTimeForwardRef, mulAccumulateRef, reluBackwardRef,
  reluForwardRef, softmaxBackwardRef, softmaxForwardRef, sumRowsIntoRef,
  embeddingBackwardRef, embeddingForwardRef, gruBackwardStepRef, gruForwardStepRef, lstmBackwardStepRef, lstmForwardStepRef, type AdamStepArgs, type AttentionShape, type Conv1dShape, type GruStep,
} from './nn-kernels.ref.js';
import { wasmKernels } from './wasm/module.js';
import { round16, stagingStart, trimStaging } from './wasm/staging.js';

export type { AdamStepArgs, AttentionShape, Conv1dShape, GruStep } from './nn-kernels.ref.js';
/** The dropout stream's multipliers (keep or 0) of a seed's sub-stream, for ops that apply a mask themselves. */
export { dropoutMultipliers } from './nn-kernels.ref.js';

/**
 * Below this many elements the TypeScript twin runs: a call into WASM costs about a microsecond of dispatch and
 * staging, which a 64-element loop does not repay.
 */
export const MIN_WASM_LENGTH = 64;

const wasm = wasmKernels;

/** True when a problem of n elements runs in WASM. */
export function nnKernelsUseWasm(n: number): boolean {
  return wasm !== null && n >= MIN_WASM_LENGTH;
}

// ------------------------------------------------------------------------------------------------ staging

type View = Float32Array | Int32Array | Uint8Array;

/** Float index of the next free staging slot, and the floats this call staged (for trimStaging). */
let cursor = 0;
let staged = 0;
let mem: Float32Array = new Float32Array(0);
let memI32: Int32Array = new Int32Array(0);
let memU8: Uint8Array = new Uint8Array(0);

function floatsOf(x: View): number {
  return round16((x.byteLength + 3) >> 2);
}

/** Staging floats an operand needs (0 when absent or already in WASM memory). */
function need(x: View | null): number {
  return x === null || wasm!.heap.owns(x) ? 0 : floatsOf(x);
}

/** Reserves `total` staging floats for this call (sum of `need`s plus scratch). */
function begin(total: number): void {
  staged = total;
  cursor = total > 0 ? stagingStart(wasm!.heap, total) : 0;
  mem = wasm!.heap.f32();
  if (memU8.buffer !== mem.buffer) {
    memU8 = new Uint8Array(mem.buffer);
    memI32 = new Int32Array(mem.buffer);
  }
}

/** The byte offset of x for the kernel: its own when resident, else a staging slot (filled when `copy`). 0 for null. */
function put(x: View | null, copy: boolean): number {
  if (x === null) return 0;
  if (wasm!.heap.owns(x)) return x.byteOffset;
  const at = cursor;
  if (copy) {
    if (x instanceof Float32Array) mem.set(x, at);
    else if (x instanceof Int32Array) memI32.set(x, at);
    else memU8.set(x, at << 2);
  }
  cursor += floatsOf(x);
  return at << 2;
}

/** Staging scratch of n floats (counted in `begin`). */
function scratch(n: number): number {
  const at = cursor;
  cursor += round16(n);
  return at << 2;
}

/** Copies a staged result back into x (no-op when x is resident). */
function back(x: Float32Array | Int32Array | null, at: number): void {
  if (x === null || wasm!.heap.owns(x)) return;
  if (x instanceof Float32Array) x.set(mem.subarray(at >> 2, (at >> 2) + x.length));
  else x.set(memI32.subarray(at >> 2, (at >> 2) + x.length));
}

function end(): void {
  trimStaging(wasm!.heap, staged);
}

function check(op: string, ok: boolean, problem: () => string): void {
  if (!ok) throw createError('SHAPE_MISMATCH', { op, problem: problem() });
}

function sameLength(op: string, n: number, ...xs: (View | null)[]): void {
  for (const x of xs) if (x !== null && x.length !== n) throw createError('SHAPE_MISMATCH', { op, problem: `operands have lengths ${n} and ${x.length}` });
}

// ------------------------------------------------------------------------------------------- elementwise

/** out = max(x, 0) (out may be x) */
export function reluForward(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  sameLength('reluForward', n, out);
  if (!nnKernelsUseWasm(n)) return reluForwardRef(x, out);
  begin(need(x) + need(out));
  const px = put(x, true), po = put(out, false);
  wasm!.exports.reluForward(px, po, n);
  back(out, po);
  end();
}

/** gx += g ⊙ [x > 0] */
export function reluBackward(x: Float32Array, g: Float32Array, gx: Float32Array): void {
  const n = x.length;
  sameLength('reluBackward', n, g, gx);
  if (!nnKernelsUseWasm(n)) return reluBackwardRef(x, g, gx);
  begin(need(x) + need(g) + need(gx));
  const px = put(x, true), pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.reluBackward(px, pg, pgx, n);
  back(gx, pgx);
  end();
}

/** out = GELU(x), tanh form (Hendrycks & Gimpel 2016) */
export function geluForward(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  sameLength('geluForward', n, out);
  if (!nnKernelsUseWasm(n)) return geluForwardRef(x, out);
  begin(need(x) + need(out));
  const px = put(x, true), po = put(out, false);
  wasm!.exports.geluForward(px, po, n);
  back(out, po);
  end();
}

/** gx += g ⊙ GELU′(x) */
export function geluBackward(x: Float32Array, g: Float32Array, gx: Float32Array): void {
  const n = x.length;
  sameLength('geluBackward', n, g, gx);
  if (!nnKernelsUseWasm(n)) return geluBackwardRef(x, g, gx);
  begin(need(x) + need(g) + need(gx));
  const px = put(x, true), pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.geluBackward(px, pg, pgx, n);
  back(gx, pgx);
  end();
}

/** The forward kernels of the unary activations (x → out). */
type UnaryKernel = 'expInto' | 'sigmoidForward' | 'tanhForward';

function unary(op: UnaryKernel, x: Float32Array, out: Float32Array, ref: (x: Float32Array, out: Float32Array) => void): void {
  const n = x.length;
  sameLength(op, n, out);
  if (!nnKernelsUseWasm(n)) return ref(x, out);
  begin(need(x) + need(out));
  const px = put(x, true), po = put(out, false);
  wasm!.exports[op](px, po, n);
  back(out, po);
  end();
}

/** out = e^x (vector exp: ≈ 2 ulp, exactly 0 below −87.3) */
export function expForward(x: Float32Array, out: Float32Array): void {
  unary('expInto', x, out, expForwardRef);
}

/** out = σ(x) */
export function sigmoidForward(x: Float32Array, out: Float32Array): void {
  unary('sigmoidForward', x, out, sigmoidForwardRef);
}

/** out = tanh(x) */
export function tanhForward(x: Float32Array, out: Float32Array): void {
  unary('tanhForward', x, out, tanhForwardRef);
}

/** gx += g ⊙ y ⊙ (1 − y) for y = σ(x) */
export function sigmoidBackward(y: Float32Array, g: Float32Array, gx: Float32Array): void {
  const n = y.length;
  sameLength('sigmoidBackward', n, g, gx);
  if (!nnKernelsUseWasm(n)) return sigmoidBackwardRef(y, g, gx);
  begin(need(y) + need(g) + need(gx));
  const py = put(y, true), pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.sigmoidBackward(py, pg, pgx, n);
  back(gx, pgx);
  end();
}

/** gx += g ⊙ (1 − y²) for y = tanh(x) */
export function tanhBackward(y: Float32Array, g: Float32Array, gx: Float32Array): void {
  const n = y.length;
  sameLength('tanhBackward', n, g, gx);
  if (!nnKernelsUseWasm(n)) return tanhBackwardRef(y, g, gx);
  begin(need(y) + need(g) + need(gx));
  const py = put(y, true), pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.tanhBackward(py, pg, pgx, n);
  back(gx, pgx);
  end();
}

/** gx += g ⊙ y */
export function mulAccumulate(g: Float32Array, y: Float32Array, gx: Float32Array): void {
  const n = g.length;
  sameLength('mulAccumulate', n, y, gx);
  if (!nnKernelsUseWasm(n)) return mulAccumulateRef(g, y, gx);
  begin(need(g) + need(y) + need(gx));
  const pg = put(g, true), py = put(y, true), pgx = put(gx, true);
  wasm!.exports.mulAccumulate(pg, py, pgx, n);
  back(gx, pgx);
  end();
}

/** gb[j] += Σ_r G[r, j] for G [rows, cols] (a bias's gradient). */
export function sumRowsInto(G: Float32Array, rows: number, cols: number, gb: Float32Array): void {
  check('sumRowsInto', G.length === rows * cols && gb.length === cols, () => `G has ${G.length} values for ${rows}×${cols}, gb ${gb.length}`);
  if (!nnKernelsUseWasm(G.length)) return sumRowsIntoRef(G, rows, cols, gb);
  begin(need(G) + need(gb));
  const pG = put(G, true), pb = put(gb, true);
  wasm!.exports.sumRowsInto(pG, rows, cols, pb);
  back(gb, pb);
  end();
}

// ----------------------------------------------------------------------------------------------- dropout

/**
 * out = x ⊙ mask / (1 − p), the mask drawn from the xorshift32 stream at `seed` (see dropoutForwardRef).
 * Backward needs only the seed: `dropoutBackward` regenerates the mask.
 */
export function dropoutForward(x: Float32Array, out: Float32Array, seed: number, p: number): void {
  const n = x.length;
  sameLength('dropoutForward', n, out);
  if (!nnKernelsUseWasm(n)) {
    dropoutForwardRef(x, out, seed, p);
    return;
  }
  const { threshold, keep } = dropoutConstants(p);
  begin(need(x) + need(out));
  const px = put(x, true), po = put(out, false);
  wasm!.exports.dropoutForward(px, po, n, seed, threshold, keep);
  back(out, po);
  end();
}

/** gx += g ⊙ mask / (1 − p) for the mask of `dropoutForward` with the same seed and p. */
export function dropoutBackward(g: Float32Array, gx: Float32Array, seed: number, p: number): void {
  const n = g.length;
  sameLength('dropoutBackward', n, gx);
  if (!nnKernelsUseWasm(n)) return dropoutBackwardRef(g, gx, seed, p);
  const { threshold, keep } = dropoutConstants(p);
  begin(need(g) + need(gx));
  const pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.dropoutBackward(pg, pgx, n, seed, threshold, keep);
  back(gx, pgx);
  end();
}

// ------------------------------------------------------------------------------------ softmax, layer norm

/** y = softmax(x) over each row of `cols` (y may be x). */
export function softmaxForward(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  check('softmaxForward', x.length === rows * cols && y.length === x.length, () => `${x.length} and ${y.length} values for ${rows}×${cols}`);
  if (!nnKernelsUseWasm(x.length)) return softmaxForwardRef(x, y, rows, cols);
  begin(need(x) + need(y));
  const px = put(x, true), py = put(y, false);
  wasm!.exports.softmaxForward(px, py, rows, cols);
  back(y, py);
  end();
}

/** gx += y ⊙ (g − rowsum(g ⊙ y)), y = softmax output. */
export function softmaxBackward(y: Float32Array, g: Float32Array, gx: Float32Array, rows: number, cols: number): void {
  check('softmaxBackward', y.length === rows * cols && g.length === y.length && gx.length === y.length, () => `lengths ${y.length}, ${g.length}, ${gx.length} for ${rows}×${cols}`);
  if (!nnKernelsUseWasm(y.length)) return softmaxBackwardRef(y, g, gx, rows, cols);
  begin(need(y) + need(g) + need(gx));
  const py = put(y, true), pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.softmaxBackward(py, pg, pgx, rows, cols);
  back(gx, pgx);
  end();
}

/** y = log softmax(x) over each row (y may be x). */
export function logSoftmaxForward(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  check('logSoftmaxForward', x.length === rows * cols && y.length === x.length, () => `${x.length} and ${y.length} values for ${rows}×${cols}`);
  if (!nnKernelsUseWasm(x.length)) return logSoftmaxForwardRef(x, y, rows, cols);
  begin(need(x) + need(y) + round16(cols));
  const px = put(x, true), py = put(y, false), work = scratch(cols);
  wasm!.exports.logSoftmaxForward(px, py, rows, cols, work);
  back(y, py);
  end();
}

/** gx += g − e^y · rowsum(g), y = log-softmax output. */
export function logSoftmaxBackward(y: Float32Array, g: Float32Array, gx: Float32Array, rows: number, cols: number): void {
  check('logSoftmaxBackward', y.length === rows * cols && g.length === y.length && gx.length === y.length, () => `lengths ${y.length}, ${g.length}, ${gx.length} for ${rows}×${cols}`);
  if (!nnKernelsUseWasm(y.length)) return logSoftmaxBackwardRef(y, g, gx, rows, cols);
  begin(need(y) + need(g) + need(gx));
  const py = put(y, true), pg = put(g, true), pgx = put(gx, true);
  wasm!.exports.logSoftmaxBackward(py, pg, pgx, rows, cols);
  back(gx, pgx);
  end();
}

/**
 * Layer norm over rows of n: xhat = (x − μ)/√(σ² + ε), out = γ ⊙ xhat + β (null γ / β: ones / zeros),
 * rstd[r] = 1/√(σ² + ε). `xhat` may be `out` when backward will not run.
 */
export function layerNormForward(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array, xhat: Float32Array,
  rstd: Float32Array, rows: number, n: number, eps: number,
): void {
  check('layerNormForward', x.length === rows * n && out.length === x.length && xhat.length === x.length && rstd.length === rows
    && (gamma === null || gamma.length === n) && (beta === null || beta.length === n), () => `x ${x.length}, out ${out.length}, xhat ${xhat.length}, rstd ${rstd.length} for ${rows}×${n}`);
  if (!nnKernelsUseWasm(x.length)) return layerNormForwardRef(x, gamma, beta, out, xhat, rstd, rows, n, eps);
  const sharedHat = xhat === out;
  begin(need(x) + need(gamma) + need(beta) + need(out) + (sharedHat ? 0 : need(xhat)) + need(rstd));
  const px = put(x, true), pg = put(gamma, true), pb = put(beta, true), po = put(out, false);
  const ph = sharedHat ? po : put(xhat, false), pr = put(rstd, false);
  wasm!.exports.layerNormForward(px, pg, pb, po, ph, pr, rows, n, eps);
  back(out, po);
  if (!sharedHat) back(xhat, ph);
  back(rstd, pr);
  end();
}

/** gx += r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)) with ĝ = g ⊙ γ; gg += Σ g ⊙ x̂; gb += Σ g (null outputs skipped). */
export function layerNormBackward(
  g: Float32Array, xhat: Float32Array, rstd: Float32Array, gamma: Float32Array | null,
  gx: Float32Array | null, gg: Float32Array | null, gb: Float32Array | null, rows: number, n: number,
): void {
  check('layerNormBackward', g.length === rows * n && xhat.length === g.length && rstd.length === rows && (gx === null || gx.length === g.length)
    && (gamma === null || gamma.length === n) && (gg === null || gg.length === n) && (gb === null || gb.length === n), () => `g ${g.length}, xhat ${xhat.length}, rstd ${rstd.length} for ${rows}×${n}`);
  if (!nnKernelsUseWasm(g.length)) return layerNormBackwardRef(g, xhat, rstd, gamma, gx, gg, gb, rows, n);
  begin(need(g) + need(xhat) + need(rstd) + need(gamma) + need(gx) + need(gg) + need(gb));
  const pg = put(g, true), ph = put(xhat, true), pr = put(rstd, true), pgm = put(gamma, true);
  const pgx = put(gx, true), pgg = put(gg, true), pgb = put(gb, true);
  wasm!.exports.layerNormBackward(pg, ph, pr, pgm, pgx, pgg, pgb, rows, n);
  back(gx, pgx);
  back(gg, pgg);
  back(gb, pgb);
  end();
}

// -------------------------------------------------------------------------------------------------- Adam

/** One Adam / AdamW step in place on w, m, v from grad (see adamStepRef for the update). */
export function adamStep(w: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, a: AdamStepArgs): void {
  const n = w.length;
  sameLength('adamStep', n, grad, m, v);
  if (!nnKernelsUseWasm(n)) return adamStepRef(w, grad, m, v, a);
  begin(need(w) + need(grad) + need(m) + need(v));
  const pw = put(w, true), pg = put(grad, true), pm = put(m, true), pv = put(v, true);
  wasm!.exports.adamStep(pw, pg, pm, pv, n, a.b1, a.b2, a.stepSize, a.rc2, a.eps, a.l2, a.decay);
  back(w, pw);
  back(m, pm);
  back(v, pv);
  end();
}

// ---------------------------------------------------------------------------------------------- conv1d

function checkConv(op: string, x: Float32Array, cols: Float32Array, s: Conv1dShape): void {
  check(op, x.length === s.B * s.T * s.Cin && cols.length === s.B * s.Tout * s.K * s.Cin && s.Tout === s.T + 2 * s.pad - s.K + 1,
    () => `x ${x.length} / columns ${cols.length} do not fit B ${s.B}, T ${s.T}, Cin ${s.Cin}, K ${s.K}, padding ${s.pad}, Tout ${s.Tout}`);
}

/** cols [B·Tout, K·Cin] = the windows of x [B, T, Cin] (zero-padded). */
export function im2col(x: Float32Array, cols: Float32Array, s: Conv1dShape): void {
  checkConv('im2col', x, cols, s);
  if (!nnKernelsUseWasm(cols.length)) return im2colRef(x, cols, s);
  begin(need(x) + need(cols));
  const px = put(x, true), pc = put(cols, false);
  wasm!.exports.im2col(px, pc, s.B, s.T, s.Cin, s.K, s.pad, s.Tout);
  back(cols, pc);
  end();
}

/** gx [B, T, Cin] += the adjoint of im2col applied to dcols [B·Tout, K·Cin]. */
export function col2im(dcols: Float32Array, gx: Float32Array, s: Conv1dShape): void {
  checkConv('col2im', gx, dcols, s);
  if (!nnKernelsUseWasm(dcols.length)) return col2imRef(dcols, gx, s);
  begin(need(dcols) + need(gx));
  const pd = put(dcols, true), pgx = put(gx, true);
  wasm!.exports.col2im(pd, pgx, s.B, s.T, s.Cin, s.K, s.pad, s.Tout);
  back(gx, pgx);
  end();
}

// ------------------------------------------------------------------------------------------------ pooling

/** out [B, C] = max over t < lengths[b] of x [B, T, C]; arg = flat index of each maximum in x. */
export function maxPoolTimeForward(
  x: Float32Array, out: Float32Array, arg: Int32Array, B: number, T: number, C: number, lengths: Int32Array | null,
): void {
  check('maxPoolTimeForward', x.length === B * T * C && out.length === B * C && arg.length === B * C && (lengths === null || lengths.length === B),
    () => `x ${x.length}, out ${out.length}, arg ${arg.length} for [${B}, ${T}, ${C}]`);
  if (!nnKernelsUseWasm(x.length)) return maxPoolTimeForwardRef(x, out, arg, B, T, C, lengths);
  begin(need(x) + need(out) + need(arg) + need(lengths));
  const px = put(x, true), po = put(out, false), pa = put(arg, false), pl = put(lengths, true);
  wasm!.exports.maxPoolTimeForward(px, po, pa, B, T, C, pl);
  back(out, po);
  back(arg, pa);
  end();
}

// ---------------------------------------------------------------------------------------------- attention

function checkAttention(op: string, qkv: Float32Array, out: Float32Array, P: Float32Array, s: AttentionShape): void {
  const { B, T, D, heads } = s;
  check(op, Number.isInteger(D / heads) && qkv.length === B * T * 3 * D && out.length === B * T * D && P.length === B * heads * T * T,
    () => `qkv ${qkv.length}, out ${out.length}, P ${P.length} do not fit B ${B}, T ${T}, D ${D}, ${heads} heads`);
}

/**
 * Self-attention from the fused projection qkv [B, T, 3D] into out [B, T, D] (heads merged), keeping the softmax
 * P [B·h, T, T] for backward (see attentionForwardRef). One WASM call runs every head: the products read the
 * head tiles in place through leading dimensions, so nothing is gathered or scattered.
 */
export function attentionForward(
  qkv: Float32Array, out: Float32Array, P: Float32Array, s: AttentionShape, mask: Uint8Array | null, maskValue: number,
): void {
  checkAttention('attentionForward', qkv, out, P, s);
  check('attentionForward', mask === null || mask.length === s.B * s.T * s.T, () => `mask has ${mask!.length} values, expected ${s.B}×${s.T}×${s.T}`);
  if (wasm === null) return attentionForwardRef(qkv, out, P, s, mask, maskValue);
  const { threshold, keep } = dropoutConstants(s.p);
  const gemmScratch = gemmScratchOffset();
  const TT = s.T * s.T;
  begin(need(qkv) + need(out) + need(P) + need(mask) + 2 * round16(TT));
  const pq = put(qkv, true), po = put(out, false), pP = put(P, false), pm = put(mask, true), work = scratch(2 * TT);
  wasm.exports.attentionForward(pq, po, pP, s.B, s.T, s.D, s.heads, s.alpha, pm, maskValue, s.seed, threshold, keep, work, gemmScratch);
  back(out, po);
  back(P, pP);
  end();
}

/** gX [B, T, 3D] += the gradient of attentionForward for the output gradient G [B, T, D]. */
export function attentionBackward(qkv: Float32Array, G: Float32Array, gX: Float32Array, P: Float32Array, s: AttentionShape): void {
  checkAttention('attentionBackward', qkv, G, P, s);
  sameLength('attentionBackward', qkv.length, gX);
  if (wasm === null) return attentionBackwardRef(qkv, G, gX, P, s);
  const { threshold, keep } = dropoutConstants(s.p);
  const gemmScratch = gemmScratchOffset();
  const TT = s.T * s.T;
  begin(need(qkv) + need(G) + need(gX) + need(P) + 3 * round16(TT));
  const pq = put(qkv, true), pG = put(G, true), pgX = put(gX, true), pP = put(P, true), work = scratch(3 * TT);
  wasm.exports.attentionBackward(pq, pG, pgX, pP, s.B, s.T, s.D, s.heads, s.alpha, s.seed, threshold, keep, work, gemmScratch);
  back(gX, pgX);
  end();
}

// ---------------------------------------------------------------------------------------------------- GRU

function checkGru(op: string, X: Float32Array, step: Float32Array[], p: GruStep): void {
  const BH = p.B * p.H;
  check(op, X.length === p.B * p.T * 3 * p.H && step.every((v) => v.length === BH) && p.lengths.length === p.B,
    () => `X ${X.length} / step buffers do not fit B ${p.B}, T ${p.T}, H ${p.H}`);
}

/**
 * One GRU step for the whole batch (see gruForwardStepRef): the gates from X [B, T, 3H] and gh [B, 3H] into
 * hNext, Y [B, T, H] and this step's R, Z, N, GHN [B, H]. Meant for WASM-resident operands (a fused sequence op
 * keeps its state in WASM memory); others are staged whole.
 */
export function gruForwardStep(
  X: Float32Array, gh: Float32Array, hPrev: Float32Array, hNext: Float32Array, Y: Float32Array,
  R: Float32Array, Z: Float32Array, N: Float32Array, GHN: Float32Array, p: GruStep,
): void {
  checkGru('gruForwardStep', X, [hPrev, hNext, R, Z, N, GHN], p);
  check('gruForwardStep', gh.length === p.B * 3 * p.H && Y.length === p.B * p.T * p.H, () => `gh ${gh.length}, Y ${Y.length}`);
  if (!nnKernelsUseWasm(p.B * p.H)) return gruForwardStepRef(X, gh, hPrev, hNext, Y, R, Z, N, GHN, p);
  begin(need(X) + need(gh) + need(hPrev) + need(hNext) + need(Y) + need(R) + need(Z) + need(N) + need(GHN) + need(p.lengths));
  const px = put(X, true), pgh = put(gh, true), php = put(hPrev, true), phn = put(hNext, false), py = put(Y, true);
  const pr = put(R, false), pz = put(Z, false), pn = put(N, false), pghn = put(GHN, false), pl = put(p.lengths, true);
  wasm!.exports.gruForwardStep(px, pgh, php, phn, py, pr, pz, pn, pghn, p.B, p.T, p.H, p.s, pl, p.reverse ? 1 : 0);
  back(hNext, phn);
  back(Y, py);
  back(R, pr);
  back(Z, pz);
  back(N, pn);
  back(GHN, pghn);
  end();
}

/** Backward through one GRU step's gates (see gruBackwardStepRef); gX may be null. */
export function gruBackwardStep(
  G: Float32Array, dh: Float32Array, dhPrev: Float32Array, dGh: Float32Array, gX: Float32Array | null, hPrev: Float32Array,
  R: Float32Array, Z: Float32Array, N: Float32Array, GHN: Float32Array, p: GruStep,
): void {
  checkGru('gruBackwardStep', gX ?? new Float32Array(p.B * p.T * 3 * p.H), [dh, dhPrev, hPrev, R, Z, N, GHN], p);
  check('gruBackwardStep', G.length === p.B * p.T * p.H && dGh.length === p.B * 3 * p.H, () => `G ${G.length}, dGh ${dGh.length}`);
  if (!nnKernelsUseWasm(p.B * p.H)) return gruBackwardStepRef(G, dh, dhPrev, dGh, gX, hPrev, R, Z, N, GHN, p);
  begin(need(G) + need(dh) + need(dhPrev) + need(dGh) + need(gX) + need(hPrev) + need(R) + need(Z) + need(N) + need(GHN) + need(p.lengths));
  const pG = put(G, true), pdh = put(dh, true), pdp = put(dhPrev, false), pdg = put(dGh, false), pgx = put(gX, true);
  const php = put(hPrev, true), pr = put(R, true), pz = put(Z, true), pn = put(N, true), pghn = put(GHN, true), pl = put(p.lengths, true);
  wasm!.exports.gruBackwardStep(pG, pdh, pdp, pdg, pgx, php, pr, pz, pn, pghn, p.B, p.T, p.H, p.s, pl, p.reverse ? 1 : 0);
  back(dhPrev, pdp);
  back(dGh, pdg);
  back(gX, pgx);
  end();
}

/**
 * One LSTM step for the whole batch (see lstmForwardStepRef): gates from X [B, T, 4H] and gh [B, 4H] into hNext,
 * cNext, Y [B, T, H] and this step's gates A [B, 4H] and tanh(c') TC [B, H]. Same residency advice as GRU steps.
 */
export function lstmForwardStep(
  X: Float32Array, gh: Float32Array, hPrev: Float32Array, cPrev: Float32Array, hNext: Float32Array, cNext: Float32Array,
  Y: Float32Array, A: Float32Array, TC: Float32Array, p: GruStep,
): void {
  const BH = p.B * p.H;
  check('lstmForwardStep', X.length === p.B * p.T * 4 * p.H && gh.length === 4 * BH && A.length === 4 * BH && Y.length === p.B * p.T * p.H
    && [hPrev, cPrev, hNext, cNext, TC].every((v) => v.length === BH) && p.lengths.length === p.B, () => `buffers do not fit B ${p.B}, T ${p.T}, H ${p.H}`);
  if (!nnKernelsUseWasm(BH)) return lstmForwardStepRef(X, gh, hPrev, cPrev, hNext, cNext, Y, A, TC, p);
  begin(need(X) + need(gh) + need(hPrev) + need(cPrev) + need(hNext) + need(cNext) + need(Y) + need(A) + need(TC) + need(p.lengths));
  const px = put(X, true), pgh = put(gh, true), php = put(hPrev, true), pcp = put(cPrev, true), phn = put(hNext, false);
  const pcn = put(cNext, false), py = put(Y, true), pa = put(A, false), ptc = put(TC, false), pl = put(p.lengths, true);
  wasm!.exports.lstmForwardStep(px, pgh, php, pcp, phn, pcn, py, pa, ptc, p.B, p.T, p.H, p.s, pl, p.reverse ? 1 : 0);
  back(hNext, phn);
  back(cNext, pcn);
  back(Y, py);
  back(A, pa);
  back(TC, ptc);
  end();
}

/** Backward through one LSTM step's gates (see lstmBackwardStepRef); dc is updated in place; gX may be null. */
export function lstmBackwardStep(
  G: Float32Array, dh: Float32Array, dc: Float32Array, dhPrev: Float32Array, dGh: Float32Array, gX: Float32Array | null,
  cPrev: Float32Array, A: Float32Array, TC: Float32Array, p: GruStep,
): void {
  const BH = p.B * p.H;
  check('lstmBackwardStep', G.length === p.B * p.T * p.H && dGh.length === 4 * BH && A.length === 4 * BH && (gX === null || gX.length === p.B * p.T * 4 * p.H)
    && [dh, dc, dhPrev, cPrev, TC].every((v) => v.length === BH) && p.lengths.length === p.B, () => `buffers do not fit B ${p.B}, T ${p.T}, H ${p.H}`);
  if (!nnKernelsUseWasm(BH)) return lstmBackwardStepRef(G, dh, dc, dhPrev, dGh, gX, cPrev, A, TC, p);
  begin(need(G) + need(dh) + need(dc) + need(dhPrev) + need(dGh) + need(gX) + need(cPrev) + need(A) + need(TC) + need(p.lengths));
  const pG = put(G, true), pdh = put(dh, true), pdc = put(dc, true), pdp = put(dhPrev, false), pdg = put(dGh, false), pgx = put(gX, true);
  const pcp = put(cPrev, true), pa = put(A, true), ptc = put(TC, true), pl = put(p.lengths, true);
  wasm!.exports.lstmBackwardStep(pG, pdh, pdc, pdp, pdg, pgx, pcp, pa, ptc, p.B, p.T, p.H, p.s, pl, p.reverse ? 1 : 0);
  back(dc, pdc);
  back(dhPrev, pdp);
  back(dGh, pdg);
  back(gX, pgx);
  end();
}

// ----------------------------------------------------------------------------------------------- embedding

/**
 * out[i] = W[ids[i]] (rows of width D; id == pad gives zeros). Ids must be valid rows. The kernel runs only when the
 * table is in WASM memory (staging a whole table per lookup would cost more than the gather); both paths copy
 * exactly, so the result does not depend on it.
 */
export function embeddingForward(ids: Int32Array, W: Float32Array, out: Float32Array, D: number, pad: number): void {
  check('embeddingForward', out.length === ids.length * D && W.length % D === 0, () => `${ids.length} ids × ${D} vs out ${out.length}, table ${W.length}`);
  if (wasm === null || !wasm.heap.owns(W) || out.length < MIN_WASM_LENGTH) return embeddingForwardRef(ids, W, out, D, pad);
  begin(need(ids) + need(out));
  const pi = put(ids, true), po = put(out, false);
  wasm.exports.embeddingForward(pi, W.byteOffset, po, ids.length, D, pad);
  back(out, po);
  end();
}

/** gW[ids[i]] += g[i] in row order (id == pad skipped); in WASM when the table's gradient lives there (exact either way). */
export function embeddingBackward(ids: Int32Array, g: Float32Array, gW: Float32Array, D: number, pad: number): void {
  check('embeddingBackward', g.length === ids.length * D && gW.length % D === 0, () => `${ids.length} ids × ${D} vs g ${g.length}, table ${gW.length}`);
  if (wasm === null || !wasm.heap.owns(gW) || g.length < MIN_WASM_LENGTH) return embeddingBackwardRef(ids, g, gW, D, pad);
  begin(need(ids) + need(g));
  const pi = put(ids, true), pg = put(g, true);
  wasm.exports.embeddingBackward(pi, pg, gW.byteOffset, ids.length, D, pad);
  end();
}
