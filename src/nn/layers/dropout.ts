/**
 * @module Dropout layer: inverted dropout in training mode, identity in eval mode; seeded by its own rng.
 */
import type { Rng } from '../../core/rng.js';
import { Module } from '../module.js';
import { dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor.js';

export interface DropoutConfig {
  p: number;
  rng: Rng;
}

export class Dropout extends Module {
  private readonly p: number;
  private readonly rng: Rng;

  constructor(config: DropoutConfig) {
    super();
    this.p = config.p;
    this.rng = config.rng.fork();
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.rng, this.training);
  }
}
