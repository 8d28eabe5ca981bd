/**
 * @module LayerNorm layer over the last axis (γ = 1, β = 0 at init, ε = 1e-5 as PyTorch).
 */
import { constantParam } from '../init.js';
import { Module } from '../module.js';
import { layerNorm } from '../ops/layer-norm.js';
import type { Tensor } from '../tensor.js';

export interface LayerNormConfig {
  dim: number;
  eps?: number;
}

export class LayerNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  private readonly eps: number;

  constructor(config: LayerNormConfig) {
    super();
    this.weight = constantParam([config.dim], 1);
    this.bias = constantParam([config.dim], 0);
    this.eps = config.eps ?? 1e-5;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
