/**
 * @module SIMD kernels of the deep-learning ops (src/nn): activations, dropout, softmax, layer norm, Adam, bias
 * gradients, im2col / col2im, max pooling over time and the fused self-attention core, forward and backward.
 *
 * Conventions as in kernels.ts: pointers are byte offsets into the shared linear memory, lengths count elements,
 * nothing allocates. "gx += …" kernels accumulate into an existing gradient, as the autograd tape expects.
 * Each kernel has a plain TypeScript twin in src/math/nn-kernels.ref.ts that the tests compare it with.
 */
import { gemm } from './kernels';

// ---------------------------------------------------------------------------------------------------------------
// Vector exp: Cody–Waite range reduction e^x = 2^n · e^r with n = round(x·log₂e), |r| ≤ ln2/2, and the degree-6
// polynomial of Cephes' expf (Moshier 1992) for e^r. Relative error ≈ 2 ulp; below −87.3 it returns exactly 0
// (so masked attention scores get no weight), above 88.4 it saturates at e^88.4.

const EXP_HI: f32 = 88.3762626647949;
const EXP_LO: f32 = -87.3365478515625;
const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

// @ts-ignore: decorator
@inline function expV(x: v128): v128 {
  const under = f32x4.lt(x, f32x4.splat(EXP_LO));
  const xc = f32x4.min(f32x4.max(x, f32x4.splat(EXP_LO)), f32x4.splat(EXP_HI));
  const n = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, f32x4.splat(LN2_HI))), f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.andnot(f32x4.mul(y, pow2), under);
}

// @ts-ignore: decorator
@inline function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

/** out = e^x elementwise (the vector exp above; exposed for its test). */
export function expInto(x: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, expV(v128.load(x + o)));
  for (; o < end; o += 4) store<f32>(out + o, expS(load<f32>(x + o)));
}

// ---------------------------------------------------------------------------------------------------------------
// Activations

/** out = max(x, 0) */
export function reluForward(x: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  const z = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, f32x4.max(v128.load(x + o), z));
  for (; o < end; o += 4) store<f32>(out + o, max<f32>(load<f32>(x + o), 0));
}

/** gx += g ⊙ [x > 0] */
export function reluBackward(x: usize, g: usize, gx: usize, n: i32): void {
  const end = <usize>n << 2;
  const z = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const keep = f32x4.gt(v128.load(x + o), z);
    v128.store(gx + o, f32x4.add(v128.load(gx + o), v128.and(v128.load(g + o), keep)));
  }
  for (; o < end; o += 4) if (load<f32>(x + o) > 0) store<f32>(gx + o, load<f32>(gx + o) + load<f32>(g + o));
}

const GELU_C: f32 = 0.7978845608028654; // √(2/π)
const GELU_K: f32 = 0.044715;

/**
 * tanh(u): Cephes' odd polynomial u + u³·P(u²) for |u| < 0.625 (where 1 − 2/(e^{2u} + 1) would lose relative
 * precision to cancellation), else 1 − 2/(e^{2u} + 1), saturating to ±1 through the clamped exp.
 */
// @ts-ignore: decorator
@inline function tanhV(u: v128): v128 {
  const e = expV(f32x4.add(u, u));
  const big = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(e, f32x4.splat(1))));
  const z = f32x4.mul(u, u);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), u), u);
  return v128.bitselect(small, big, f32x4.lt(f32x4.abs(u), f32x4.splat(0.625)));
}

/** The first `lanes` (1–3) floats at p in a vector, the rest zero: a tail without reading past the array. */
// @ts-ignore: decorator
@inline function loadPartial(p: usize, lanes: usize): v128 {
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline function storePartial(p: usize, v: v128, lanes: usize): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// @ts-ignore: decorator
@inline function geluV(v: v128): v128 {
  const t = tanhV(f32x4.mul(f32x4.splat(GELU_C), f32x4.add(v, f32x4.mul(f32x4.splat(GELU_K), f32x4.mul(v, f32x4.mul(v, v))))));
  return f32x4.mul(f32x4.mul(f32x4.splat(0.5), v), f32x4.add(f32x4.splat(1), t));
}

/** d/dx GELU(x) = 0.5(1 + t) + 0.5x(1 − t²)√(2/π)(1 + 3·0.044715x²), t = tanh(√(2/π)(x + 0.044715x³)) */
// @ts-ignore: decorator
@inline function geluGradV(v: v128): v128 {
  const half = f32x4.splat(0.5), one = f32x4.splat(1), c = f32x4.splat(GELU_C);
  const v2 = f32x4.mul(v, v);
  const t = tanhV(f32x4.mul(c, f32x4.add(v, f32x4.mul(f32x4.splat(GELU_K), f32x4.mul(v, v2)))));
  const left = f32x4.mul(half, f32x4.add(one, t));
  const right = f32x4.mul(f32x4.mul(f32x4.mul(half, v), f32x4.sub(one, f32x4.mul(t, t))), f32x4.mul(c, f32x4.add(one, f32x4.mul(f32x4.splat(3 * GELU_K), v2))));
  return f32x4.add(left, right);
}

/** out = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) (GELU, tanh form) */
export function geluForward(x: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, geluV(v128.load(x + o)));
  if (o < end) storePartial(out + o, geluV(loadPartial(x + o, (end - o) >> 2)), (end - o) >> 2);
}

/** gx += g · GELU'(x) */
export function geluBackward(x: usize, g: usize, gx: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    v128.store(gx + o, f32x4.add(v128.load(gx + o), f32x4.mul(v128.load(g + o), geluGradV(v128.load(x + o)))));
  }
  if (o < end) {
    const lanes = (end - o) >> 2;
    const d = f32x4.mul(loadPartial(g + o, lanes), geluGradV(loadPartial(x + o, lanes)));
    storePartial(gx + o, f32x4.add(loadPartial(gx + o, lanes), d), lanes);
  }
}

// @ts-ignore: decorator
@inline function sigmoidV(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expV(f32x4.neg(x))));
}

/** out = σ(x) = 1/(1 + e^−x) */
export function sigmoidForward(x: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, sigmoidV(v128.load(x + o)));
  if (o < end) storePartial(out + o, sigmoidV(loadPartial(x + o, (end - o) >> 2)), (end - o) >> 2);
}

