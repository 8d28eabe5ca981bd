/**
 * @module Fused scaled dot-product attention core: ctx = Drop(softmax(α·Q·Kᵀ + mask))·V, one autograd node.
 *
 * Works one (batch·head) tile at a time so the T×T scores stay in cache: two gemms forward, four backward, and
 * the mask, softmax and dropout applied in place (the unfused chain streamed three [B·h, T, T] arrays through
 * memory and allocated each). Backward per tile, with P the softmax and M the dropout multipliers:
 * ∂V = (P⊙M)ᵀ·∂C, ∂(P⊙M) = ∂C·Vᵀ, ∂P = ∂(P⊙M)⊙M, ∂S = P⊙(∂P − rowsum(∂P⊙P)), ∂Q = α·∂S·K, ∂K = α·∂Sᵀ·Q.
 * Dropout draws the same xorshift32 stream, in the same order, as the `dropout` op on the weights would.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { gemm } from '../../math/gemm.js';
import { Tensor, record, willRecord } from '../tensor.js';

export interface AttentionCoreOptions {
  /** α, usually 1/√d_h. */
  scale: number;
  /** Heads per batch element (to find the mask of tile b·h + i). */
  heads: number;
  /** [B, 1, T, T] (1 = masked) or null. */
  mask?: Uint8Array | null;
  /** Score of masked positions, default −1e9 (exp underflows to 0 while staying finite). */
  maskValue?: number;
  /** Dropout on the attention weights (training only). */
  dropout?: number;
  rng?: Rng;
  training?: boolean;
}

export function attentionCore(q: Tensor, k: Tensor, v: Tensor, options: AttentionCoreOptions): Tensor {
  const [BH, T, dh] = q.shape as [number, number, number];
  if (q.ndim !== 3 || k.shape.join() !== q.shape.join() || v.shape.join() !== q.shape.join()) {
    throw createError('SHAPE_MISMATCH', { op: 'attentionCore', problem: `q, k, v must share [B·h, T, d_h]: [${q.shape.join(', ')}], [${k.shape.join(', ')}], [${v.shape.join(', ')}]` });
  }
  const { scale, heads } = options;
  const mask = options.mask ?? null, maskValue = options.maskValue ?? -1e9;
  if (mask !== null && mask.length !== (BH / heads) * T * T) throw createError('SHAPE_MISMATCH', { op: 'attentionCore', problem: `mask has ${mask.length} values, expected ${BH / heads}×${T}×${T}` });
  const p = options.training === false ? 0 : (options.dropout ?? 0);
  if (p > 0 && options.rng === undefined) throw createError('INVALID_INPUT', { field: 'attentionCore.rng', problem: 'dropout needs an rng' });
  const TT = T * T, tile = T * dh;
  const P = new Float32Array(BH * TT);
  const M = p > 0 ? new Float32Array(BH * TT) : null;
  const scratch = new Float32Array(TT);
  const out = new Tensor(new Float32Array(BH * tile), [BH, T, dh]);
  const Q = q.data, K = k.data, V = v.data, C = out.data;
  let s = p > 0 ? options.rng!.uint32() | 1 : 1;
  const keep = 1 / (1 - p), threshold = Math.floor(p * 4294967296);
  for (let bh = 0; bh < BH; bh++) {
    const Pt = P.subarray(bh * TT, (bh + 1) * TT);
    gemm({ m: T, n: T, k: dh, a: Q.subarray(bh * tile, (bh + 1) * tile), b: K.subarray(bh * tile, (bh + 1) * tile), c: Pt, transB: true, alpha: scale });
    if (mask !== null) {
      const mb = Math.floor(bh / heads) * TT;
      for (let i = 0; i < TT; i++) if (mask[mb + i]) Pt[i] = maskValue;
    }
    for (let r = 0; r < T; r++) {
      const base = r * T;
      let mx = -Infinity;
      for (let j = 0; j < T; j++) if (Pt[base + j]! > mx) mx = Pt[base + j]!;
      let sum = 0;
      for (let j = 0; j < T; j++) {
        const e = Math.exp(Pt[base + j]! - mx);
        Pt[base + j] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let j = 0; j < T; j++) Pt[base + j] = Pt[base + j]! * inv;
    }
    let weights = Pt;
    if (M !== null) {
      const Mt = M.subarray(bh * TT, (bh + 1) * TT);
      for (let i = 0; i < TT; i++) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        const m = keep * +(s >>> 0 >= threshold);
        Mt[i] = m;
        scratch[i] = Pt[i]! * m;
      }
      weights = scratch;
    }
    gemm({ m: T, n: dh, k: T, a: weights, b: V.subarray(bh * tile, (bh + 1) * tile), c: C.subarray(bh * tile, (bh + 1) * tile) });
  }
  if (!willRecord(q, k, v)) return out;
  record(out, [q, k, v], () => {
    const G = out.grad!;
    const gQ = q.requiresGrad ? q.ensureGrad() : null, gK = k.requiresGrad ? k.ensureGrad() : null, gV = v.requiresGrad ? v.ensureGrad() : null;
    const dP = new Float32Array(TT), w = new Float32Array(TT);
    for (let bh = 0; bh < BH; bh++) {
      const Pt = P.subarray(bh * TT, (bh + 1) * TT), Mt = M === null ? null : M.subarray(bh * TT, (bh + 1) * TT);
      const g = G.subarray(bh * tile, (bh + 1) * tile);
      const qt = Q.subarray(bh * tile, (bh + 1) * tile), kt = K.subarray(bh * tile, (bh + 1) * tile), vt = V.subarray(bh * tile, (bh + 1) * tile);
      let weights = Pt;
      if (Mt !== null) {
        for (let i = 0; i < TT; i++) w[i] = Pt[i]! * Mt[i]!;
        weights = w;
      }
      if (gV) gemm({ m: T, n: dh, k: T, a: weights, transA: true, b: g, c: gV.subarray(bh * tile, (bh + 1) * tile), beta: 1 });
      if (!gQ && !gK) continue;
      gemm({ m: T, n: T, k: dh, a: g, b: vt, transB: true, c: dP });
      if (Mt !== null) for (let i = 0; i < TT; i++) dP[i] = dP[i]! * Mt[i]!;
      for (let r = 0; r < T; r++) {
        const base = r * T;
        let dot = 0;
        for (let j = 0; j < T; j++) dot += dP[base + j]! * Pt[base + j]!;
        for (let j = 0; j < T; j++) dP[base + j] = Pt[base + j]! * (dP[base + j]! - dot);
      }
      if (gQ) gemm({ m: T, n: dh, k: T, a: dP, b: kt, c: gQ.subarray(bh * tile, (bh + 1) * tile), alpha: scale, beta: 1 });
      if (gK) gemm({ m: T, n: dh, k: T, a: dP, transA: true, b: qt, c: gK.subarray(bh * tile, (bh + 1) * tile), alpha: scale, beta: 1 });
    }
  });
  return out;
}

