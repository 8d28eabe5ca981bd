/**
 * @module Transformer encoder block: self-attention and a position-wise feed-forward net, each with a residual
 * connection, dropout and layer norm. `norm: 'post'` (default, as PyTorch's `TransformerEncoderLayer` with
 * norm_first = False and Vaswani et al. 2017): x = LN(x + Drop(Attn(x))); x = LN(x + Drop(FF(x))).
 * `norm: 'pre'` (Xiong et al. 2020): x = x + Drop(Attn(LN(x))); x = x + Drop(FF(LN(x))).
 */
import type { Rng } from '../../core/rng.js';
import { Module } from '../module.js';
import { add } from '../ops/arithmetic.js';
import { dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor.js';
import { MultiHeadSelfAttention, type AttentionOptions } from './attention.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { activate, type Activation } from './mlp.js';

export interface TransformerBlockConfig {
  dModel: number;
  numHeads: number;
  /** Hidden size of the feed-forward net, default 4·dModel. */
  dimFeedforward?: number;
  /** Default 0.1 (PyTorch's default). */
  dropout?: number;
  /** Default relu (PyTorch's default). */
  activation?: Activation;
  /** Default 'post'. */
  norm?: 'pre' | 'post';
  rng: Rng;
}

export class TransformerBlock extends Module {
  readonly attn: MultiHeadSelfAttention;
  readonly linear1: Linear;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  private readonly p: number;
  private readonly act: Activation;
  private readonly pre: boolean;
  private readonly rng: Rng;

  constructor(config: TransformerBlockConfig) {
    super();
    const D = config.dModel, F = config.dimFeedforward ?? 4 * D;
    this.p = config.dropout ?? 0.1;
    this.attn = new MultiHeadSelfAttention({ dModel: D, numHeads: config.numHeads, dropout: this.p, rng: config.rng });
    this.linear1 = new Linear({ inFeatures: D, outFeatures: F, rng: config.rng });
    this.linear2 = new Linear({ inFeatures: F, outFeatures: D, rng: config.rng });
    this.norm1 = new LayerNorm({ dim: D });
    this.norm2 = new LayerNorm({ dim: D });
    this.act = config.activation ?? 'relu';
    this.pre = config.norm === 'pre';
    this.rng = config.rng.fork();
  }

  private drop(x: Tensor): Tensor {
    return this.p > 0 ? dropout(x, this.p, this.rng, this.training) : x;
  }

  private ff(x: Tensor): Tensor {
    return this.linear2.forward(this.drop(activate(this.linear1.forward(x), this.act)));
  }

  /** x [B, T, D] → [B, T, D]. */
  forward(x: Tensor, options: AttentionOptions = {}): Tensor {
    if (this.pre) {
      const a = add(x, this.drop(this.attn.forward(this.norm1.forward(x), options)));
      return add(a, this.drop(this.ff(this.norm2.forward(a))));
    }
    const a = this.norm1.forward(add(x, this.drop(this.attn.forward(x, options))));
    return this.norm2.forward(add(a, this.drop(this.ff(a))));
  }
}
