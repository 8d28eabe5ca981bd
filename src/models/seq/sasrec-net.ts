/**
 * @module The SASRec network (Kang & McAuley 2018, "Self-Attentive Sequential Recommendation", Section III), laid
 * out as the official code (kang205/SASRec `model.py`, pmixer/SASRec.pytorch `model.py`):
 *
 * E = Drop(M_item[s]·√d + P) masked at padding; per block b: Q = LN(E); E = Q + Attn(Q, E, E) (one head,
 * causal + key-padding mask, dropout on the weights); E = LN(E); E = E + Drop(W₂·ReLU(Drop(W₁E + b₁)) + b₂);
 * E masked at padding; F = LN(E) (ε = 1e-8). The logit of item i at position t is r = F_t·M_item[i] (shared
 * item embedding). Items are rows 1..n of the table, row 0 the padding; positions are the slots of the
 * right-aligned window (the last item always sits at slot T − 1). Init as pmixer's `main.py`: Xavier-normal on
 * every matrix (embeddings included), padding row zeroed, LayerNorm γ = 1, β = 0, attention biases 0, the
 * point-wise convolutions' biases U(±1/√d) (PyTorch's Conv1d default).
 */
import type { Rng } from '../../core/rng.js';
import { attentionMask } from '../../nn/layers/attention.js';
import { Module, parameter } from '../../nn/module.js';
import { add, scale } from '../../nn/ops/arithmetic.js';
import { relu } from '../../nn/ops/activation.js';
import { dropout } from '../../nn/ops/dropout.js';
import { embedding } from '../../nn/ops/embedding.js';
import { mergeHeads, splitHeads } from '../../nn/ops/heads.js';
import { layerNorm } from '../../nn/ops/layer-norm.js';
import { linear, matmul } from '../../nn/ops/matmul.js';
import { maskedFill, reshape } from '../../nn/ops/shape.js';
import { softmax } from '../../nn/ops/softmax.js';
import { randn, Tensor, uniform } from '../../nn/tensor.js';
import { constantParam } from '../../nn/init.js';
import { rowMask } from './seq-ops.js';

export interface SasrecNetConfig {
  /** Catalogue size n (the table has n + 1 rows). */
  nItems: number;
  maxLen: number;
  hidden: number;
  blocks: number;
  heads: number;
  dropout: number;
  rng: Rng;
}

/** LayerNorm ε of the official code (1e-8, not PyTorch's 1e-5). */
const LN_EPS = 1e-8;
/** Score of masked attention slots: exp(−1e9 − max) underflows to 0 while staying finite. */
const MASKED = -1e9;

/** Xavier-normal (Glorot & Bengio 2010): N(0, 2 / (fan_in + fan_out)). */
function xavierNormal(shape: readonly number[], fanIn: number, fanOut: number, rng: Rng): Tensor {
  return parameter(randn(shape, rng, Math.sqrt(2 / (fanIn + fanOut))));
}

class SasrecBlock extends Module {
  readonly attnNormWeight: Tensor;
  readonly attnNormBias: Tensor;
  readonly wq: Tensor;
  readonly bq: Tensor;
  readonly wk: Tensor;
  readonly bk: Tensor;
  readonly wv: Tensor;
  readonly bv: Tensor;
  readonly wo: Tensor;
  readonly bo: Tensor;
  readonly fwdNormWeight: Tensor;
  readonly fwdNormBias: Tensor;
  readonly w1: Tensor;
  readonly b1: Tensor;
  readonly w2: Tensor;
  readonly b2: Tensor;

  constructor(d: number, rng: Rng) {
    super();
    this.attnNormWeight = constantParam([d], 1);
    this.attnNormBias = constantParam([d], 0);
    // PyTorch's MultiheadAttention keeps Q, K, V in one in_proj [3d, d]: Xavier over that shape (fan_out = 3d).
    this.wq = xavierNormal([d, d], d, 3 * d, rng);
    this.wk = xavierNormal([d, d], d, 3 * d, rng);
    this.wv = xavierNormal([d, d], d, 3 * d, rng);
    this.bq = constantParam([d], 0);
    this.bk = constantParam([d], 0);
    this.bv = constantParam([d], 0);
    this.wo = xavierNormal([d, d], d, d, rng);
    this.bo = constantParam([d], 0);
    this.fwdNormWeight = constantParam([d], 1);
    this.fwdNormBias = constantParam([d], 0);
    // Conv1d(d, d, kernel 1) ≡ a d×d linear map; its bias keeps PyTorch's default U(±1/√fan_in).
    const bound = 1 / Math.sqrt(d);
    this.w1 = xavierNormal([d, d], d, d, rng);
    this.b1 = parameter(uniform([d], rng, -bound, bound));
    this.w2 = xavierNormal([d, d], d, d, rng);
    this.b2 = parameter(uniform([d], rng, -bound, bound));
  }
}

