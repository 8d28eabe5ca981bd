/**
 * @module Early stopping on a validation score (higher is better): remembers the best score and stops after
 * `patience` evaluations without improvement. Its state is plain JSON so checkpoints can carry it. Also the
 * hyperparameters every model with a carved validation set and checkpoints takes, so they read the same.
 */
import { z } from 'zod';

export interface ValidationDefaults {
  validationFraction: number;
  evalEvery: number;
  patience: number;
  validationK: number;
}

/** Zod fields of validation-based early stopping and checkpointing, with the model's own defaults. */
export function validationParams(d: ValidationDefaults) {
  return {
    /** Share of each user's training items held out for early stopping (0 disables early stopping). */
    validationFraction: z.number().min(0).max(0.5).default(d.validationFraction),
    /** Epochs between validation evaluations. */
    evalEvery: z.number().int().min(1).default(d.evalEvery),
    /** Evaluations without improvement before stopping. */
    patience: z.number().int().min(1).default(d.patience),
    /** Cut-off of the validation nDCG. */
    validationK: z.number().int().min(1).default(d.validationK),
    /** File to write checkpoints to and resume from (optional). */
    checkpointPath: z.string().min(1).optional(),
  };
}

export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  bad: number;
}

export function createEarlyStopping(patience: number, state?: EarlyStoppingState) {
  const s: EarlyStoppingState = state ? { ...state } : { best: -Infinity, bestEpoch: -1, bad: 0 };
  return {
    state: s,
    /** Records a score; returns true when it is a new best. */
    update(score: number, epoch: number): boolean {
      if (score > s.best) { s.best = score; s.bestEpoch = epoch; s.bad = 0; return true; }
      s.bad++;
      return false;
    },
    get shouldStop(): boolean {
      return s.bad >= patience;
    },
  };
}
