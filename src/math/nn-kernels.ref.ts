/**
 * @module Reference twins of the deep-learning kernels (assembly/nn.ts) in plain TypeScript: what nn-kernels.ts
 * runs without WASM SIMD or on arrays too short to repay a call, and what the tests hold the WASM kernels to.
 * Accumulations run in float64; the dropout stream is the same xorshift32 sequence bit for bit.
 */
import { gemmJs } from './kernels-js.js';

/** out = max(x, 0). Branch-free: on mixed-sign data a `v > 0 ?` branch mispredicts half the time. */
export function reluForwardRef(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = (v + Math.abs(v)) * 0.5;
  }
}

/** gx += g ⊙ [x > 0] */
export function reluBackwardRef(x: Float32Array, g: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < x.length; i++) gx[i] = gx[i]! + g[i]! * +(x[i]! > 0);
}

/** √(2/π), the constant of the tanh approximation of GELU. */
const GELU_C = Math.sqrt(2 / Math.PI);
/** Cubic coefficient of the GELU tanh approximation (Hendrycks & Gimpel 2016). */
const GELU_K = 0.044715;

/** out = 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) */
export function geluForwardRef(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + GELU_K * v * v * v)));
  }
}

/** gx += g · (0.5(1 + t) + 0.5x(1 − t²)√(2/π)(1 + 3·0.044715x²)) */
export function geluBackwardRef(x: Float32Array, g: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = Math.tanh(GELU_C * (v + GELU_K * v * v * v));
    const dv = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * GELU_K * v * v);
    gx[i] = gx[i]! + g[i]! * dv;
  }
}

/** out = e^x */
export function expForwardRef(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!);
}

/** out = σ(x) = 1/(1 + e^−x); in float64 e^−x overflows to ∞ for x < −709 and the result is 0, not NaN. */
export function sigmoidForwardRef(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = 1 / (1 + Math.exp(-x[i]!));
}

/** out = tanh(x) */
export function tanhForwardRef(x: Float32Array, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!);
}

/** gx += g ⊙ y ⊙ (1 − y), y = σ(x) */
export function sigmoidBackwardRef(y: Float32Array, g: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < y.length; i++) gx[i] = gx[i]! + g[i]! * y[i]! * (1 - y[i]!);
}

/** gx += g ⊙ (1 − y²), y = tanh(x) */
export function tanhBackwardRef(y: Float32Array, g: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < y.length; i++) gx[i] = gx[i]! + g[i]! * (1 - y[i]! * y[i]!);
}

/** gx += g ⊙ y */
export function mulAccumulateRef(g: Float32Array, y: Float32Array, gx: Float32Array): void {
  for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + g[i]! * y[i]!;
}

/** gb[j] += Σ_r G[r, j] */
export function sumRowsIntoRef(G: Float32Array, rows: number, cols: number, gb: Float32Array): void {
  for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < cols; j++, i++) gb[j] = gb[j]! + G[i]!;
}

/** The dropout threshold ⌊p·2³²⌋ (keep a draw ≥ it) and the survivors' scale 1/(1 − p) rounded to float32. */
export function dropoutConstants(p: number): { threshold: number; keep: number } {
  return { threshold: Math.floor(p * 4294967296), keep: Math.fround(1 / (1 - p)) };
}

/**
 * The four lane states of dropout stream `seed`, sub-stream k0: fmix32(seed + (k0 + j)·0x9E3779B9) | 1 for lane j
 * (MurmurHash3's finaliser, so nearby seeds give unrelated streams; | 1 keeps xorshift off its zero fixed point).
 */
export function dropoutLaneStates(seed: number, k0: number): Int32Array {
  const s = new Int32Array(4);
  for (let j = 0; j < 4; j++) {
    let h = (seed + Math.imul(k0 + j, 0x9e3779b9)) | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    s[j] = h | 1;
  }
  return s;
}

/**
 * The dropout stream: four interleaved xorshift32 generators (Marsaglia 2003); element i advances lane i mod 4 (for
 * the ⌊i/4⌋-th time) and is kept when that draw, read unsigned, is ≥ threshold. Writes keep or 0 per element.
 */
