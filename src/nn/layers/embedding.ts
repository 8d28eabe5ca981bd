/**
 * @module Embedding table [V, D], N(0, 1) init as PyTorch (the padding row, if any, starts at zero).
 * With `sparse: true` its gradient is a list of touched rows, for lazy / sparse Adam.
 */
import type { Rng } from '../../core/rng.js';
import { normalParam } from '../init.js';
import { Module } from '../module.js';
import { embedding } from '../ops/embedding.js';
import type { Tensor } from '../tensor.js';

export interface EmbeddingConfig {
  numEmbeddings: number;
  embeddingDim: number;
  /** Id whose row stays zero and gets no gradient. */
  paddingIdx?: number;
  /** Row-sparse gradients (default false, as PyTorch). */
  sparse?: boolean;
  rng: Rng;
}

export class Embedding extends Module {
  readonly weight: Tensor;
  private readonly paddingIdx: number | undefined;

  constructor(config: EmbeddingConfig) {
    super();
    this.weight = normalParam([config.numEmbeddings, config.embeddingDim], config.rng);
    this.weight.sparse = config.sparse ?? false;
    this.paddingIdx = config.paddingIdx;
    if (this.paddingIdx !== undefined) this.weight.data.fill(0, this.paddingIdx * config.embeddingDim, (this.paddingIdx + 1) * config.embeddingDim);
  }

  /** ids of shape `shape` (default 1-D) → [...shape, D]. */
  forward(ids: Int32Array | readonly number[], shape?: readonly number[]): Tensor {
    return embedding(this.weight, ids, shape, this.paddingIdx === undefined ? {} : { paddingIdx: this.paddingIdx });
  }
}