/** out = tanh(x) */
export function tanhForward(x: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, tanhV(v128.load(x + o)));
  if (o < end) storePartial(out + o, tanhV(loadPartial(x + o, (end - o) >> 2)), (end - o) >> 2);
}

/** gx += g ⊙ y ⊙ (1 − y), y = σ(x) (the saved output) */
export function sigmoidBackward(y: usize, g: usize, gx: usize, n: i32): void {
  const end = <usize>n << 2;
  const one = f32x4.splat(1);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const v = v128.load(y + o);
    v128.store(gx + o, f32x4.add(v128.load(gx + o), f32x4.mul(v128.load(g + o), f32x4.mul(v, f32x4.sub(one, v)))));
  }
  for (; o < end; o += 4) {
    const v = load<f32>(y + o);
    store<f32>(gx + o, load<f32>(gx + o) + load<f32>(g + o) * (v * (1 - v)));
  }
}

/** gx += g ⊙ (1 − y²), y = tanh(x) (the saved output) */
export function tanhBackward(y: usize, g: usize, gx: usize, n: i32): void {
  const end = <usize>n << 2;
  const one = f32x4.splat(1);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const v = v128.load(y + o);
    v128.store(gx + o, f32x4.add(v128.load(gx + o), f32x4.mul(v128.load(g + o), f32x4.sub(one, f32x4.mul(v, v)))));
  }
  for (; o < end; o += 4) {
    const v = load<f32>(y + o);
    store<f32>(gx + o, load<f32>(gx + o) + load<f32>(g + o) * (1 - v * v));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Elementwise gradients

/** gx += g ⊙ y */
export function mulAccumulate(g: usize, y: usize, gx: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(gx + o, f32x4.add(v128.load(gx + o), f32x4.mul(v128.load(g + o), v128.load(y + o))));
  for (; o < end; o += 4) store<f32>(gx + o, load<f32>(gx + o) + load<f32>(g + o) * load<f32>(y + o));
}

/** gb[j] += Σ_r G[r, j] for G rows × cols (the gradient of a bias broadcast over rows). */
export function sumRowsInto(G: usize, rows: i32, cols: i32, gb: usize): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = rowBytes & ~(<usize>15);
  for (let r = 0; r < rows; r++) {
    const src = G + <usize>r * rowBytes;
    let o: usize = 0;
    for (; o < vecEnd; o += 16) v128.store(gb + o, f32x4.add(v128.load(gb + o), v128.load(src + o)));
    for (; o < rowBytes; o += 4) store<f32>(gb + o, load<f32>(gb + o) + load<f32>(src + o));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dropout: keep/drop decisions come from four interleaved xorshift32 generators (Marsaglia 2003) run as one i32x4
// vector, lane j seeded with fmix32(seed + (k0 + j)·0x9E3779B9) | 1 (MurmurHash3's finaliser decorrelates nearby
// seeds). Element i uses lane i mod 4 at step ⌊i/4⌋ and is kept (scaled by `keep` = 1/(1 − p)) when that draw, read
// unsigned, is ≥ threshold = ⌊p·2³²⌋. Backward regenerates the same stream from the seed instead of storing a mask.

// @ts-ignore: decorator
@inline function fmix32(h: u32): u32 {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

/** The four lane states of the stream `seed`, sub-stream k0 (k0 = 4·tile for attention tiles). */
function laneStates(seed: u32, k0: u32): v128 {
  let v = i32x4.splat(0);
  v = i32x4.replace_lane(v, 0, fmix32(seed + k0 * 0x9E3779B9) | 1);
  v = i32x4.replace_lane(v, 1, fmix32(seed + (k0 + 1) * 0x9E3779B9) | 1);
  v = i32x4.replace_lane(v, 2, fmix32(seed + (k0 + 2) * 0x9E3779B9) | 1);
  v = i32x4.replace_lane(v, 3, fmix32(seed + (k0 + 3) * 0x9E3779B9) | 1);
  return v;
}

// @ts-ignore: decorator
@inline function xorshiftV(s: v128): v128 {
  s = v128.xor(s, i32x4.shl(s, 13));
  s = v128.xor(s, i32x4.shr_u(s, 17));
  return v128.xor(s, i32x4.shl(s, 5));
}

/** out = x ⊙ mask(seed) / (1 − p). */
export function dropoutForward(x: usize, out: usize, n: i32, seed: u32, threshold: u32, keep: f32): void {
  let s = laneStates(seed, 0);
  const vt = i32x4.splat(threshold), vk = f32x4.splat(keep);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    s = xorshiftV(s);
    v128.store(out + o, v128.and(f32x4.mul(v128.load(x + o), vk), i32x4.ge_u(s, vt)));
  }
  if (o < end) {
    const lanes = (end - o) >> 2;
    s = xorshiftV(s);
    storePartial(out + o, v128.and(f32x4.mul(loadPartial(x + o, lanes), vk), i32x4.ge_u(s, vt)), lanes);
  }
}

/** gx += g ⊙ mask(seed) / (1 − p), the mask of the forward call with the same seed. */
export function dropoutBackward(g: usize, gx: usize, n: i32, seed: u32, threshold: u32, keep: f32): void {
  let s = laneStates(seed, 0);
  const vt = i32x4.splat(threshold), vk = f32x4.splat(keep);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    s = xorshiftV(s);
    const d = v128.and(f32x4.mul(v128.load(g + o), vk), i32x4.ge_u(s, vt));
    v128.store(gx + o, f32x4.add(v128.load(gx + o), d));
  }
  if (o < end) {
    const lanes = (end - o) >> 2;
    s = xorshiftV(s);
    const d = v128.and(f32x4.mul(loadPartial(g + o, lanes), vk), i32x4.ge_u(s, vt));
    storePartial(gx + o, f32x4.add(loadPartial(gx + o, lanes), d), lanes);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Row-wise reductions: softmax, log-softmax and layer norm over the last axis.

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function hmax(v: v128): f32 {
  return max<f32>(max<f32>(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), max<f32>(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

function rowMax(x: usize, n: i32): f32 {
  const end = <usize>n << 2;
  let m = f32x4.splat(-Infinity);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) m = f32x4.max(m, v128.load(x + o));
  let t = hmax(m);
  for (; o < end; o += 4) t = max<f32>(t, load<f32>(x + o));
  return t;
}

/** y = e^{x − shift} over one row; returns Σ y. x and y may alias. */
function expShiftRow(x: usize, y: usize, n: i32, shift: f32): f32 {
  const end = <usize>n << 2;
  const vs = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const e = expV(f32x4.sub(v128.load(x + o), vs));
    v128.store(y + o, e);
    acc = f32x4.add(acc, e);
  }
  let s = hsum(acc);
  for (; o < end; o += 4) {
    const e = expS(load<f32>(x + o) - shift);
    store<f32>(y + o, e);
    s += e;
  }
  return s;
}

function scaleRow(y: usize, n: i32, a: f32): void {
  const end = <usize>n << 2;
  const va = f32x4.splat(a);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(y + o, f32x4.mul(v128.load(y + o), va));
  for (; o < end; o += 4) store<f32>(y + o, load<f32>(y + o) * a);
}

function dotRow(x: usize, y: usize, n: i32): f32 {
  const end = <usize>n << 2;
  let acc = f32x4.splat(0);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  let s = hsum(acc);
  for (; o < end; o += 4) s += load<f32>(x + o) * load<f32>(y + o);
  return s;
}

function softmaxRow(x: usize, y: usize, n: i32): void {
  const s = expShiftRow(x, y, n, rowMax(x, n));
  scaleRow(y, n, 1 / s);
}

/** y = softmax(x) per row of `cols` values (x and y may alias). */
export function softmaxForward(x: usize, y: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) softmaxRow(x + <usize>r * rowBytes, y + <usize>r * rowBytes, cols);
}

/** dst = y ⊙ (g − ⟨g, y⟩) over one row (dst may alias g); with accumulate, dst += instead. */
function softmaxBackRow(y: usize, g: usize, dst: usize, n: i32, accumulate: bool): void {
  const d = dotRow(g, y, n);
  const vd = f32x4.splat(d);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const v = f32x4.mul(v128.load(y + o), f32x4.sub(v128.load(g + o), vd));
    v128.store(dst + o, accumulate ? f32x4.add(v128.load(dst + o), v) : v);
  }
  for (; o < end; o += 4) {
    const v = load<f32>(y + o) * (load<f32>(g + o) - d);
    store<f32>(dst + o, accumulate ? load<f32>(dst + o) + v : v);
  }
}

/** gx += y ⊙ (g − rowsum(g ⊙ y)), y the softmax output. */
export function softmaxBackward(y: usize, g: usize, gx: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    softmaxBackRow(y + off, g + off, gx + off, cols, true);
  }
}

/** y = x − log Σ e^x per row (x and y may alias). */
export function logSoftmaxForward(x: usize, y: usize, rows: i32, cols: i32, work: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes, yr = y + <usize>r * rowBytes;
    const mx = rowMax(xr, cols);
    const lse = mx + Mathf.log(expShiftRow(xr, work, cols, mx));
    const vl = f32x4.splat(lse);
    const end = rowBytes;
    let o: usize = 0;
    for (; o + 16 <= end; o += 16) v128.store(yr + o, f32x4.sub(v128.load(xr + o), vl));
    for (; o < end; o += 4) store<f32>(yr + o, load<f32>(xr + o) - lse);
  }
}