export function dropoutMultipliers(dst: Float32Array, seed: number, k0: number, p: number): void {
  const { threshold, keep } = dropoutConstants(p);
  const s = dropoutLaneStates(seed, k0);
  for (let i = 0; i < dst.length; i++) {
    const j = i & 3;
    let v = s[j]!;
    v ^= v << 13;
    v ^= v >>> 17;
    v ^= v << 5;
    s[j] = v;
    dst[i] = keep * +(v >>> 0 >= threshold);
  }
}

/** out = x ⊙ mask / (1 − p), the mask of `dropoutMultipliers(seed, 0)`. */
export function dropoutForwardRef(x: Float32Array, out: Float32Array, seed: number, p: number): void {
  const m = new Float32Array(x.length);
  dropoutMultipliers(m, seed, 0, p);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! * m[i]!;
}

/** gx += g ⊙ mask / (1 − p), the mask of dropoutForwardRef with the same seed. */
export function dropoutBackwardRef(g: Float32Array, gx: Float32Array, seed: number, p: number): void {
  const m = new Float32Array(g.length);
  dropoutMultipliers(m, seed, 0, p);
  // The product rounded to float32 first, as the kernel does.
  for (let i = 0; i < g.length; i++) gx[i] = gx[i]! + Math.fround(g[i]! * m[i]!);
}

/** y = softmax(x) per row (x and y may alias). */
export function softmaxForwardRef(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) if (x[base + j]! > mx) mx = x[base + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[base + j]! - mx);
      y[base + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < cols; j++) y[base + j] = y[base + j]! * inv;
  }
}

/** gx += y ⊙ (g − rowsum(g ⊙ y)) */
export function softmaxBackwardRef(y: Float32Array, g: Float32Array, gx: Float32Array, rows: number, cols: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let dot = 0;
    for (let j = 0; j < cols; j++) dot += g[base + j]! * y[base + j]!;
    for (let j = 0; j < cols; j++) gx[base + j] = gx[base + j]! + y[base + j]! * (g[base + j]! - dot);
  }
}

/** y = x − log Σ e^x per row (x and y may alias). */
export function logSoftmaxForwardRef(x: Float32Array, y: Float32Array, rows: number, cols: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let mx = -Infinity;
    for (let j = 0; j < cols; j++) if (x[base + j]! > mx) mx = x[base + j]!;
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[base + j]! - mx);
    const lse = mx + Math.log(s);
    for (let j = 0; j < cols; j++) y[base + j] = x[base + j]! - lse;
  }
}

/** gx += g − e^y · rowsum(g) */
export function logSoftmaxBackwardRef(y: Float32Array, g: Float32Array, gx: Float32Array, rows: number, cols: number): void {
  for (let r = 0, base = 0; r < rows; r++, base += cols) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += g[base + j]!;
    for (let j = 0; j < cols; j++) gx[base + j] = gx[base + j]! + g[base + j]! - Math.exp(y[base + j]!) * s;
  }
}

/** x̂ = (x − μ)/√(σ² + ε) per row of n, out = γ ⊙ x̂ + β (null γ / β: ones / zeros); rstd[r] = 1/√(σ² + ε). */
export function layerNormForwardRef(
  x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, out: Float32Array, xhat: Float32Array,
  rstd: Float32Array, rows: number, n: number, eps: number,
): void {
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    let mu = 0;
    for (let j = 0; j < n; j++) mu += x[base + j]!;
    mu /= n;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const c = x[base + j]! - mu;
      v += c * c;
    }
    const rs = 1 / Math.sqrt(v / n + eps);
    rstd[r] = rs;
    for (let j = 0; j < n; j++) {
      const h = (x[base + j]! - mu) * rs;
      xhat[base + j] = h;
      out[base + j] = (gamma === null ? h : gamma[j]! * h) + (beta === null ? 0 : beta[j]!);
    }
  }
}

