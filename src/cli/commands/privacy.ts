/**
 * @module `resonate privacy epsilon`: the (ε, δ) guarantee of DP-SGD with Poisson sampling, from the noise
 * multiplier, the sampling rate and the number of steps (or epochs), by Rényi-DP accounting.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { CONVERSIONS, computeRdp, DEFAULT_ORDERS, DP_SGD_ORDERS, epsilonFromRdp, stepsForEpochs, type Conversion } from '../../privacy/index.js';
import { checkConversion } from '../../privacy/conversion.js';
import { printJson } from '../shared.js';

interface EpsilonOptions {
  noiseMultiplier: string;
  sampleRate: string;
  delta: string;
  epochs?: string;
  steps?: string;
  conversion: string;
  orders: string;
  json?: boolean;
}

function numberOption(value: string, flag: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n)) throw createError('INVALID_INPUT', { field: flag, problem: `expected a number, got "${value}"` });
  return n;
}

/** `default`, `dp-sgd` or a comma-separated list of orders. */
function ordersOption(value: string): readonly number[] {
  if (value === 'default') return DEFAULT_ORDERS;
  if (value === 'dp-sgd') return DP_SGD_ORDERS;
  return value.split(',').map((s) => numberOption(s, '--orders'));
}

export function registerPrivacyCommands(program: Command): void {
  const privacy = program.command('privacy').description('differential-privacy accounting for DP-SGD');

  privacy
    .command('epsilon')
    .description('ε of DP-SGD with Poisson sampling at a given δ, by RDP accounting of the sampled Gaussian mechanism')
    .requiredOption('--noise-multiplier <sigma>', 'noise standard deviation / clipping norm')
    .requiredOption('--sample-rate <q>', 'Poisson sampling rate (batch size / dataset size)')
    .requiredOption('--delta <delta>', 'target δ (e.g. 1e-5; below 1 / dataset size)')
    .option('--epochs <E>', 'epochs of training; steps = ceil(E / q)')
    .option('--steps <N>', 'steps of training (instead of --epochs)')
    .option('--conversion <kind>', `RDP → (ε, δ) bound: ${CONVERSIONS.join(' | ')}`, 'tight')
    .option('--orders <list>', 'Rényi orders: default (1.1…10.9, 12…63) | dp-sgd (compute_dp_sgd_privacy grid) | comma-separated numbers', 'default')
    .option('--json', 'print one JSON object { epsilon, order, conversion, steps }')
    .action((opts: EpsilonOptions) => {
      const sigma = numberOption(opts.noiseMultiplier, '--noise-multiplier');
      const q = numberOption(opts.sampleRate, '--sample-rate');
      const delta = numberOption(opts.delta, '--delta');
      const conversion: string = opts.conversion;
      checkConversion(conversion);
      const orders = ordersOption(opts.orders);
      if ((opts.epochs === undefined) === (opts.steps === undefined)) {
        throw createError('INVALID_INPUT', { field: '--epochs', problem: 'give exactly one of --epochs and --steps' });
      }
      const steps = opts.steps !== undefined ? numberOption(opts.steps, '--steps') : stepsForEpochs(numberOption(opts.epochs!, '--epochs'), q);
      const rdp = computeRdp(q, sigma, steps, orders);
      const { epsilon, order } = epsilonFromRdp(orders, rdp, delta, conversion as Conversion);
      if (opts.json) {
        // JSON has no Infinity: an unbounded ε (no noise) is null, as is its order.
        printJson({ epsilon: Number.isFinite(epsilon) ? epsilon : null, order, conversion, steps });
        return;
      }
      const eps = Number.isFinite(epsilon) ? epsilon.toFixed(4) : '∞ (no noise: no privacy)';
      const at = order === null ? '' : `, optimal order ${order}`;
      console.log(`epsilon ${eps} at delta ${delta} (${steps} steps, ${conversion} conversion${at})`);
    });
}
