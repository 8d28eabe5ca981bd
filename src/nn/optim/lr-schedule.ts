/**
 * @module Learning-rate schedules: linear warm-up then constant, linear decay or cosine decay
 * (Loshchilov & Hutter 2017, without restarts). A schedule maps a step (0-based) to a multiplier of the base lr.
 */
import { createError } from '../../core/errors.js';
import type { Optimizer } from './optimizer.js';

export interface LrScheduleConfig {
  /** Steps of linear warm-up from 0 to the base rate, default 0. */
  warmupSteps?: number;
  /** Total steps (needed for decay). */
  totalSteps?: number;
  /** Default 'constant'. */
  decay?: 'constant' | 'linear' | 'cosine';
  /** Multiplier reached at the end of decay, default 0. */
  minFactor?: number;
}

export type LrSchedule = (step: number) => number;

/**
 * @example const sched = createLrSchedule({ warmupSteps: 100, totalSteps: 1000, decay: 'cosine' });
 * opt.lr = baseLr * sched(step);
 */
export function createLrSchedule(config: LrScheduleConfig): LrSchedule {
  const warm = config.warmupSteps ?? 0, decay = config.decay ?? 'constant', min = config.minFactor ?? 0;
  const total = config.totalSteps ?? 0;
  if (decay !== 'constant' && !(total > warm)) {
    throw createError('INVALID_INPUT', { field: 'lrSchedule.totalSteps', problem: `must exceed warmupSteps (${warm}) for ${decay} decay, got ${total}` });
  }
  return (step: number): number => {
    if (step < warm) return (step + 1) / warm;
    if (decay === 'constant') return 1;
    const progress = Math.min(1, (step - warm) / (total - warm));
    if (decay === 'linear') return 1 - (1 - min) * progress;
    return min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

/** Sets `optimizer.lr = baseLr · schedule(step)`; call before `step()`. */
export function applyLrSchedule(optimizer: Optimizer, baseLr: number, schedule: LrSchedule, step: number): void {
  optimizer.lr = baseLr * schedule(step);
}