/** ∂x += r·(ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂)) with ĝ = g ⊙ γ; ∂γ += Σ g ⊙ x̂; ∂β += Σ g (null outputs skipped). */
export function layerNormBackwardRef(
  g: Float32Array, xhat: Float32Array, rstd: Float32Array, gamma: Float32Array | null,
  gx: Float32Array | null, gg: Float32Array | null, gb: Float32Array | null, rows: number, n: number,
): void {
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    let s1 = 0, s2 = 0;
    for (let j = 0; j < n; j++) {
      const gv = g[base + j]!, h = xhat[base + j]!;
      if (gg !== null) gg[j] = gg[j]! + gv * h;
      if (gb !== null) gb[j] = gb[j]! + gv;
      const gh = gamma === null ? gv : gv * gamma[j]!;
      s1 += gh;
      s2 += gh * h;
    }
    if (gx === null) continue;
    s1 /= n;
    s2 /= n;
    const rs = rstd[r]!;
    for (let j = 0; j < n; j++) {
      const gh = gamma === null ? g[base + j]! : g[base + j]! * gamma[j]!;
      gx[base + j] = gx[base + j]! + rs * (gh - s1 - xhat[base + j]! * s2);
    }
  }
}

/** Hyper-parameters of one Adam step (see adamStepRef). */
export interface AdamStepArgs {
  b1: number;
  b2: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  /** 1 / √(1 − β₂ᵗ) */
  rc2: number;
  eps: number;
  /** Coupled (L2) weight decay λ added to the gradient. */
  l2: number;
  /** Decoupled decay factor 1 − lr·λ applied to the weights first (1 for none). */
  decay: number;
}

/**
 * One Adam / AdamW step in place (Kingma & Ba 2015; Loshchilov & Hutter 2019): w ← w·decay; g ← g + l2·w;
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − stepSize · m / (√v · rc2 + ε).
 */
export function adamStepRef(w: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, a: AdamStepArgs): void {
  const { b1, b2, stepSize, rc2, eps, l2, decay } = a;
  const c1 = 1 - b1, c2 = 1 - b2;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i]! * decay;
    const g = grad[i]! + l2 * wi;
    const mi = b1 * m[i]! + c1 * g, vi = b2 * v[i]! + c2 * g * g;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (stepSize * mi) / (Math.sqrt(vi) * rc2 + eps);
  }
}

/** Shape of a channels-last conv1d: x [B, T, Cin], kernel K, zero padding, Tout = T + 2·pad − K + 1 steps out. */
export interface Conv1dShape {
  B: number;
  T: number;
  Cin: number;
  K: number;
  pad: number;
  Tout: number;
}

/** cols[(b·Tout + t), k·Cin + c] = x[b, t − pad + k, c], zero outside the sequence. */
export function im2colRef(x: Float32Array, cols: Float32Array, s: Conv1dShape): void {
  const { B, T, Cin, K, pad, Tout } = s;
  const KC = K * Cin;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tout; t++) {
      const row = (b * Tout + t) * KC;
      for (let k = 0; k < K; k++) {
        const ti = t - pad + k;
        if (ti >= 0 && ti < T) cols.set(x.subarray((b * T + ti) * Cin, (b * T + ti + 1) * Cin), row + k * Cin);
        else cols.fill(0, row + k * Cin, row + (k + 1) * Cin);
      }
    }
  }
}

/** gx[b, t − pad + k, c] += dcols[(b·Tout + t), k·Cin + c] (the adjoint of im2col). */
export function col2imRef(dcols: Float32Array, gx: Float32Array, s: Conv1dShape): void {
  const { B, T, Cin, K, pad, Tout } = s;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < Tout; t++) {
      const row = (b * Tout + t) * K * Cin;
      for (let k = 0; k < K; k++) {
        const ti = t - pad + k;
        if (ti < 0 || ti >= T) continue;
        const dst = (b * T + ti) * Cin, src = row + k * Cin;
        for (let c = 0; c < Cin; c++) gx[dst + c] = gx[dst + c]! + dcols[src + c]!;
      }
    }
  }
}

/**
 * out[b, c] = max over t < length_b of x[b, t, c]; arg[b, c] = the flat index of the first maximum (of x[b, 0, c]
 * when nothing beats −∞).
 */
