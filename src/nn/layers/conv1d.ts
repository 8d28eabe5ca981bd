/**
 * @module Conv1d layer over time, channels-last [B, T, Cin] → [B, Tout, Cout]; weight [Cout, K, Cin] with
 * PyTorch's default init U(±1/√(Cin·K)) for weight and bias.
 */
import type { Rng } from '../../core/rng.js';
import { fanInUniform } from '../init.js';
import { Module } from '../module.js';
import { conv1d } from '../ops/conv1d.js';
import type { Tensor } from '../tensor.js';

export interface Conv1dConfig {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  /** Zero padding on both ends, default 0. */
  padding?: number;
  bias?: boolean;
  rng: Rng;
}

export class Conv1d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private readonly padding: number;

  constructor(config: Conv1dConfig) {
    super();
    const fanIn = config.inChannels * config.kernelSize;
    this.weight = fanInUniform([config.outChannels, config.kernelSize, config.inChannels], fanIn, config.rng);
    this.bias = config.bias === false ? null : fanInUniform([config.outChannels], fanIn, config.rng);
    this.padding = config.padding ?? 0;
  }

  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, this.padding);
  }
}