/**
 * Self-attention straight from the fused projection: qkv [B, T, 3D] (Q | K | V, heads side by side in each) →
 * context [B, T, D] with heads merged. Same maths as `attentionCore` over `splitHeads` / `mergeHeads`, but each
 * head's Q, K, V and context tiles are gathered into small scratch buffers, so no [B·h, T, d_h] arrays (nor their
 * gradients) are materialised.
 */
export function selfAttention(qkv: Tensor, options: AttentionCoreOptions): Tensor {
  const [B, T, D3] = qkv.shape as [number, number, number];
  const heads = options.heads, D = D3 / 3, dh = D / heads;
  if (qkv.ndim !== 3 || !Number.isInteger(dh)) throw createError('SHAPE_MISMATCH', { op: 'selfAttention', problem: `[${qkv.shape.join(', ')}] is not [B, T, 3·D] with D divisible by ${heads} heads` });
  const mask = options.mask ?? null, maskValue = options.maskValue ?? -1e9, scale = options.scale;
  if (mask !== null && mask.length !== B * T * T) throw createError('SHAPE_MISMATCH', { op: 'selfAttention', problem: `mask has ${mask.length} values, expected ${B}×${T}×${T}` });
  const p = options.training === false ? 0 : (options.dropout ?? 0);
  if (p > 0 && options.rng === undefined) throw createError('INVALID_INPUT', { field: 'selfAttention.rng', problem: 'dropout needs an rng' });
  const BH = B * heads, TT = T * T, tile = T * dh;
  const P = new Float32Array(BH * TT);
  const M = p > 0 ? new Float32Array(BH * TT) : null;
  const qt = new Float32Array(tile), kt = new Float32Array(tile), vt = new Float32Array(tile), ct = new Float32Array(tile);
  const w = new Float32Array(TT);
  const X = qkv.data;
  const out = new Tensor(new Float32Array(B * T * D), [B, T, D]);
  const O = out.data;
  const gatherTile = (dst: Float32Array, b: number, offset: number): void => {
    for (let t = 0; t < T; t++) {
      const src = (b * T + t) * D3 + offset, d0 = t * dh;
      for (let j = 0; j < dh; j++) dst[d0 + j] = X[src + j]!;
    }
  };
  let s = p > 0 ? options.rng!.uint32() | 1 : 1;
  const keep = 1 / (1 - p), threshold = Math.floor(p * 4294967296);
  for (let b = 0; b < B; b++) {
    for (let hh = 0; hh < heads; hh++) {
      const bh = b * heads + hh;
      gatherTile(qt, b, hh * dh);
      gatherTile(kt, b, D + hh * dh);
      gatherTile(vt, b, 2 * D + hh * dh);
      const Pt = P.subarray(bh * TT, (bh + 1) * TT);
      gemm({ m: T, n: T, k: dh, a: qt, b: kt, c: Pt, transB: true, alpha: scale });
      if (mask !== null) {
        const mb = b * TT;
        for (let i = 0; i < TT; i++) if (mask[mb + i]) Pt[i] = maskValue;
      }
      for (let r = 0; r < T; r++) {
        const base = r * T;
        let mx = -Infinity;
        for (let j = 0; j < T; j++) if (Pt[base + j]! > mx) mx = Pt[base + j]!;
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const e = Math.exp(Pt[base + j]! - mx);
          Pt[base + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j < T; j++) Pt[base + j] = Pt[base + j]! * inv;
      }
      let weights = Pt;
      if (M !== null) {
        const Mt = M.subarray(bh * TT, (bh + 1) * TT);
        for (let i = 0; i < TT; i++) {
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          const m = keep * +(s >>> 0 >= threshold);
          Mt[i] = m;
          w[i] = Pt[i]! * m;
        }
        weights = w;
      }
      gemm({ m: T, n: dh, k: T, a: weights, b: vt, c: ct });
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * D + hh * dh, src = t * dh;
        for (let j = 0; j < dh; j++) O[dst + j] = ct[src + j]!;
      }
    }
  }
  if (!willRecord(qkv)) return out;
  record(out, [qkv], () => {
    const G = out.grad!, gX = qkv.ensureGrad();
    const gt = new Float32Array(tile), gq = new Float32Array(tile), gk = new Float32Array(tile), gv = new Float32Array(tile);
    const dP = new Float32Array(TT);
    const scatterTile = (src: Float32Array, b: number, offset: number): void => {
      for (let t = 0; t < T; t++) {
        const dst = (b * T + t) * D3 + offset, s0 = t * dh;
        for (let j = 0; j < dh; j++) gX[dst + j] = gX[dst + j]! + src[s0 + j]!;
      }
    };
    for (let b = 0; b < B; b++) {
      for (let hh = 0; hh < heads; hh++) {
        const bh = b * heads + hh;
        gatherTile(qt, b, hh * dh);
        gatherTile(kt, b, D + hh * dh);
        gatherTile(vt, b, 2 * D + hh * dh);
        for (let t = 0; t < T; t++) {
          const src = (b * T + t) * D + hh * dh, d0 = t * dh;
          for (let j = 0; j < dh; j++) gt[d0 + j] = G[src + j]!;
        }
        const Pt = P.subarray(bh * TT, (bh + 1) * TT), Mt = M === null ? null : M.subarray(bh * TT, (bh + 1) * TT);
        let weights = Pt;
        if (Mt !== null) {
          for (let i = 0; i < TT; i++) w[i] = Pt[i]! * Mt[i]!;
          weights = w;
        }
        gemm({ m: T, n: dh, k: T, a: weights, transA: true, b: gt, c: gv });
        gemm({ m: T, n: T, k: dh, a: gt, b: vt, transB: true, c: dP });
        if (Mt !== null) for (let i = 0; i < TT; i++) dP[i] = dP[i]! * Mt[i]!;
        for (let r = 0; r < T; r++) {
          const base = r * T;
          let dot = 0;
          for (let j = 0; j < T; j++) dot += dP[base + j]! * Pt[base + j]!;
          for (let j = 0; j < T; j++) dP[base + j] = Pt[base + j]! * (dP[base + j]! - dot);
        }
        gemm({ m: T, n: dh, k: T, a: dP, b: kt, c: gq, alpha: scale });
        gemm({ m: T, n: dh, k: T, a: dP, transA: true, b: qt, c: gk, alpha: scale });
        scatterTile(gq, b, hh * dh);
        scatterTile(gk, b, D + hh * dh);
        scatterTile(gv, b, 2 * D + hh * dh);
      }
    }
  });
  return out;
}