export function maxPoolTimeForwardRef(
  x: Float32Array, out: Float32Array, arg: Int32Array, B: number, T: number, C: number, lengths: ArrayLike<number> | null,
): void {
  for (let b = 0; b < B; b++) {
    const L = lengths === null ? T : lengths[b]!;
    for (let c = 0; c < C; c++) {
      let best = -Infinity, at = b * T * C + c;
      for (let t = 0, i = b * T * C + c; t < L; t++, i += C) {
        if (x[i]! > best) {
          best = x[i]!;
          at = i;
        }
      }
      out[b * C + c] = best;
      arg[b * C + c] = at;
    }
  }
}

/** Shape and options of the fused self-attention (see attentionForwardRef). */
export interface AttentionShape {
  B: number;
  T: number;
  /** Model width: qkv rows hold 3·D values, outputs D. */
  D: number;
  heads: number;
  /** Score scale α, usually 1/√(D/heads). */
  alpha: number;
  /** Dropout probability on the attention weights (0 for none) and the seed of its stream. */
  p: number;
  seed: number;
}

function gatherTile(dst: Float32Array, X: Float32Array, b: number, T: number, ld: number, dh: number, offset: number): void {
  for (let t = 0; t < T; t++) {
    const src = (b * T + t) * ld + offset, d0 = t * dh;
    for (let j = 0; j < dh; j++) dst[d0 + j] = X[src + j]!;
  }
}

function scatterAddTile(src: Float32Array, X: Float32Array, b: number, T: number, ld: number, dh: number, offset: number): void {
  for (let t = 0; t < T; t++) {
    const dst = (b * T + t) * ld + offset, s0 = t * dh;
    for (let j = 0; j < dh; j++) X[dst + j] = X[dst + j]! + src[s0 + j]!;
  }
}

/**
 * Self-attention from the fused projection qkv [B, T, 3D] (Q | K | V, heads side by side): for each (b, head),
 * P = softmax(α·Q·Kᵀ, masked positions set to maskValue), out tile = Drop(P)·V with heads merged into out [B, T, D].
 * P [B·h, T, T] is kept for backward. mask: u8 [B, T, T] (1 = masked) or null. Tile b·h + head draws its dropout
 * mask from sub-stream 4·(b·h + head) of the seed.
 */
export function attentionForwardRef(
  qkv: Float32Array, out: Float32Array, P: Float32Array, s: AttentionShape, mask: Uint8Array | null, maskValue: number,
): void {
  const { B, T, D, heads, alpha } = s;
  const dh = D / heads, D3 = 3 * D, TT = T * T, tile = T * dh;
  const { threshold } = dropoutConstants(s.p);
  const q = new Float32Array(tile), k = new Float32Array(tile), v = new Float32Array(tile), c = new Float32Array(tile);
  const m = new Float32Array(TT), w = new Float32Array(TT);
  for (let b = 0; b < B; b++) {
    for (let hh = 0; hh < heads; hh++) {
      gatherTile(q, qkv, b, T, D3, dh, hh * dh);
      gatherTile(k, qkv, b, T, D3, dh, D + hh * dh);
      gatherTile(v, qkv, b, T, D3, dh, 2 * D + hh * dh);
      const Pt = P.subarray((b * heads + hh) * TT, (b * heads + hh + 1) * TT);
      gemmJs({ m: T, n: T, k: dh, a: q, b: k, c: Pt, transB: true, alpha });
      if (mask !== null) for (let i = 0; i < TT; i++) if (mask[b * TT + i]) Pt[i] = maskValue;
      softmaxForwardRef(Pt, Pt, T, T);
      let weights = Pt;
      if (threshold > 0) {
        dropoutMultipliers(m, s.seed, 4 * (b * heads + hh), s.p);
        for (let i = 0; i < TT; i++) w[i] = Pt[i]! * m[i]!;
        weights = w;
      }
      gemmJs({ m: T, n: dh, k: T, a: weights, b: v, c });
      for (let t = 0; t < T; t++) out.set(c.subarray(t * dh, (t + 1) * dh), (b * T + t) * D + hh * dh);
    }
  }
}

