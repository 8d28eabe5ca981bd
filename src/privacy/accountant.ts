/**
 * @module A running RDP accountant for DP-SGD with a fixed noise multiplier and Poisson sampling rate: count the
 * steps taken, read the ε spent, and ask before a step whether it would break a budget.
 *
 * RDP composes additively and every step is the same mechanism, so the one-step RDP at each order is computed once
 * and every query scales it by the number of steps: a query costs one pass over the orders.
 */
import { createError } from '../core/errors.js';
import { checkConversion, checkDelta, epsilonFromRdp, type Conversion, type EpsilonResult } from './conversion.js';
import { checkNoiseMultiplier, checkOrders, checkSampleRate, checkSteps, DEFAULT_ORDERS, rdpOneStep } from './rdp.js';

export interface RdpAccountantOptions {
  /** Noise standard deviation divided by the clipping norm (σ). */
  readonly noiseMultiplier: number;
  /** Poisson sampling rate of each step (q = expected batch size / dataset size). */
  readonly sampleRate: number;
  /** Target δ of the (ε, δ) guarantee. */
  readonly delta: number;
  /** Rényi orders to minimise over; default DEFAULT_ORDERS (TensorFlow Privacy's and Opacus' default). */
  readonly orders?: readonly number[];
  /** RDP → (ε, δ) bound; default 'tight'. */
  readonly conversion?: Conversion;
}

export interface RdpAccountant {
  /** Steps accounted so far. */
  readonly steps: number;
  /** Records n more steps (default 1). */
  step(n?: number): void;
  /** ε after the given number of steps (not necessarily the ones taken). */
  epsilonFor(steps: number): number;
  /** ε and the order that gives it after the given number of steps. */
  spentFor(steps: number): EpsilonResult;
  /** ε spent by the steps taken so far. */
  epsilon(): number;
  /** Whether taking `extraSteps` more steps (default 1) would bring ε above `budgetEpsilon`. */
  wouldExceed(budgetEpsilon: number, extraSteps?: number): boolean;
}

/**
 * @example
 * const acc = createRdpAccountant({ noiseMultiplier: 1.1, sampleRate: 256 / 60000, delta: 1e-5 });
 * while (!acc.wouldExceed(3)) { trainOneStep(); acc.step(); }
 */
export function createRdpAccountant(options: RdpAccountantOptions): RdpAccountant {
  const { noiseMultiplier, sampleRate, delta } = options;
  const orders = options.orders ?? DEFAULT_ORDERS;
  const conversion = options.conversion ?? 'tight';
  checkNoiseMultiplier(noiseMultiplier);
  checkSampleRate(sampleRate);
  checkDelta(delta);
  checkOrders(orders);
  checkConversion(conversion);
  const perStep = orders.map((alpha) => rdpOneStep(sampleRate, noiseMultiplier, alpha));
  let taken = 0;

  const spentFor = (steps: number): EpsilonResult => {
    checkSteps(steps);
    return epsilonFromRdp(orders, perStep.map((r) => (steps === 0 ? 0 : r * steps)), delta, conversion);
  };

  return {
    get steps() {
      return taken;
    },
    step(n = 1) {
      checkSteps(n, 'n');
      taken += n;
    },
    spentFor,
    epsilonFor: (steps) => spentFor(steps).epsilon,
    epsilon: () => spentFor(taken).epsilon,
    wouldExceed(budgetEpsilon, extraSteps = 1) {
      if (!(budgetEpsilon >= 0)) throw createError('INVALID_INPUT', { field: 'budgetEpsilon', problem: `expected a budget ε ≥ 0, got ${budgetEpsilon}` });
      checkSteps(extraSteps, 'extraSteps');
      return spentFor(taken + extraSteps).epsilon > budgetEpsilon;
    },
  };
}
