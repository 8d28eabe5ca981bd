/**
 * @module GRU and LSTM layers: batch-first, uni- or bi-directional, stacked, with lengths for padded batches.
 *
 * Parameters carry PyTorch's names and shapes (`weight_ih_l0` [G·H, in], `weight_hh_l0` [G·H, H], `bias_ih_l0`,
 * `bias_hh_l0`, `_reverse` for the backward direction) and init U(±1/√H), so state dicts map one to one.
 * Each direction is one `linear` over all steps (input projection) plus one fused sequence op.
 */
import { createError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { fanInUniform } from '../init.js';
import { Module } from '../module.js';
import { dropout } from '../ops/dropout.js';
import { linear } from '../ops/matmul.js';
import { gruSequence, lstmSequence, type SequenceOptions } from '../ops/recurrent.js';
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
  /**
   * Initial hidden states, one [B, H] per layer and direction in PyTorch's order (l0, l0_reverse, l1, …); e.g. the
   * `hidden` of the previous batch for session-parallel training. Default zeros. (LSTM cell states start at zero.)
   */
  h0?: readonly Tensor[];
}

export interface RecurrentOutput {
  /** [B, T, dirs·H]; zero at padded steps. */
  output: Tensor;
  /** Final state of the top layer [B, dirs·H]: forward at each sample's last valid step, backward at step 0. */
  last: Tensor;
  /** Final state [B, H] of every layer and direction, in the order of `h0`. */
  hidden: Tensor[];
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

  protected abstract sequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, options: SequenceOptions): Tensor;

  /** x [B, T, inputSize] → outputs and final states. */
  forward(x: Tensor, options: RecurrentOptions = {}): RecurrentOutput {
    const fields = this as unknown as Record<string, Tensor>;
    const B = x.shape[0]!, T = x.shape[1]!;
    if (options.h0 !== undefined && options.h0.length !== this.numLayers * this.directions) {
      throw createError('SHAPE_MISMATCH', { op: 'recurrent', problem: `h0 needs ${this.numLayers * this.directions} states (layers × directions), got ${options.h0.length}` });
    }
    const lastSteps = new Int32Array(B);
    for (let b = 0; b < B; b++) lastSteps[b] = Math.max(0, (options.lengths === undefined ? T : options.lengths[b]!) - 1);
    const firstSteps = new Int32Array(B);
    let input = x;
    let outs: Tensor[] = [];
    const hidden: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      outs = [];
      for (let d = 0; d < this.directions; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const xp = linear(input, fields[`weight_ih${sfx}`]!, fields[`bias_ih${sfx}`]!);
        const seqOptions: SequenceOptions = { reverse: d === 1 };
        if (options.lengths !== undefined) seqOptions.lengths = options.lengths;
        const h0 = options.h0?.[l * this.directions + d];
        if (h0 !== undefined) seqOptions.h0 = h0;
        const out = this.sequence(xp, fields[`weight_hh${sfx}`]!, fields[`bias_hh${sfx}`]!, seqOptions);
        outs.push(out);
        hidden.push(selectSteps(out, d === 1 ? firstSteps : lastSteps));
      }
      input = outs.length === 1 ? outs[0]! : concat(outs, 2);
      if (this.p > 0 && l + 1 < this.numLayers) input = dropout(input, this.p, this.rng, this.training);
    }
    const top = hidden.slice(-this.directions);
    const last = top.length === 1 ? top[0]! : concat(top, 1);
    return { output: input, last, hidden };
  }
}

/** Gated recurrent unit layer (Cho et al. 2014). */
export class Gru extends Recurrent {
  constructor(config: RecurrentConfig) {
    super(config, 3);
  }
  protected sequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, options: SequenceOptions): Tensor {
    return gruSequence(xProj, wHh, bHh, options);
  }
}

/** Long short-term memory layer (Hochreiter & Schmidhuber 1997). */
export class Lstm extends Recurrent {
  constructor(config: RecurrentConfig) {
    super(config, 4);
  }
  protected sequence(xProj: Tensor, wHh: Tensor, bHh: Tensor, options: SequenceOptions): Tensor {
    return lstmSequence(xProj, wHh, bHh, options);
  }
}