/** gX [B, T, 3D] += the gradient of attentionForwardRef for the output gradient G [B, T, D]. */
export function attentionBackwardRef(qkv: Float32Array, G: Float32Array, gX: Float32Array, P: Float32Array, s: AttentionShape): void {
  const { B, T, D, heads, alpha } = s;
  const dh = D / heads, D3 = 3 * D, TT = T * T, tile = T * dh;
  const { threshold } = dropoutConstants(s.p);
  const q = new Float32Array(tile), k = new Float32Array(tile), v = new Float32Array(tile), g = new Float32Array(tile);
  const gq = new Float32Array(tile), gk = new Float32Array(tile), gv = new Float32Array(tile);
  const m = new Float32Array(TT), w = new Float32Array(TT), dP = new Float32Array(TT);
  for (let b = 0; b < B; b++) {
    for (let hh = 0; hh < heads; hh++) {
      gatherTile(q, qkv, b, T, D3, dh, hh * dh);
      gatherTile(k, qkv, b, T, D3, dh, D + hh * dh);
      gatherTile(v, qkv, b, T, D3, dh, 2 * D + hh * dh);
      gatherTile(g, G, b, T, D, dh, hh * dh);
      const Pt = P.subarray((b * heads + hh) * TT, (b * heads + hh + 1) * TT);
      let weights = Pt;
      if (threshold > 0) {
        dropoutMultipliers(m, s.seed, 4 * (b * heads + hh), s.p);
        for (let i = 0; i < TT; i++) w[i] = Pt[i]! * m[i]!;
        weights = w;
      }
      // ∂V = (P⊙M)ᵀ·∂C; ∂(P⊙M) = ∂C·Vᵀ; ∂P = ∂(P⊙M)⊙M; ∂S = P⊙(∂P − rowsum(∂P⊙P)); ∂Q = α∂S·K; ∂K = α∂Sᵀ·Q.
      gemmJs({ m: T, n: dh, k: T, a: weights, transA: true, b: g, c: gv });
      gemmJs({ m: T, n: T, k: dh, a: g, b: v, transB: true, c: dP });
      if (threshold > 0) for (let i = 0; i < TT; i++) dP[i] = dP[i]! * m[i]!;
      for (let r = 0; r < T; r++) {
        const base = r * T;
        let dot = 0;
        for (let j = 0; j < T; j++) dot += dP[base + j]! * Pt[base + j]!;
        for (let j = 0; j < T; j++) dP[base + j] = Pt[base + j]! * (dP[base + j]! - dot);
      }
      gemmJs({ m: T, n: dh, k: T, a: dP, b: k, c: gq, alpha });
      gemmJs({ m: T, n: dh, k: T, a: dP, transA: true, b: q, c: gk, alpha });
      scatterAddTile(gq, gX, b, T, D3, dh, hh * dh);
      scatterAddTile(gk, gX, b, T, D3, dh, D + hh * dh);
      scatterAddTile(gv, gX, b, T, D3, dh, 2 * D + hh * dh);
    }
  }
}

/** Shape of one GRU step (see gruForwardStepRef): batch, steps, hidden size, step index, direction. */
export interface GruStep {
  B: number;
  T: number;
  H: number;
  /** Step index s: sample b reads time s (L_b − 1 − s when reverse) and is finished once s ≥ L_b. */
  s: number;
  lengths: Int32Array;
  reverse: boolean;
}

function stepTime(p: GruStep, b: number): number {
  const L = p.lengths[b]!;
  if (p.s >= L) return -1;
  return p.reverse ? L - 1 - p.s : p.s;
}

/** σ(v) = 1 / (1 + e^−v); in float64 e^−v overflows to ∞ for v < −709 and the result is 0, not NaN. */
function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/**
 * One GRU step for the batch (Cho et al. 2014, PyTorch form): r = σ(x_r + gh_r), z = σ(x_z + gh_z),
 * n = tanh(x_n + r ⊙ gh_n), h' = (1 − z) ⊙ n + z ⊙ h, with X [B, T, 3H], gh [B, 3H] = h·W_hhᵀ + b_hh, and this
 * step's h, h', R, Z, N, GHN (= gh_n) as [B, H]. Finished samples carry h over (and get zero gates).
 */
