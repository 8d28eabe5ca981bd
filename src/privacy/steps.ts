/**
 * @module Steps of DP-SGD from epochs, as TensorFlow Privacy's `compute_dp_sgd_privacy` counts them:
 * ceil(epochs × n / batch) = ceil(epochs / q).
 */
import { createError } from '../core/errors.js';
import { checkSampleRate } from './rdp.js';

/**
 * ceil(epochs / sampleRate). A quotient within 1e-9 (relative) of a whole number is taken as that number, so that
 * a rounding error of the division (90 / 0.04 is not exactly 2250 in every order of operations) adds no step.
 */
export function stepsForEpochs(epochs: number, sampleRate: number): number {
  if (!(epochs >= 0 && Number.isFinite(epochs))) throw createError('INVALID_INPUT', { field: 'epochs', problem: `expected a finite number of epochs ≥ 0, got ${epochs}` });
  checkSampleRate(sampleRate);
  if (epochs === 0) return 0;
  if (sampleRate === 0) throw createError('INVALID_INPUT', { field: 'sampleRate', problem: 'a sampling rate of 0 never completes an epoch; give steps instead' });
  const exact = epochs / sampleRate;
  const nearest = Math.round(exact);
  const steps = Math.abs(exact - nearest) <= 1e-9 * Math.max(1, nearest) ? nearest : Math.ceil(exact);
  if (!Number.isSafeInteger(steps)) throw createError('INVALID_INPUT', { field: 'epochs', problem: `${epochs} epochs at rate ${sampleRate} is more steps than can be counted` });
  return steps;
}