/** gx += g − e^y · rowsum(g), y the log-softmax output. */
export function logSoftmaxBackward(y: usize, g: usize, gx: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = rowBytes & ~(<usize>15);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const yr = y + off, gr = g + off, xr = gx + off;
    let acc = f32x4.splat(0);
    let o: usize = 0;
    for (; o < vecEnd; o += 16) acc = f32x4.add(acc, v128.load(gr + o));
    let s = hsum(acc);
    for (; o < rowBytes; o += 4) s += load<f32>(gr + o);
    const vs = f32x4.splat(s);
    for (o = 0; o < vecEnd; o += 16) {
      v128.store(xr + o, f32x4.add(v128.load(xr + o), f32x4.sub(v128.load(gr + o), f32x4.mul(expV(v128.load(yr + o)), vs))));
    }
    for (; o < rowBytes; o += 4) store<f32>(xr + o, load<f32>(xr + o) + load<f32>(gr + o) - expS(load<f32>(yr + o)) * s);
  }
}

/**
 * Layer norm over rows of n (Ba et al. 2016): x̂ = (x − μ)·r, r = 1/√(σ² + ε), out = γ ⊙ x̂ + β. Writes x̂ (may be
 * `out` itself when not kept) and r per row. γ = 0 / β = 0 pointers stand for ones / zeros.
 */
export function layerNormForward(x: usize, gamma: usize, beta: usize, out: usize, xhat: usize, rstd: usize, rows: i32, n: i32, eps: f32): void {
  const rowBytes = <usize>n << 2;
  const vecEnd = rowBytes & ~(<usize>15);
  const invN: f32 = 1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes, hr = xhat + <usize>r * rowBytes, yr = out + <usize>r * rowBytes;
    let acc = f32x4.splat(0);
    let o: usize = 0;
    for (; o < vecEnd; o += 16) acc = f32x4.add(acc, v128.load(xr + o));
    let s = hsum(acc);
    for (; o < rowBytes; o += 4) s += load<f32>(xr + o);
    const mu = s * invN;
    const vmu = f32x4.splat(mu);
    acc = f32x4.splat(0);
    for (o = 0; o < vecEnd; o += 16) {
      const c = f32x4.sub(v128.load(xr + o), vmu);
      acc = f32x4.add(acc, f32x4.mul(c, c));
    }
    let v = hsum(acc);
    for (; o < rowBytes; o += 4) {
      const c = load<f32>(xr + o) - mu;
      v += c * c;
    }
    const rs: f32 = 1 / Mathf.sqrt(v * invN + eps);
    store<f32>(rstd + (<usize>r << 2), rs);
    const vrs = f32x4.splat(rs);
    for (o = 0; o < vecEnd; o += 16) {
      const h = f32x4.mul(f32x4.sub(v128.load(xr + o), vmu), vrs);
      v128.store(hr + o, h);
      let y = gamma ? f32x4.mul(v128.load(gamma + o), h) : h;
      if (beta) y = f32x4.add(y, v128.load(beta + o));
      v128.store(yr + o, y);
    }
    for (; o < rowBytes; o += 4) {
      const h = (load<f32>(xr + o) - mu) * rs;
      store<f32>(hr + o, h);
      let y = gamma ? load<f32>(gamma + o) * h : h;
      if (beta) y += load<f32>(beta + o);
      store<f32>(yr + o, y);
    }
  }
}