export function gruForwardStepRef(
  X: Float32Array, gh: Float32Array, hPrev: Float32Array, hNext: Float32Array, Y: Float32Array,
  R: Float32Array, Z: Float32Array, N: Float32Array, GHN: Float32Array, p: GruStep,
): void {
  const { B, T, H } = p, H3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const t = stepTime(p, b), hb = b * H;
    if (t < 0) {
      for (let j = 0; j < H; j++) hNext[hb + j] = hPrev[hb + j]!;
      for (const a of [R, Z, N, GHN]) a.fill(0, hb, hb + H);
      continue;
    }
    const xb = (b * T + t) * H3, gb = b * H3, yb = (b * T + t) * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(X[xb + j]! + gh[gb + j]!);
      const z = sigmoid(X[xb + H + j]! + gh[gb + H + j]!);
      const ghn = gh[gb + 2 * H + j]!;
      const n = Math.tanh(X[xb + 2 * H + j]! + r * ghn);
      const h = (1 - z) * n + z * hPrev[hb + j]!;
      hNext[hb + j] = h;
      Y[yb + j] = h;
      R[hb + j] = r;
      Z[hb + j] = z;
      N[hb + j] = n;
      GHN[hb + j] = ghn;
    }
  }
}

/**
 * Backward through the gates of one GRU step: with d = dh + G (at the step's output), dGh [B, 3H] = (∂r̃, ∂z̃,
 * r ⊙ ∂ñ), dhPrev = d ⊙ z (the W_hh part is added by a gemm afterwards), gX += (∂r̃, ∂z̃, ∂ñ) when given.
 * Finished samples pass dh on and get zero dGh.
 */
export function gruBackwardStepRef(
  G: Float32Array, dh: Float32Array, dhPrev: Float32Array, dGh: Float32Array, gX: Float32Array | null, hPrev: Float32Array,
  R: Float32Array, Z: Float32Array, N: Float32Array, GHN: Float32Array, p: GruStep,
): void {
  const { B, T, H } = p, H3 = 3 * H;
  for (let b = 0; b < B; b++) {
    const t = stepTime(p, b), hb = b * H, gb = b * H3;
    if (t < 0) {
      for (let j = 0; j < H; j++) dhPrev[hb + j] = dh[hb + j]!;
      dGh.fill(0, gb, gb + H3);
      continue;
    }
    const yb = (b * T + t) * H, xb = (b * T + t) * H3;
    for (let j = 0; j < H; j++) {
      const d = dh[hb + j]! + G[yb + j]!;
      const r = R[hb + j]!, z = Z[hb + j]!, n = N[hb + j]!, ghn = GHN[hb + j]!;
      const dnPre = d * (1 - z) * (1 - n * n);
      const dzPre = d * (hPrev[hb + j]! - n) * z * (1 - z);
      const drPre = dnPre * ghn * r * (1 - r);
      dGh[gb + j] = drPre;
      dGh[gb + H + j] = dzPre;
      dGh[gb + 2 * H + j] = dnPre * r;
      dhPrev[hb + j] = d * z;
      if (gX !== null) {
        gX[xb + j] = gX[xb + j]! + drPre;
        gX[xb + H + j] = gX[xb + H + j]! + dzPre;
        gX[xb + 2 * H + j] = gX[xb + 2 * H + j]! + dnPre;
      }
    }
  }
}

/** out[i] = W[ids[i]] for rows of width D (rows with id == pad are zero). */
export function embeddingForwardRef(ids: Int32Array, W: Float32Array, out: Float32Array, D: number, pad: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === pad) out.fill(0, i * D, (i + 1) * D);
    else out.set(W.subarray(id * D, (id + 1) * D), i * D);
  }
}

/** gW[ids[i]] += g[i] for rows of width D, in row order (rows with id == pad skipped). */
export function embeddingBackwardRef(ids: Int32Array, g: Float32Array, gW: Float32Array, D: number, pad: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === pad) continue;
    const base = id * D, gb = i * D;
    for (let j = 0; j < D; j++) gW[base + j] = gW[base + j]! + g[gb + j]!;
  }
}

/**
 * One LSTM step for the batch (Hochreiter & Schmidhuber 1997, PyTorch form): i, f, o = σ(x + gh), g = tanh(x + gh)
 * over X [B, T, 4H] and gh [B, 4H] (gate order i, f, g, o); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c'). Keeps this
 * step's gates A [B, 4H] and tanh(c') TC [B, H] (zero for finished samples, which carry h and c over).
 */
