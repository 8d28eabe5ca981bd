/**
 * @module Linear layer y = x·Wᵀ + b, W [out, in] (PyTorch layout and default init U(±1/√in)).
 */
import type { Rng } from '../../core/rng.js';
import { fanInUniform } from '../init.js';
import { Module } from '../module.js';
import { linear } from '../ops/matmul.js';
import type { Tensor } from '../tensor.js';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  rng: Rng;
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(config: LinearConfig) {
    super();
    this.weight = fanInUniform([config.outFeatures, config.inFeatures], config.inFeatures, config.rng);
    this.bias = config.bias === false ? null : fanInUniform([config.outFeatures], config.inFeatures, config.rng);
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