/**
 * Layer norm backward with ĝ = g ⊙ γ: ∂x += r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)), ∂γ += Σ g ⊙ x̂, ∂β += Σ g.
 * Zero pointers skip an output (gx, gg, gb) or stand for γ = 1.
 */
export function layerNormBackward(g: usize, xhat: usize, rstd: usize, gamma: usize, gx: usize, gg: usize, gb: usize, rows: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  const vecEnd = rowBytes & ~(<usize>15);
  const invN: f32 = 1 / <f32>n;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    const gr = g + off, hr = xhat + off;
    let a1 = f32x4.splat(0), a2 = f32x4.splat(0);
    let o: usize = 0;
    for (; o < vecEnd; o += 16) {
      const gv = v128.load(gr + o), h = v128.load(hr + o);
      if (gg) v128.store(gg + o, f32x4.add(v128.load(gg + o), f32x4.mul(gv, h)));
      if (gb) v128.store(gb + o, f32x4.add(v128.load(gb + o), gv));
      const gh = gamma ? f32x4.mul(gv, v128.load(gamma + o)) : gv;
      a1 = f32x4.add(a1, gh);
      a2 = f32x4.add(a2, f32x4.mul(gh, h));
    }
    let s1 = hsum(a1), s2 = hsum(a2);
    for (; o < rowBytes; o += 4) {
      const gv = load<f32>(gr + o), h = load<f32>(hr + o);
      if (gg) store<f32>(gg + o, load<f32>(gg + o) + gv * h);
      if (gb) store<f32>(gb + o, load<f32>(gb + o) + gv);
      const gh = gamma ? gv * load<f32>(gamma + o) : gv;
      s1 += gh;
      s2 += gh * h;
    }
    if (!gx) continue;
    s1 *= invN;
    s2 *= invN;
    const rs = load<f32>(rstd + (<usize>r << 2));
    const xr = gx + off;
    const v1 = f32x4.splat(s1), v2 = f32x4.splat(s2), vr = f32x4.splat(rs);
    for (o = 0; o < vecEnd; o += 16) {
      const gh = gamma ? f32x4.mul(v128.load(gr + o), v128.load(gamma + o)) : v128.load(gr + o);
      const d = f32x4.mul(vr, f32x4.sub(f32x4.sub(gh, v1), f32x4.mul(v128.load(hr + o), v2)));
      v128.store(xr + o, f32x4.add(v128.load(xr + o), d));
    }
    for (; o < rowBytes; o += 4) {
      const gh = gamma ? load<f32>(gr + o) * load<f32>(gamma + o) : load<f32>(gr + o);
      store<f32>(xr + o, load<f32>(xr + o) + rs * (gh - s1 - load<f32>(hr + o) * s2));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Adam / AdamW (Kingma & Ba 2015; Loshchilov & Hutter 2019), one fused pass:
// w ← w·decay; g ← g + l2·w; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − stepSize · m / (√v · rc2 + ε).

export function adamStep(w: usize, grad: usize, m: usize, v: usize, n: i32, b1: f32, b2: f32, stepSize: f32, rc2: f32, eps: f32, l2: f32, decay: f32): void {
  const end = <usize>n << 2;
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(1 - b1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(1 - b2);
  const vstep = f32x4.splat(stepSize), vrc2 = f32x4.splat(rc2), veps = f32x4.splat(eps), vl2 = f32x4.splat(l2), vdecay = f32x4.splat(decay);
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    const wi = f32x4.mul(v128.load(w + o), vdecay);
    const g = f32x4.add(v128.load(grad + o), f32x4.mul(vl2, wi));
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, g));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vc2, f32x4.mul(g, g)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(w + o, f32x4.sub(wi, f32x4.div(f32x4.mul(vstep, mi), f32x4.add(f32x4.mul(f32x4.sqrt(vi), vrc2), veps))));
  }
  for (; o < end; o += 4) {
    const wi = load<f32>(w + o) * decay;
    const g = load<f32>(grad + o) + l2 * wi;
    const mi = b1 * load<f32>(m + o) + (1 - b1) * g;
    const vi = b2 * load<f32>(v + o) + (1 - b2) * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, wi - (stepSize * mi) / (Mathf.sqrt(vi) * rc2 + eps));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// conv1d over time, channels-last: im2col rows are windows of K·Cin contiguous values.

/** cols[(b·Tout + t), k·Cin + c] = x[b, t − pad + k, c] (zero outside the sequence). */
export function im2col(x: usize, cols: usize, B: i32, T: i32, Cin: i32, K: i32, pad: i32, Tout: i32): void {
  const stepBytes = <usize>Cin << 2;
  const rowBytes = <usize>K * stepBytes;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tout; t++) {
      const row = cols + <usize>(b * Tout + t) * rowBytes;
      const t0 = t - pad;
      if (t0 >= 0 && t0 + K <= T) {
        memory.copy(row, x + <usize>(b * T + t0) * stepBytes, rowBytes);
      } else {
        for (let k = 0; k < K; k++) {
          const ti = t0 + k;
          const dst = row + <usize>k * stepBytes;
          if (ti >= 0 && ti < T) memory.copy(dst, x + <usize>(b * T + ti) * stepBytes, stepBytes);
          else memory.fill(dst, 0, stepBytes);
        }
      }
    }
  }
}