export class SasrecNet extends Module {
  readonly itemEmb: Tensor;
  readonly posEmb: Tensor;
  readonly blocks: SasrecBlock[];
  readonly lastNormWeight: Tensor;
  readonly lastNormBias: Tensor;
  readonly hidden: number;
  readonly maxLen: number;
  private readonly heads: number;
  private readonly p: number;

  constructor(c: SasrecNetConfig) {
    super();
    const d = c.hidden;
    this.hidden = d;
    this.maxLen = c.maxLen;
    this.heads = c.heads;
    this.p = c.dropout;
    this.itemEmb = xavierNormal([c.nItems + 1, d], d, c.nItems + 1, c.rng);
    this.itemEmb.data.fill(0, 0, d);
    this.posEmb = xavierNormal([c.maxLen, d], d, c.maxLen, c.rng);
    this.blocks = Array.from({ length: c.blocks }, () => new SasrecBlock(d, c.rng));
    this.lastNormWeight = constantParam([d], 1);
    this.lastNormBias = constantParam([d], 0);
  }

  outputTable(): Tensor {
    return this.itemEmb;
  }

  outputBias(): Float32Array | null {
    return null;
  }

  /**
   * `log2feats`: ids [B, T] (T = maxLen, right-aligned, 0 = padding) → F [B, T, d]. `rng` drives dropout in
   * training mode.
   */
  forward(ids: Int32Array, B: number, rng: Rng): Tensor {
    const T = this.maxLen, d = this.hidden, h = this.heads, train = this.training, p = this.p;
    const keep = new Uint8Array(B * T);
    const pad = new Uint8Array(B * T);
    const pos = new Int32Array(B * T);
    for (let r = 0; r < B * T; r++) {
      keep[r] = ids[r] !== 0 ? 1 : 0;
      pad[r] = 1 - keep[r]!;
      pos[r] = r % T;
    }
    let x = scale(embedding(this.itemEmb, ids, [B, T], { paddingIdx: 0 }), Math.sqrt(d));
    x = add(x, embedding(this.posEmb, pos, [B, T]));
    x = rowMask(dropout(x, p, rng, train), keep);
    const mask = attentionMask(B, T, { causal: true, paddingMask: pad })!;
    for (const blk of this.blocks) {
      const q = layerNorm(x, blk.attnNormWeight, blk.attnNormBias, LN_EPS);
      const Q = linear(q, blk.wq, blk.bq), K = linear(x, blk.wk, blk.bk), V = linear(x, blk.wv, blk.bv);
      const Qh = h === 1 ? Q : splitHeads(Q, h), Kh = h === 1 ? K : splitHeads(K, h), Vh = h === 1 ? V : splitHeads(V, h);
      let s = matmul(Qh, Kh, { transB: true, alpha: 1 / Math.sqrt(d / h) }); // [B·h, T, T]
      s = reshape(maskedFill(reshape(s, [B, h, T, T]), mask, [B, 1, T, T], MASKED), [B * h, T, T]);
      const a = dropout(softmax(s), p, rng, train);
      let ctx = matmul(a, Vh);
      if (h !== 1) ctx = mergeHeads(ctx, h);
      x = add(q, linear(ctx, blk.wo, blk.bo));
      x = layerNorm(x, blk.fwdNormWeight, blk.fwdNormBias, LN_EPS);
      const f = dropout(linear(dropout(relu(linear(x, blk.w1, blk.b1)), p, rng, train), blk.w2, blk.b2), p, rng, train);
      x = rowMask(add(f, x), keep);
    }
    return layerNorm(x, this.lastNormWeight, this.lastNormBias, LN_EPS);
  }
}
