/**
 * @module The noise multiplier that meets a target ε: bisection on σ with the RDP accountant (ε falls as σ grows),
 * as Opacus' `get_noise_multiplier`.
 */
import { createError } from '../core/errors.js';
import { checkDelta, type Conversion } from './conversion.js';
import { createRdpAccountant } from './accountant.js';
import { checkSampleRate, checkSteps } from './rdp.js';

export interface CalibrationOptions {
  /** Target ε (> 0). */
  readonly epsilon: number;
  readonly delta: number;
  /** Poisson sampling rate q. */
  readonly sampleRate: number;
  /** Steps the training will take. */
  readonly steps: number;
  readonly orders?: readonly number[];
  readonly conversion?: Conversion;
  /** Stop when the bracket on σ is this narrow; default 1e-4. */
  readonly tolerance?: number;
}

/**
 * The smallest σ (within `tolerance`, rounded up) whose ε after `steps` steps is ≤ the target.
 * @example noiseMultiplierFor({ epsilon: 3, delta: 1e-5, sampleRate: 256 / 60000, steps: 14063 }) // ≈ 1.1
 */
export function noiseMultiplierFor(options: CalibrationOptions): number {
  const { epsilon: target, delta, sampleRate, steps } = options;
  if (!(target > 0 && Number.isFinite(target))) throw createError('INVALID_INPUT', { field: 'epsilon', problem: `expected a finite target ε > 0, got ${target}` });
  checkDelta(delta);
  checkSampleRate(sampleRate);
  checkSteps(steps);
  const tolerance = options.tolerance ?? 1e-4;
  const eps = (noiseMultiplier: number): number =>
    createRdpAccountant({ noiseMultiplier, sampleRate, delta, ...(options.orders ? { orders: options.orders } : {}), ...(options.conversion ? { conversion: options.conversion } : {}) }).epsilonFor(steps);
  let lo = 0, hi = 1;
  while (eps(hi) > target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e6) throw createError('INVALID_INPUT', { field: 'epsilon', problem: `ε ${target} is out of reach with ${steps} steps at rate ${sampleRate}` });
  }
  while (hi - lo > tolerance) {
    const mid = (lo + hi) / 2;
    if (eps(mid) > target) lo = mid;
    else hi = mid;
  }
  return hi;
}
