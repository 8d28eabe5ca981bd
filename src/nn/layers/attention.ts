/**
 * @module Multi-head self-attention (Vaswani et al. 2017) with causal and key-padding masks.
 *
 * softmax(Q·Kᵀ/√d_h + mask)·V per head, heads concatenated and projected. Q, K, V come from one fused
 * projection W_in [3D, D]; every product goes through `gemm` (`linear`, and the fused `selfAttention`). Init as PyTorch's
 * `nn.MultiheadAttention`: W_in Xavier-uniform, in/out biases zero, W_out U(±1/√D).
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { constantParam, fanInUniform, residentParameter } from '../init.js';
import { Module } from '../module.js';
import { selfAttention } from '../ops/attention-core.js';
import { linear } from '../ops/matmul.js';
import { type Tensor, uniform } from '../tensor.js';

export interface AttentionConfig {
  dModel: number;
  numHeads: number;
  /** Dropout on the attention weights, default 0. */
  dropout?: number;
  rng: Rng;
}

export interface AttentionOptions {
  /** Position t attends only to positions ≤ t. */
  causal?: boolean;
  /** Valid length of each sequence; keys at or past it are masked. */
  lengths?: ArrayLike<number>;
  /** Or an explicit key-padding mask [B, T], 1 = padding (masked). */
  paddingMask?: Uint8Array;
}

/** Score given to masked positions: exp(−1e9 − max) underflows to exactly 0 while staying finite. */
const MASKED = -1e9;

/** Combined mask [B, 1, T, T] (1 = masked) from the options, or null when nothing is masked. */
export function attentionMask(B: number, T: number, options: AttentionOptions): Uint8Array | null {
  const { causal = false, lengths, paddingMask } = options;
  if (!causal && lengths === undefined && paddingMask === undefined) return null;
  if (paddingMask !== undefined && paddingMask.length !== B * T) {
    throw createError('SHAPE_MISMATCH', { op: 'attention', problem: `padding mask has ${paddingMask.length} values, expected ${B}×${T}` });
  }
  const mask = new Uint8Array(B * T * T);
  for (let b = 0; b < B; b++) {
    const L = lengths === undefined ? T : lengths[b]!;
    for (let i = 0; i < T; i++) {
      const row = (b * T + i) * T;
      for (let j = 0; j < T; j++) {
        const pad = j >= L || (paddingMask !== undefined && paddingMask[b * T + j] !== 0);
        mask[row + j] = pad || (causal && j > i) ? 1 : 0;
      }
    }
  }
  return mask;
}

export class MultiHeadSelfAttention extends Module {
  readonly inProjWeight: Tensor;
  readonly inProjBias: Tensor;
  readonly outProjWeight: Tensor;
  readonly outProjBias: Tensor;
  readonly dModel: number;
  readonly numHeads: number;
  private readonly p: number;
  private readonly rng: Rng;

  constructor(config: AttentionConfig) {
    super();
    const D = config.dModel, h = config.numHeads;
    if (D % h !== 0) throw createError('INVALID_INPUT', { field: 'attention.numHeads', problem: `dModel ${D} is not divisible by ${h} heads` });
    this.dModel = D;
    this.numHeads = h;
    // Xavier-uniform bound √(6 / (fan_in + fan_out)) with fan_in = D, fan_out = 3D (Glorot & Bengio 2010).
    const bound = Math.sqrt(6 / (D + 3 * D));
    this.inProjWeight = residentParameter(uniform([3 * D, D], config.rng, -bound, bound));
    this.inProjBias = constantParam([3 * D], 0);
    this.outProjWeight = fanInUniform([D, D], D, config.rng);
    this.outProjBias = constantParam([D], 0);
    this.p = config.dropout ?? 0;
    this.rng = config.rng.fork();
  }

  /** x [B, T, D] → [B, T, D]. */
  forward(x: Tensor, options: AttentionOptions = {}): Tensor {
    const [B, T, D] = x.shape as [number, number, number];
    const h = this.numHeads, dh = D / h;
    const qkv = linear(x, this.inProjWeight, this.inProjBias); // [B, T, 3D]
    const merged = selfAttention(qkv, {
      scale: 1 / Math.sqrt(dh), heads: h, mask: attentionMask(B, T, options), maskValue: MASKED,
      dropout: this.p, rng: this.rng, training: this.training,
    }); // [B, T, D], heads merged
    return linear(merged, this.outProjWeight, this.outProjBias);
  }
}
