/**
 * @module Split types: a training `Dataset` and a users × items relevance matrix of held-out interactions,
 * sharing the full IdMaps of the source data so indices mean the same thing everywhere.
 */
import type { Dataset } from '../../data/dataset.js';
import type { Csr } from '../../math/csr.js';

/** One train/test pair. */
export interface SplitPart {
  /** What models fit on. Its IdMaps are the source's (every user and item, even those absent here). */
  readonly train: Dataset;
  /** users × items: held-out interactions, value = relevance (the summed interaction weight). */
  readonly test: Csr;
}

/** A split for final evaluation, with an optional validation part carved from `train` only (for tuning). */
export interface Split extends SplitPart {
  /** `validation.train ∪ validation.test = train`; the test part is never touched by it. */
  readonly validation?: SplitPart;
}

export type ProtocolName = 'msr' | 'loo' | 'temporal';
