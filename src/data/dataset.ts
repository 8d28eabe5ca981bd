/**
 * @module Dataset: the model-facing snapshot. Models see this, never the Store.
 *
 * Users and items are dense indices (IdMap). `interactions` holds the positive implicit-feedback weight of
 * every (user, item) pair, summed over events with the per-type weights of the config; `negatives` holds
 * hides and reports. `log` keeps every positive event in time order for sequence models and temporal splits.
 */
import type { IdMap } from '../core/id-map.js';
import type { EventType } from '../core/config.js';
import type { Csr } from '../math/csr.js';

/** Positive events in ascending time order (parallel arrays). */
export interface InteractionLog {
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Index into EVENT_TYPES. */
  readonly type: Uint8Array;
  /** The event's weight contribution (after per-type weighting). */
  readonly weight: Float32Array;
  /** Epoch milliseconds. */
  readonly time: Float64Array;
}

/** One named item vector (a media embedding) over the snapshot's items. */
export interface ItemVectors {
  readonly dim: number;
  /** items × dim, row-major; zeros for an item without this vector. */
  readonly values: Float32Array;
  /** Per item: 1 when it carries the vector. */
  readonly present: Uint8Array;
}

/** Text signals per item (NaN when a post carries none). */
export interface ItemSignals {
  readonly sentiment: Float32Array;
  readonly offensive: Float32Array;
}

export interface Dataset {
  readonly users: IdMap;
  readonly items: IdMap;
  /** users × items, summed positive weights. */
  readonly interactions: Csr;
  /** users × items, latest interaction time (epoch ms) aligned entry-for-entry with `interactions`. */
  readonly interactionTimes: Float64Array;
  /** users × items, hide/report counts (filters and negative labels). */
  readonly negatives: Csr;
  /** Every positive event in time order. */
  readonly log: InteractionLog;
  /** users × users: row u lists whom u follows. */
  readonly follows: Csr;
  /** Per item: text ('' when unknown). */
  readonly itemTexts: readonly string[];
  /** Per item: tags. */
  readonly itemTags: readonly (readonly string[])[];
  /** Per item: author as a user index, -1 when unknown. */
  readonly itemAuthors: Int32Array;
  /** Per item: creation time (epoch ms), NaN when unknown. */
  readonly itemCreatedAt: Float64Array;
  /** Per item: language tag (a post's `lang`), null when unknown; absent when the snapshot kept none. */
  readonly itemLangs?: readonly (string | null)[];
  /** Named item vectors (posts' `features.vectors`), by name; absent or empty when no post carried one. */
  readonly itemVectors?: Readonly<Record<string, ItemVectors>>;
  /**
   * Per item: the text signals posts carry from ingest (`features.sentiment_score` in [-1, 1] and
   * `features.offensive`, a probability), NaN where a post has none; absent in snapshots made without them.
   */
  readonly itemSignals?: ItemSignals;
  /**
   * "Now" for time decay (epoch ms): the latest event or post time, except times ahead of the wall clock that are
   * outliers of the data (see dataset-now.ts), so one far-future event cannot age everything else.
   */
  readonly now: number;
}

export type { EventType };
