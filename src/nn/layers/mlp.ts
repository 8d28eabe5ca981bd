/**
 * @module Multi-layer perceptron: Linear → activation (→ dropout) … → Linear.
 */
import type { Rng } from '../../core/rng.js';
import { gelu, relu, sigmoid, tanh } from '../ops/activation.js';
import { dropout } from '../ops/dropout.js';
import { Module } from '../module.js';
import type { Tensor } from '../tensor.js';
import { Linear } from './linear.js';

export type Activation = 'relu' | 'tanh' | 'gelu' | 'sigmoid';

export function activate(x: Tensor, kind: Activation): Tensor {
  switch (kind) {
    case 'relu': return relu(x);
    case 'tanh': return tanh(x);
    case 'gelu': return gelu(x);
    case 'sigmoid': return sigmoid(x);
  }
}

export interface MlpConfig {
  /** Sizes of every layer, input first: [in, hidden…, out]. */
  sizes: readonly number[];
  /** Hidden activation, default relu. */
  activation?: Activation;
  /** Dropout after each hidden activation, default 0. */
  dropout?: number;
  rng: Rng;
}

export class Mlp extends Module {
  readonly layers: Linear[];
  private readonly activation: Activation;
  private readonly p: number;
  private readonly rng: Rng;

  constructor(config: MlpConfig) {
    super();
    this.layers = [];
    for (let i = 0; i + 1 < config.sizes.length; i++) {
      this.layers.push(new Linear({ inFeatures: config.sizes[i]!, outFeatures: config.sizes[i + 1]!, rng: config.rng }));
    }
    this.activation = config.activation ?? 'relu';
    this.p = config.dropout ?? 0;
    this.rng = config.rng.fork();
  }

  forward(x: Tensor): Tensor {
    let h = x;
    this.layers.forEach((layer, i) => {
      h = layer.forward(h);
      if (i + 1 < this.layers.length) {
        h = activate(h, this.activation);
        if (this.p > 0) h = dropout(h, this.p, this.rng, this.training);
      }
    });
    return h;
  }
}
