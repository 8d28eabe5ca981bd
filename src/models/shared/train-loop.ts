/**
 * @module The epoch loop shared by the neural recommenders built on `src/nn`: seeded epochs, progress,
 * cancellation, early stopping on a validation score with the best weights restored at the end, and a
 * checkpoint (weights, best weights, epoch, early-stopping state) written at each evaluation and resumed when
 * it belongs to the same run. Optimizer moments are not in the checkpoint (`src/nn`'s Adam keeps them
 * private): a resumed run restarts Adam's moment estimates, so it is close to, not bit-identical with, an
 * uninterrupted one.
 */
import type { Logger } from '../../core/logger.js';
import { throwIfAborted, type Progress } from '../../core/progress.js';
import type { Module } from '../../nn/module.js';
import type { TensorMap } from '../../nn/safetensors.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { createEarlyStopping, type EarlyStoppingState } from './early-stopping.js';

export interface TrainLoopConfig {
  modelId: string;
  module: Module;
  epochs: number;
  evalEvery: number;
  patience: number;
  checkpointPath?: string | undefined;
  fingerprint: string;
  /** One epoch (seeded by its index); returns the mean loss. */
  runEpoch(epoch: number): Promise<number> | number;
  /** Validation score, higher is better; undefined disables early stopping. */
  validate?: (() => number) | undefined;
  signal?: AbortSignal | undefined;
  progress?: Progress | undefined;
  logger?: Logger | undefined;
}

export interface TrainSummary {
  epochs: number;
  bestEpoch: number;
  validation: number;
  resumedFrom: number;
}

function prefixed(map: TensorMap, prefix: string): TensorMap {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [prefix + k, v]));
}

function unprefixed(map: TensorMap, prefix: string): TensorMap {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

export async function trainLoop(c: TrainLoopConfig): Promise<TrainSummary> {
  let start = 0;
  let early: EarlyStoppingState | undefined;
  let best: TensorMap | undefined;
  const cp = loadCheckpoint(c.checkpointPath, c.fingerprint);
  if (cp) {
    try {
      c.module.loadStateDict(unprefixed(cp.tensors, 'w.'));
      const b = unprefixed(cp.tensors, 'best.');
      if (Object.keys(b).length > 0) best = b;
      start = Number(cp.state.epoch);
      early = cp.state.early as EarlyStoppingState;
    } catch {
      start = 0;
    }
  }
  const stopper = createEarlyStopping(c.patience, early);
  const summary: TrainSummary = { epochs: start, bestEpoch: stopper.state.bestEpoch, validation: stopper.state.best, resumedFrom: start };
  for (let epoch = start; epoch < c.epochs; epoch++) {
    throwIfAborted(c.signal, c.modelId);
    c.module.train();
    const loss = await c.runEpoch(epoch);
    summary.epochs = epoch + 1;
    c.progress?.(epoch + 1, c.epochs, `epoch loss ${loss.toFixed(4)}`);
    const last = epoch + 1 === c.epochs;
    if (c.validate && ((epoch + 1) % c.evalEvery === 0 || last)) {
      c.module.eval();
      const score = c.validate();
      if (stopper.update(score, epoch + 1)) best = c.module.stateDict();
      summary.bestEpoch = stopper.state.bestEpoch;
      summary.validation = stopper.state.best;
      c.logger?.info({ model: c.modelId, epoch: epoch + 1, validation: score }, 'validation');
      if (c.checkpointPath) {
        saveCheckpoint(c.checkpointPath, c.fingerprint, {
          tensors: { ...prefixed(c.module.stateDict(), 'w.'), ...(best ? prefixed(best, 'best.') : {}) },
          state: { epoch: epoch + 1, early: stopper.state },
        });
      }
      if (stopper.shouldStop) break;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throwIfAborted(c.signal, c.modelId);
  if (best) c.module.loadStateDict(best);
  c.module.eval();
  return summary;
}