export function lstmForwardStepRef(
  X: Float32Array, gh: Float32Array, hPrev: Float32Array, cPrev: Float32Array, hNext: Float32Array, cNext: Float32Array,
  Y: Float32Array, A: Float32Array, TC: Float32Array, p: GruStep,
): void {
  const { B, T, H } = p, H4 = 4 * H;
  for (let b = 0; b < B; b++) {
    const t = stepTime(p, b), hb = b * H, gb = b * H4;
    if (t < 0) {
      for (let j = 0; j < H; j++) {
        hNext[hb + j] = hPrev[hb + j]!;
        cNext[hb + j] = cPrev[hb + j]!;
      }
      A.fill(0, gb, gb + H4);
      TC.fill(0, hb, hb + H);
      continue;
    }
    const xb = (b * T + t) * H4, yb = (b * T + t) * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(X[xb + j]! + gh[gb + j]!);
      const f = sigmoid(X[xb + H + j]! + gh[gb + H + j]!);
      const g = Math.tanh(X[xb + 2 * H + j]! + gh[gb + 2 * H + j]!);
      const o = sigmoid(X[xb + 3 * H + j]! + gh[gb + 3 * H + j]!);
      const c = f * cPrev[hb + j]! + i * g;
      const tc = Math.tanh(c);
      const h = o * tc;
      cNext[hb + j] = c;
      hNext[hb + j] = h;
      Y[yb + j] = h;
      A[gb + j] = i;
      A[gb + H + j] = f;
      A[gb + 2 * H + j] = g;
      A[gb + 3 * H + j] = o;
      TC[hb + j] = tc;
    }
  }
}

/**
 * Backward through one LSTM step's gates: d = dh + G, ∂c = dc + d ⊙ o ⊙ (1 − tanh²c'); dGh = (∂ĩ, ∂f̃, ∂g̃, ∂õ);
 * dc ← ∂c ⊙ f in place; dhPrev = 0 (the W_hh part comes from a gemm); gX += dGh rows when given. Finished samples
 * pass dh and dc on and get zero dGh.
 */
export function lstmBackwardStepRef(
  G: Float32Array, dh: Float32Array, dc: Float32Array, dhPrev: Float32Array, dGh: Float32Array, gX: Float32Array | null,
  cPrev: Float32Array, A: Float32Array, TC: Float32Array, p: GruStep,
): void {
  const { B, T, H } = p, H4 = 4 * H;
  for (let b = 0; b < B; b++) {
    const t = stepTime(p, b), hb = b * H, gb = b * H4;
    if (t < 0) {
      for (let j = 0; j < H; j++) dhPrev[hb + j] = dh[hb + j]!;
      dGh.fill(0, gb, gb + H4);
      continue;
    }
    const yb = (b * T + t) * H, xb = (b * T + t) * H4;
    for (let j = 0; j < H; j++) {
      const d = dh[hb + j]! + G[yb + j]!;
      const i = A[gb + j]!, f = A[gb + H + j]!, g = A[gb + 2 * H + j]!, o = A[gb + 3 * H + j]!;
      const tc = TC[hb + j]!;
      const dcv = dc[hb + j]! + d * o * (1 - tc * tc);
      const di = dcv * g * i * (1 - i);
      const df = dcv * cPrev[hb + j]! * f * (1 - f);
      const dg = dcv * i * (1 - g * g);
      const dO = d * tc * o * (1 - o);
      dc[hb + j] = dcv * f;
      dGh[gb + j] = di;
      dGh[gb + H + j] = df;
      dGh[gb + 2 * H + j] = dg;
      dGh[gb + 3 * H + j] = dO;
      dhPrev[hb + j] = 0;
      if (gX !== null) {
        gX[xb + j] = gX[xb + j]! + di;
        gX[xb + H + j] = gX[xb + H + j]! + df;
        gX[xb + 2 * H + j] = gX[xb + 2 * H + j]! + dg;
        gX[xb + 3 * H + j] = gX[xb + 3 * H + j]! + dO;
      }
    }
  }
}
