/**
 * @module Fused scaled dot-product attention core: ctx = Drop(softmax(α·Q·Kᵀ + mask))·V, one autograd node.
 *
 * Works one (batch·head) tile at a time so the T×T scores stay in cache: two gemms forward, four backward, and
 * the mask, softmax and dropout applied in place (the unfused chain streamed three [B·h, T, T] arrays through
 * memory and allocated each). Backward per tile, with P the softmax and M the dropout multipliers:
 * ∂V = (P⊙M)ᵀ·∂C, ∂(P⊙M) = ∂C·Vᵀ, ∂P = ∂(P⊙M)⊙M, ∂S = P⊙(∂P − rowsum(∂P⊙P)), ∂Q = α·∂S·K, ∂K = α·∂Sᵀ·Q.
 * Tile i's dropout mask is sub-stream 4i of the seed's stream (`dropoutMultipliers`), as in `selfAttention`.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { gemm } from '../../math/gemm.js';
import { attentionBackward, attentionForward, dropoutMultipliers, type AttentionShape } from '../../math/nn-kernels.js';
import { allocManagedF32, freeManagedF32 } from '../../math/kernels.js';
import { Tensor, onRelease, record, willRecord } from '../tensor.js';

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
  const seed = p > 0 ? options.rng!.uint32() | 1 : 1;
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
      dropoutMultipliers(Mt, seed, 4 * bh, p);
      for (let i = 0; i < TT; i++) scratch[i] = Pt[i]! * Mt[i]!;
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
 * context [B, T, D] with heads merged. Same maths as `attentionCore` over `splitHeads` / `mergeHeads`, but one
 * kernel call (src/math/nn-kernels.ts `attentionForward`) runs every head, reading the head tiles in place, so no
 * [B·h, T, d_h] arrays (nor their gradients) are materialised. Only the softmax P [B·h, T, T] is kept for
 * backward; the dropout mask is regenerated there from its seed.
 */
export function selfAttention(qkv: Tensor, options: AttentionCoreOptions): Tensor {
  const [B, T, D3] = qkv.shape as [number, number, number];
  const heads = options.heads, D = D3 / 3, dh = D / heads;
  if (qkv.ndim !== 3 || !Number.isInteger(dh)) throw createError('SHAPE_MISMATCH', { op: 'selfAttention', problem: `[${qkv.shape.join(', ')}] is not [B, T, 3·D] with D divisible by ${heads} heads` });
  const mask = options.mask ?? null, maskValue = options.maskValue ?? -1e9;
  if (mask !== null && mask.length !== B * T * T) throw createError('SHAPE_MISMATCH', { op: 'selfAttention', problem: `mask has ${mask.length} values, expected ${B}×${T}×${T}` });
  const p = options.training === false ? 0 : (options.dropout ?? 0);
  if (p > 0 && options.rng === undefined) throw createError('INVALID_INPUT', { field: 'selfAttention.rng', problem: 'dropout needs an rng' });
  const shape: AttentionShape = { B, T, D, heads, alpha: options.scale, p, seed: p > 0 ? options.rng!.uint32() | 1 : 1 };
  // P stays in WASM memory until backward releases the graph (no copies out and back in).
  const P = allocManagedF32(B * heads * T * T);
  const out = new Tensor(new Float32Array(B * T * D), [B, T, D]);
  const X = qkv.data;
  attentionForward(X, out.data, P, shape, mask, maskValue);
  if (!willRecord(qkv)) {
    freeManagedF32(P);
    return out;
  }
  record(out, [qkv], () => attentionBackward(X, out.grad!, qkv.ensureGrad(), P, shape));
  onRelease(out, () => freeManagedF32(P));
  return out;
}