/** gx[b, t − pad + k, c] += dcols[(b·Tout + t), k·Cin + c] (the adjoint of im2col). */
export function col2im(dcols: usize, gx: usize, B: i32, T: i32, Cin: i32, K: i32, pad: i32, Tout: i32): void {
  const stepBytes = <usize>Cin << 2;
  const vecEnd = stepBytes & ~(<usize>15);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tout; t++) {
      const row = dcols + <usize>(b * Tout + t) * K * stepBytes;
      for (let k = 0; k < K; k++) {
        const ti = t - pad + k;
        if (ti < 0 || ti >= T) continue;
        const dst = gx + <usize>(b * T + ti) * stepBytes, src = row + <usize>k * stepBytes;
        let o: usize = 0;
        for (; o < vecEnd; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
        for (; o < stepBytes; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Max pooling over time of x [B, T, C] → out [B, C], with the flat index of each maximum (first one wins).

export function maxPoolTimeForward(x: usize, out: usize, arg: usize, B: i32, T: i32, C: i32, lengths: usize): void {
  const rowBytes = <usize>C << 2;
  const vecEnd = rowBytes & ~(<usize>15);
  for (let b = 0; b < B; b++) {
    const L = lengths ? load<i32>(lengths + (<usize>b << 2)) : T;
    const ob = out + <usize>b * rowBytes, ab = arg + <usize>b * rowBytes;
    const base0 = b * T * C;
    let o: usize = 0;
    for (; o < vecEnd; o += 16) {
      const c0 = <i32>(o >> 2);
      let best = f32x4.splat(-Infinity);
      let at = i32x4.add(i32x4.splat(base0 + c0), i32x4(0, 1, 2, 3));
      let idx = at;
      const stride = i32x4.splat(C);
      let src = x + <usize>b * T * rowBytes + o;
      for (let t = 0; t < L; t++) {
        const v = v128.load(src);
        const better = f32x4.gt(v, best);
        best = v128.bitselect(v, best, better);
        at = v128.bitselect(idx, at, better);
        idx = i32x4.add(idx, stride);
        src += rowBytes;
      }
      v128.store(ob + o, best);
      v128.store(ab + o, at);
    }
    for (; o < rowBytes; o += 4) {
      const c = <i32>(o >> 2);
      let best: f32 = -Infinity;
      let at = base0 + c;
      for (let t = 0; t < L; t++) {
        const v = load<f32>(x + <usize>(base0 + t * C + c) * 4);
        if (v > best) { best = v; at = base0 + t * C + c; }
      }
      store<f32>(ob + o, best);
      store<i32>(ab + o, at);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fused self-attention straight from the QKV projection (see src/nn/ops/attention-core.ts for the maths).
// qkv [B, T, 3D] holds Q | K | V with heads side by side; each head's tiles are read in place through the gemm's
// leading dimensions. P [B·h, T, T] keeps the softmax for backward; each tile's dropout mask is regenerated from the
// seed (sub-stream b·h + head).

/** Fills dst with the n dropout multipliers (keep or 0) of tile `tile`'s sub-stream of `seed`. */
function dropoutMask(dst: usize, n: i32, seed: u32, tile: i32, threshold: u32, keep: f32): void {
  let s = laneStates(seed, <u32>tile << 2);
  const vt = i32x4.splat(threshold), vk = f32x4.splat(keep);
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) {
    s = xorshiftV(s);
    v128.store(dst + o, v128.and(vk, i32x4.ge_u(s, vt)));
  }
  if (o < end) {
    s = xorshiftV(s);
    storePartial(dst + o, v128.and(vk, i32x4.ge_u(s, vt)), (end - o) >> 2);
  }
}

/**
 * out [B, T, D] = per head Drop(softmax(α·Q·Kᵀ + mask))·V. mask: 0 or u8 [B, T, T] (1 = masked). threshold 0
 * means no dropout. work holds 2·T² floats.
 */
export function attentionForward(
  qkv: usize, out: usize, P: usize, B: i32, T: i32, D: i32, heads: i32, alpha: f32, mask: usize, maskValue: f32,
  seed: u32, threshold: u32, keep: f32, work: usize, scratch: usize,
): void {
  const dh = D / heads, D3 = 3 * D, TT = T * T;
  const w = work, mt = work + (<usize>TT << 2);
  for (let b = 0; b < B; b++) {
    const xb = qkv + (<usize>(b * T * D3) << 2);
    for (let hh = 0; hh < heads; hh++) {
      const pt = P + (<usize>((b * heads + hh) * TT) << 2);
      const q = xb + (<usize>(hh * dh) << 2), k = q + (<usize>D << 2), v = k + (<usize>D << 2);
      gemm(0, 1, T, T, dh, alpha, q, D3, k, D3, 0, pt, T, scratch);
      if (mask) {
        const mb = mask + <usize>(b * TT);
        for (let i = 0; i < TT; i++) if (load<u8>(mb + <usize>i)) store<f32>(pt + (<usize>i << 2), maskValue);
      }
      softmaxForward(pt, pt, T, T);
      let weights = pt;
      if (threshold) {
        dropoutMask(mt, TT, seed, b * heads + hh, threshold, keep);
        mulInto(pt, mt, w, TT);
        weights = w;
      }
      gemm(0, 0, T, dh, T, 1, weights, T, v, D3, 0, out + (<usize>(b * T * D + hh * dh) << 2), D, scratch);
    }
  }
}

function mulInto(x: usize, y: usize, out: usize, n: i32): void {
  const end = <usize>n << 2;
  let o: usize = 0;
  for (; o + 16 <= end; o += 16) v128.store(out + o, f32x4.mul(v128.load(x + o), v128.load(y + o)));
  for (; o < end; o += 4) store<f32>(out + o, load<f32>(x + o) * load<f32>(y + o));
}

/**
 * gX [B, T, 3D] += the gradient of attentionForward for output gradient G [B, T, D]. work holds 3·T² floats.
 */
export function attentionBackward(
  qkv: usize, G: usize, gX: usize, P: usize, B: i32, T: i32, D: i32, heads: i32, alpha: f32,
  seed: u32, threshold: u32, keep: f32, work: usize, scratch: usize,
): void {
  const dh = D / heads, D3 = 3 * D, TT = T * T;
  const w = work, mt = work + (<usize>TT << 2), dP = work + (<usize>(2 * TT) << 2);
  for (let b = 0; b < B; b++) {
    const xb = qkv + (<usize>(b * T * D3) << 2), gb = gX + (<usize>(b * T * D3) << 2);
    for (let hh = 0; hh < heads; hh++) {
      const pt = P + (<usize>((b * heads + hh) * TT) << 2);
      const off = <usize>(hh * dh) << 2, dOff = <usize>D << 2;
      const q = xb + off, k = q + dOff, v = k + dOff;
      const gq = gb + off, gk = gq + dOff, gv = gk + dOff;
      const g = G + (<usize>(b * T * D + hh * dh) << 2);
      let weights = pt;
      if (threshold) {
        dropoutMask(mt, TT, seed, b * heads + hh, threshold, keep);
        mulInto(pt, mt, w, TT);
        weights = w;
      }
      // ∂V += (P⊙M)ᵀ·∂C; ∂(P⊙M) = ∂C·Vᵀ; ∂P = ∂(P⊙M)⊙M; ∂S = P⊙(∂P − rowsum(∂P⊙P)); ∂Q += α∂S·K; ∂K += α∂Sᵀ·Q.
      gemm(1, 0, T, dh, T, 1, weights, T, g, D, 1, gv, D3, scratch);
      gemm(0, 1, T, T, dh, 1, g, D, v, D3, 0, dP, T, scratch);
      if (threshold) mulInto(dP, mt, dP, TT);
      const rowBytes = <usize>T << 2;
      for (let r = 0; r < T; r++) softmaxBackRow(pt + <usize>r * rowBytes, dP + <usize>r * rowBytes, dP + <usize>r * rowBytes, T, false);
      gemm(0, 0, T, dh, T, alpha, dP, T, k, D3, 1, gq, D3, scratch);
      gemm(1, 0, T, dh, T, alpha, dP, T, q, D3, 1, gk, D3, scratch);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// GRU gates (Cho et al. 2014, PyTorch form), one time step s for the whole batch; the products h·W_hhᵀ run as gemms
// between calls. Sample b reads time t = s (or L_b − 1 − s when reverse) and stops (carries h) once s ≥ L_b.
// Layouts: X [B, T, 3H] (input projections r | z | n), gh [B, 3H] (W_hh·h + b_hh), h* [B, H], Y [B, T, H];
// R, Z, N, GHN [B, H] slices of this step (kept for backward; zero for finished samples).

/** r = σ(x_r + gh_r), z = σ(x_z + gh_z), n = tanh(x_n + r ⊙ gh_n), h' = (1 − z) ⊙ n + z ⊙ h. */
export function gruForwardStep(
  X: usize, gh: usize, hPrev: usize, hNext: usize, Y: usize, R: usize, Z: usize, N: usize, GHN: usize,
  B: i32, T: i32, H: i32, s: i32, lengths: usize, reverse: i32,
): void {
  const rowBytes = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const L = load<i32>(lengths + (<usize>b << 2));
    const hb = <usize>b * rowBytes;
    if (s >= L) {
      memory.copy(hNext + hb, hPrev + hb, rowBytes);
      memory.fill(R + hb, 0, rowBytes);
      memory.fill(Z + hb, 0, rowBytes);
      memory.fill(N + hb, 0, rowBytes);
      memory.fill(GHN + hb, 0, rowBytes);
      continue;
    }
    const t = reverse ? L - 1 - s : s;
    const xb = X + <usize>(b * T + t) * 3 * rowBytes, gb = gh + <usize>b * 3 * rowBytes, yb = Y + <usize>(b * T + t) * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const lanes = min<usize>(4, (rowBytes - o) >> 2);
      const full = lanes == 4;
      const xr = full ? v128.load(xb + o) : loadPartial(xb + o, lanes);
      const xz = full ? v128.load(xb + rowBytes + o) : loadPartial(xb + rowBytes + o, lanes);
      const xn = full ? v128.load(xb + 2 * rowBytes + o) : loadPartial(xb + 2 * rowBytes + o, lanes);
      const gr = full ? v128.load(gb + o) : loadPartial(gb + o, lanes);
      const gz = full ? v128.load(gb + rowBytes + o) : loadPartial(gb + rowBytes + o, lanes);
      const gn = full ? v128.load(gb + 2 * rowBytes + o) : loadPartial(gb + 2 * rowBytes + o, lanes);
      const hp = full ? v128.load(hPrev + hb + o) : loadPartial(hPrev + hb + o, lanes);
      const r = sigmoidV(f32x4.add(xr, gr));
      const z = sigmoidV(f32x4.add(xz, gz));
      const n = tanhV(f32x4.add(xn, f32x4.mul(r, gn)));
      const h = f32x4.add(f32x4.mul(f32x4.sub(one, z), n), f32x4.mul(z, hp));
      if (full) {
        v128.store(hNext + hb + o, h);
        v128.store(yb + o, h);
        v128.store(R + hb + o, r);
        v128.store(Z + hb + o, z);
        v128.store(N + hb + o, n);
        v128.store(GHN + hb + o, gn);
      } else {
        storePartial(hNext + hb + o, h, lanes);
        storePartial(yb + o, h, lanes);
        storePartial(R + hb + o, r, lanes);
        storePartial(Z + hb + o, z, lanes);
        storePartial(N + hb + o, n, lanes);
        storePartial(GHN + hb + o, gn, lanes);
      }
    }
  }
}

/**
 * Backward through the gates of step s: with d = ∂h' (dh + G at the step's output), writes dGh [B, 3H] (the
 * pre-activation gradients ∂r̃, ∂z̃ and r ⊙ ∂ñ, i.e. the gradient of gh), dhPrev = d ⊙ z (the products' part is
 * added by a gemm afterwards) and adds ∂r̃ | ∂z̃ | ∂ñ into gX [B, T, 3H] (0: skipped). Finished samples pass dh on.
 */
export function gruBackwardStep(
  G: usize, dh: usize, dhPrev: usize, dGh: usize, gX: usize, hPrev: usize, R: usize, Z: usize, N: usize, GHN: usize,
  B: i32, T: i32, H: i32, s: i32, lengths: usize, reverse: i32,
): void {
  const rowBytes = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const L = load<i32>(lengths + (<usize>b << 2));
    const hb = <usize>b * rowBytes, gb = dGh + <usize>b * 3 * rowBytes;
    if (s >= L) {
      memory.copy(dhPrev + hb, dh + hb, rowBytes);
      memory.fill(gb, 0, 3 * rowBytes);
      continue;
    }
    const t = reverse ? L - 1 - s : s;
    const yb = G + <usize>(b * T + t) * rowBytes, xb = gX + <usize>(b * T + t) * 3 * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const lanes = min<usize>(4, (rowBytes - o) >> 2);
      const full = lanes == 4;
      const d = f32x4.add(full ? v128.load(dh + hb + o) : loadPartial(dh + hb + o, lanes), full ? v128.load(yb + o) : loadPartial(yb + o, lanes));
      const r = full ? v128.load(R + hb + o) : loadPartial(R + hb + o, lanes);
      const z = full ? v128.load(Z + hb + o) : loadPartial(Z + hb + o, lanes);
      const n = full ? v128.load(N + hb + o) : loadPartial(N + hb + o, lanes);
      const ghn = full ? v128.load(GHN + hb + o) : loadPartial(GHN + hb + o, lanes);
      const hp = full ? v128.load(hPrev + hb + o) : loadPartial(hPrev + hb + o, lanes);
      const omz = f32x4.sub(one, z);
      const dn = f32x4.mul(f32x4.mul(d, omz), f32x4.sub(one, f32x4.mul(n, n)));
      const dz = f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(hp, n)), z), omz);
      const dr = f32x4.mul(f32x4.mul(f32x4.mul(dn, ghn), r), f32x4.sub(one, r));
      const dnr = f32x4.mul(dn, r);
      const dp = f32x4.mul(d, z);
      if (full) {
        v128.store(gb + o, dr);
        v128.store(gb + rowBytes + o, dz);
        v128.store(gb + 2 * rowBytes + o, dnr);
        v128.store(dhPrev + hb + o, dp);
      } else {
        storePartial(gb + o, dr, lanes);
        storePartial(gb + rowBytes + o, dz, lanes);
        storePartial(gb + 2 * rowBytes + o, dnr, lanes);
        storePartial(dhPrev + hb + o, dp, lanes);
      }
      if (gX) {
        if (full) {
          v128.store(xb + o, f32x4.add(v128.load(xb + o), dr));
          v128.store(xb + rowBytes + o, f32x4.add(v128.load(xb + rowBytes + o), dz));
          v128.store(xb + 2 * rowBytes + o, f32x4.add(v128.load(xb + 2 * rowBytes + o), dn));
        } else {
          storePartial(xb + o, f32x4.add(loadPartial(xb + o, lanes), dr), lanes);
          storePartial(xb + rowBytes + o, f32x4.add(loadPartial(xb + rowBytes + o, lanes), dz), lanes);
          storePartial(xb + 2 * rowBytes + o, f32x4.add(loadPartial(xb + 2 * rowBytes + o, lanes), dn), lanes);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Embedding rows: gather forward, scatter-add backward (rows whose id equals `pad` are skipped / left zero).

/** out[i] = W[ids[i]] for n rows of width D; rows with id == pad are zero. */
export function embeddingForward(ids: usize, W: usize, out: usize, n: i32, D: i32, pad: i32): void {
  const rowBytes = <usize>D << 2;
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    const dst = out + <usize>i * rowBytes;
    if (id == pad) memory.fill(dst, 0, rowBytes);
    else memory.copy(dst, W + <usize>id * rowBytes, rowBytes);
  }
}

/** gW[ids[i]] += g[i] for n rows of width D, in row order; rows with id == pad are skipped. */
export function embeddingBackward(ids: usize, g: usize, gW: usize, n: i32, D: i32, pad: i32): void {
  const rowBytes = <usize>D << 2;
  const vecEnd = rowBytes & ~(<usize>15);
  for (let i = 0; i < n; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    if (id == pad) continue;
    const src = g + <usize>i * rowBytes, dst = gW + <usize>id * rowBytes;
    let o: usize = 0;
    for (; o < vecEnd; o += 16) v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    for (; o < rowBytes; o += 4) store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// LSTM gates (Hochreiter & Schmidhuber 1997, PyTorch form: i, f, g, o), one time step s for the whole batch, with
// the same conventions as the GRU steps. X [B, T, 4H], gh [B, 4H], h*, c* [B, H], Y [B, T, H]; this step's
// activated gates A [B, 4H] and tanh(c') TC [B, H] are kept for backward (zero for finished samples).

/** i, f, o = σ(x + gh), g = tanh(x + gh); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). */
export function lstmForwardStep(
  X: usize, gh: usize, hPrev: usize, cPrev: usize, hNext: usize, cNext: usize, Y: usize, A: usize, TC: usize,
  B: i32, T: i32, H: i32, s: i32, lengths: usize, reverse: i32,
): void {
  const rowBytes = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const L = load<i32>(lengths + (<usize>b << 2));
    const hb = <usize>b * rowBytes, gb = <usize>b * 4 * rowBytes;
    if (s >= L) {
      memory.copy(hNext + hb, hPrev + hb, rowBytes);
      memory.copy(cNext + hb, cPrev + hb, rowBytes);
      memory.fill(A + gb, 0, 4 * rowBytes);
      memory.fill(TC + hb, 0, rowBytes);
      continue;
    }
    const t = reverse ? L - 1 - s : s;
    const xb = X + <usize>(b * T + t) * 4 * rowBytes, ghb = gh + gb, ab = A + gb, yb = Y + <usize>(b * T + t) * rowBytes;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const lanes = min<usize>(4, (rowBytes - o) >> 2);
      const full = lanes == 4;
      const pi = f32x4.add(full ? v128.load(xb + o) : loadPartial(xb + o, lanes), full ? v128.load(ghb + o) : loadPartial(ghb + o, lanes));
      const pf = f32x4.add(full ? v128.load(xb + rowBytes + o) : loadPartial(xb + rowBytes + o, lanes), full ? v128.load(ghb + rowBytes + o) : loadPartial(ghb + rowBytes + o, lanes));
      const pg = f32x4.add(full ? v128.load(xb + 2 * rowBytes + o) : loadPartial(xb + 2 * rowBytes + o, lanes), full ? v128.load(ghb + 2 * rowBytes + o) : loadPartial(ghb + 2 * rowBytes + o, lanes));
      const po = f32x4.add(full ? v128.load(xb + 3 * rowBytes + o) : loadPartial(xb + 3 * rowBytes + o, lanes), full ? v128.load(ghb + 3 * rowBytes + o) : loadPartial(ghb + 3 * rowBytes + o, lanes));
      const cp = full ? v128.load(cPrev + hb + o) : loadPartial(cPrev + hb + o, lanes);
      const i = sigmoidV(pi), f = sigmoidV(pf), g = tanhV(pg), og = sigmoidV(po);
      const c = f32x4.add(f32x4.mul(f, cp), f32x4.mul(i, g));
      const tc = tanhV(c);
      const h = f32x4.mul(og, tc);
      if (full) {
        v128.store(cNext + hb + o, c);
        v128.store(hNext + hb + o, h);
        v128.store(yb + o, h);
        v128.store(ab + o, i);
        v128.store(ab + rowBytes + o, f);
        v128.store(ab + 2 * rowBytes + o, g);
        v128.store(ab + 3 * rowBytes + o, og);
        v128.store(TC + hb + o, tc);
      } else {
        storePartial(cNext + hb + o, c, lanes);
        storePartial(hNext + hb + o, h, lanes);
        storePartial(yb + o, h, lanes);
        storePartial(ab + o, i, lanes);
        storePartial(ab + rowBytes + o, f, lanes);
        storePartial(ab + 2 * rowBytes + o, g, lanes);
        storePartial(ab + 3 * rowBytes + o, og, lanes);
        storePartial(TC + hb + o, tc, lanes);
      }
    }
  }
}

/**
 * Backward through the gates of step s: d = dh + G, ∂c = dc + d ⊙ o ⊙ (1 − tanh²c'); dGh [B, 4H] = the gates'
 * pre-activation gradients, dc ← ∂c ⊙ f (in place), dhPrev = 0 (the products' part is added by a gemm), gX += dGh
 * rows (0: skipped). Finished samples pass dh and dc on.
 */
export function lstmBackwardStep(
  G: usize, dh: usize, dc: usize, dhPrev: usize, dGh: usize, gX: usize, cPrev: usize, A: usize, TC: usize,
  B: i32, T: i32, H: i32, s: i32, lengths: usize, reverse: i32,
): void {
  const rowBytes = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const L = load<i32>(lengths + (<usize>b << 2));
    const hb = <usize>b * rowBytes, gb = <usize>b * 4 * rowBytes;
    if (s >= L) {
      memory.copy(dhPrev + hb, dh + hb, rowBytes);
      memory.fill(dGh + gb, 0, 4 * rowBytes);
      continue;
    }
    memory.fill(dhPrev + hb, 0, rowBytes);
    const t = reverse ? L - 1 - s : s;
    const yb = G + <usize>(b * T + t) * rowBytes, xb = gX + <usize>(b * T + t) * 4 * rowBytes, ab = A + gb, db = dGh + gb;
    for (let o: usize = 0; o < rowBytes; o += 16) {
      const lanes = min<usize>(4, (rowBytes - o) >> 2);
      const full = lanes == 4;
      const d = f32x4.add(full ? v128.load(dh + hb + o) : loadPartial(dh + hb + o, lanes), full ? v128.load(yb + o) : loadPartial(yb + o, lanes));
      const i = full ? v128.load(ab + o) : loadPartial(ab + o, lanes);
      const f = full ? v128.load(ab + rowBytes + o) : loadPartial(ab + rowBytes + o, lanes);
      const g = full ? v128.load(ab + 2 * rowBytes + o) : loadPartial(ab + 2 * rowBytes + o, lanes);
      const og = full ? v128.load(ab + 3 * rowBytes + o) : loadPartial(ab + 3 * rowBytes + o, lanes);
      const tc = full ? v128.load(TC + hb + o) : loadPartial(TC + hb + o, lanes);
      const cp = full ? v128.load(cPrev + hb + o) : loadPartial(cPrev + hb + o, lanes);
      const dcIn = full ? v128.load(dc + hb + o) : loadPartial(dc + hb + o, lanes);
      const dcv = f32x4.add(dcIn, f32x4.mul(f32x4.mul(d, og), f32x4.sub(one, f32x4.mul(tc, tc))));
      const di = f32x4.mul(f32x4.mul(f32x4.mul(dcv, g), i), f32x4.sub(one, i));
      const df = f32x4.mul(f32x4.mul(f32x4.mul(dcv, cp), f), f32x4.sub(one, f));
      const dg = f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g)));
      const dO = f32x4.mul(f32x4.mul(f32x4.mul(d, tc), og), f32x4.sub(one, og));
      const dcOut = f32x4.mul(dcv, f);
      if (full) {
        v128.store(dc + hb + o, dcOut);
        v128.store(db + o, di);
        v128.store(db + rowBytes + o, df);
        v128.store(db + 2 * rowBytes + o, dg);
        v128.store(db + 3 * rowBytes + o, dO);
      } else {
        storePartial(dc + hb + o, dcOut, lanes);
        storePartial(db + o, di, lanes);
        storePartial(db + rowBytes + o, df, lanes);
        storePartial(db + 2 * rowBytes + o, dg, lanes);
        storePartial(db + 3 * rowBytes + o, dO, lanes);
      }
      if (gX) {
        if (full) {
          v128.store(xb + o, f32x4.add(v128.load(xb + o), di));
          v128.store(xb + rowBytes + o, f32x4.add(v128.load(xb + rowBytes + o), df));
          v128.store(xb + 2 * rowBytes + o, f32x4.add(v128.load(xb + 2 * rowBytes + o), dg));
          v128.store(xb + 3 * rowBytes + o, f32x4.add(v128.load(xb + 3 * rowBytes + o), dO));
        } else {
          storePartial(xb + o, f32x4.add(loadPartial(xb + o, lanes), di), lanes);
          storePartial(xb + rowBytes + o, f32x4.add(loadPartial(xb + rowBytes + o, lanes), df), lanes);
          storePartial(xb + 2 * rowBytes + o, f32x4.add(loadPartial(xb + 2 * rowBytes + o, lanes), dg), lanes);
          storePartial(xb + 3 * rowBytes + o, f32x4.add(loadPartial(xb + 3 * rowBytes + o, lanes), dO), lanes);
        }
      }
    }
  }
}
