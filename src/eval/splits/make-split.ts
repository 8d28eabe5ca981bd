/**
 * @module One entry point for the evaluation protocols: `msr` (stratified 75/25 per item, seed 42), `loo`
 * (leave-last-one-out per user) and `temporal` (global time quantile), each with a validation part carved
 * from its training part, plus `validationSplit` to carve one from any training Dataset.
 */
import { createError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import { leaveLastOutSplit, type LeaveLastOutOptions } from './leave-last-out.js';
import { stratifiedSplit, type StratifiedSplitOptions } from './stratified-split.js';
import { temporalSplit, type TemporalSplitOptions } from './temporal-split.js';
import type { ProtocolName, Split, SplitPart } from './types.js';

export const PROTOCOLS: readonly ProtocolName[] = ['msr', 'loo', 'temporal'];

export interface ProtocolOptions {
  msr?: Omit<StratifiedSplitOptions, 'seed' | 'validation'>;
  loo?: Omit<LeaveLastOutOptions, 'validation'>;
  temporal?: Omit<TemporalSplitOptions, 'validation'>;
}

/** Splits `data` by the named protocol; `seed` only matters for `msr` (the others are deterministic). */
export function makeSplit(data: Dataset, protocol: ProtocolName, seed = 42, options: ProtocolOptions = {}, validation = true): Split {
  switch (protocol) {
    case 'msr':
      // Per item, as the notebook behind the published table calls python_stratified_split (see stratified-split.ts).
      return stratifiedSplit(data, { filterBy: 'item', ...options.msr, seed, validation });
    case 'loo':
      return leaveLastOutSplit(data, { ...options.loo, validation });
    case 'temporal':
      return temporalSplit(data, { ...options.temporal, validation });
    default:
      throw createError('UNKNOWN_OPTION', { kind: 'protocol', name: String(protocol), expected: PROTOCOLS.join(', ') });
  }
}

/** A validation part carved from a training Dataset by the same protocol (never sees any test data). */
export function validationSplit(train: Dataset, protocol: ProtocolName, seed = 42, options: ProtocolOptions = {}): SplitPart {
  return makeSplit(train, protocol, seed, options, false);
}

/** Words for reports. */
export function describeProtocol(protocol: ProtocolName, options: ProtocolOptions = {}): string {
  switch (protocol) {
    case 'msr': {
      const o = options.msr ?? {};
      const ratio = o.ratio ?? 0.75;
      const by = o.filterBy ?? 'item';
      return `Microsoft Recommenders python_stratified_split (filter_by="${by}"): each ${by}'s interactions shuffled with the seed, ` +
        `the first ${Math.round(ratio * 100)}% (rank/size ≤ ${ratio}) train, the rest test` +
        `${(o.minRating ?? 1) > 1 ? `, ${by}s with fewer than ${o.minRating} interactions dropped` : ''}; ` +
        'same protocol as the published table, a different random draw (our PRNG is not NumPy\'s)';
    }
    case 'loo':
      return `leave-last-${options.loo?.n ?? 1}-out per user by time (SASRec): the last item tests, the one before validates, users with fewer than ${2 * (options.loo?.n ?? 1) + 1} items only train`;
    case 'temporal':
      return `global temporal split: interactions up to the ${options.temporal?.quantile ?? 0.8} time quantile train, later ones test`;
    default:
      return String(protocol);
  }
}
