/**
 * @module GRU and LSTM layers: batch-first, uni- or bi-directional, stacked, with lengths for padded batches.
 *
 * Parameters carry PyTorch's names and shapes (`weight_ih_l0` [G·H, in], `weight_hh_l0` [G·H, H], `bias_ih_l0`,
 * `bias_hh_l0`, `_reverse` for the backward direction) and init U(±1/√H), so state dicts map one to one.
 * Each direction is one `linear` over all steps (input projection) plus one fused sequence op.
 */
import type { Rng } from '../../core/rng.js';
import { fanInUniform } from '../init.js';
import { Module } from '../module.js';
import { dropout } from '../ops/dropout.js';
import { linear } from '../ops/matmul.js';
import { gruSequence, lstmSequence } from '../ops/recurrent.js';
import { concat, selectSteps } from '../ops/shape.js';
import type { Tensor } from '../tensor.js';

export interface RecurrentConfig {
  inputSize: number;
  hiddenSize: number;
  /** Stacked layers, default 1. */
  numLayers?: number;
  bidirectional?: boolean;
  /** Dropout on the outputs of every layer but the last (PyTorch's `dropout`), default 0. */
  dropout?: number;
  rng: Rng;
}

export interface RecurrentOptions {
  /** Valid steps per sample; later steps are padding. */
  lengths?: ArrayLike<number>;
}

export interface RecurrentOutput {
  /** [B, T, dirs·H]; zero at padded steps. */
  output: Tensor;
  /** Final state of the top layer [B, dirs·H]: forward at each sample's last valid step, backward at step 0. */
  last: Tensor;
}

abstract class Recurrent extends Module {
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly directions: number;
  private readonly p: number;
  private readonly rng: Rng;

  constructor(config: RecurrentConfig, gates: number) {
    super();
    const H = config.hiddenSize;
    this.hiddenSize = H;
    this.numLayers = config.numLayers ?? 1;
    this.directions = config.bidirectional ? 2 : 1;
    this.p = config.dropout ?? 0;
    const fields = this as unknown as Record<string, Tensor>;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? config.inputSize : H * this.directions;
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        fields[`weight_ih${sfx}`] = fanInUniform([gates * H, inSize], H, config.rng);
        fields[`weight_hh${sfx}`] = fanInUniform([gates * H, H], H, config.rng);
        fields[`bias_ih${sfx}`] = fanInUniform([gates * H], H, config.rng);
        fields[`bias_hh${sfx}`] = fanInUniform([gates * H], H, config.rng);
      }
    }
    this.rng = config.rng.fork();
  }

  protected abstract sequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, lengths: ArrayLike<number> | undefined, reverse: boolean): Tensor;

  /** x [B, T, inputSize] → outputs and final states. */
  forward(x: Tensor, options: RecurrentOptions = {}): RecurrentOutput {
    const fields = this as unknown as Record<string, Tensor>;
    const B = x.shape[0]!, T = x.shape[1]!;
    let input = x;
    let outs: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      outs = [];
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const xp = linear(input, fields[`weight_ih${sfx}`]!, fields[`bias_ih${sfx}`]!);
        outs.push(this.sequence(xp, fields[`weight_hh${sfx}`]!, fields[`bias_hh${sfx}`]!, options.lengths, d === 1));
      }
      input = outs.length === 1 ? outs[0]! : concat(outs, 2);
      if (this.p > 0 && l + 1 < this.numLayers) input = dropout(input, this.p, this.rng, this.training);
    }
    const lastSteps = new Int32Array(B);
    for (let b = 0; b < B; b++) lastSteps[b] = Math.max(0, (options.lengths === undefined ? T : options.lengths[b]!) - 1);
    const lastF = selectSteps(outs[0]!, lastSteps);
    const last = this.directions === 1 ? lastF : concat([lastF, selectSteps(outs[1]!, new Int32Array(B))], 1);
    return { output: input, last };
  }
}

/** Gated recurrent unit layer (Cho et al. 2014). */
export class Gru extends Recurrent {
  constructor(config: RecurrentConfig) {
    super(config, 3);
  }
  protected sequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, lengths: ArrayLike<number> | undefined, reverse: boolean): Tensor {
    return gruSequence(xProj, wHh, bHh, lengths === undefined ? { reverse } : { lengths, reverse });
  }
}

/** Long short-term memory layer (Hochreiter & Schmidhuber 1997). */
export class Lstm extends Recurrent {
  constructor(config: RecurrentConfig) {
    super(config, 4);
  }
  protected sequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, lengths: ArrayLike<number> | undefined, reverse: boolean): Tensor {
    return lstmSequence(xProj, wHh, bHh, lengths === undefined ? { reverse } : { lengths, reverse });
  }
}
