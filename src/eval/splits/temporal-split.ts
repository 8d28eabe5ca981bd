/**
 * @module Global temporal split: every interaction up to a time quantile trains, everything later tests.
 *
 * The cut-off is the interaction time at position ⌈q·n⌉ − 1 of the sorted times of the unique pairs, so about
 * a fraction q trains (ties at the cut-off train too). Test users without training history are kept in the
 * test matrix; the runner evaluates warm users (at least one training interaction) by default. Validation is
 * carved from the training part the same way (its own q-quantile).
 */
import { createError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import { pairsOf, partFromAssignment, TEST, TRAIN } from './pairs.js';
import type { Split } from './types.js';

export interface TemporalSplitOptions {
  /** Fraction of interactions (by time) that train (default 0.8). */
  quantile?: number;
  /** Carve a validation part from train with the same quantile (default true). */
  validation?: boolean;
}

export function temporalSplit(data: Dataset, options: TemporalSplitOptions = {}): Split {
  const { quantile = 0.8, validation = true } = options;
  if (!(quantile > 0 && quantile < 1)) throw createError('INVALID_INPUT', { field: 'quantile', problem: `expected a number in (0, 1), got ${quantile}` });
  const pairs = pairsOf(data);
  const n = pairs.time.length;
  const side = new Uint8Array(n).fill(TEST);
  if (n > 0) {
    const cutoff = timeQuantile(pairs.time, quantile);
    for (let k = 0; k < n; k++) if (pairs.time[k]! <= cutoff) side[k] = TRAIN;
  }
  const part = partFromAssignment(data, pairs, side);
  if (!validation) return part;
  return { ...part, validation: temporalSplit(part.train, { quantile, validation: false }) };
}

/** The time at sorted position ⌈q·n⌉ − 1 (at least position 0). */
export function timeQuantile(times: Float64Array, q: number): number {
  const sorted = Float64Array.from(times).sort();
  const pos = Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[pos]!;
}
