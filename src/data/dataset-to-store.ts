/**
 * @module writeDatasetToStore: the inverse of `datasetFromStore`. Turns a Dataset (e.g. the training part of an
 * evaluation split) back into users, posts, follows and events, so that a store-backed pipeline (the engine and
 * its feed) can be fitted on exactly the interactions a lab model is fitted on.
 *
 * Round trip: `datasetFromStore(store, weights)` after this write rebuilds the same users × items matrix as
 * `dataset.interactions` (same ids; dense indices may differ). Each positive log entry becomes one event whose
 * weight under `weights` is the entry's weight: its own type when that type's weight equals the entry's weight
 * (`like` of weight 1), `rating` with value w / weights.rating for ratings, `dwell` with the seconds that give w,
 * and otherwise `rating` with value w / weights.rating (split logs carry one summed weight per pair).
 * Negatives (hides, reports) carry no time in a Dataset and are not written.
 */
import { DEFAULT_CONFIG, EVENT_TYPES } from '../core/config.js';
import { createError } from '../core/errors.js';
import { CATALOG_AUTHOR } from './importers/types.js';
import type { EventWeights } from './dataset-builder.js';
import type { Dataset, InteractionLog } from './dataset.js';
import type { Event, Follow, Post, User } from './schemas.js';

/**
 * The part of `Store` this write needs, restated here so the data layer does not import the storage layer
 * above it; every Store satisfies it.
 */
export interface RowSink {
  write(batch: { users?: readonly User[]; posts?: readonly Post[]; follows?: readonly Follow[]; events?: readonly Event[] }): Promise<unknown>;
}

export interface WriteDatasetOptions {
  /** Weights the store's dataset will be rebuilt with (default: the config defaults). */
  weights?: EventWeights;
  /**
   * The dataset `dataset` was split from (same users and items): events are then taken from its log, with their
   * original types, times and values, for every (user, item) pair present in `dataset.interactions`. An
   * evaluation split keeps whole pairs, so the rebuilt weights are still the split's, while the event types a
   * store-backed pipeline reads (likes, shares, ratings, views for the engagement ranker) stay those of the data.
   */
  history?: Dataset;
  /**
   * Leave out items created after `dataset.now` (the latest event of a training part) that nobody interacted
   * with in it: at that time they did not exist yet, so a store-backed pipeline must not propose them (a temporal
   * split's later posts would otherwise be the freshest candidates), and they would move the rebuilt `now`.
   */
  onlyExistingAtNow?: boolean;
  /** Rows per write (one transaction each; default 10 000). */
  batchSize?: number;
}

export interface WriteDatasetReport {
  users: number;
  posts: number;
  follows: number;
  events: number;
}

const DWELL_FULL_SECONDS = 30;
const RATING = EVENT_TYPES.indexOf('rating');

/** Writes every user, item (as a post), follow edge and positive event of `dataset` into `sink`. */
export async function writeDatasetToStore(dataset: Dataset, sink: RowSink, options: WriteDatasetOptions = {}): Promise<WriteDatasetReport> {
  const weights = options.weights ?? DEFAULT_CONFIG.weights;
  const batchSize = options.batchSize ?? 10_000;
  const history = options.history;
  if (history && (history.users.size !== dataset.users.size || history.items.size !== dataset.items.size)) {
    throw createError('INVALID_INPUT', { field: 'history', problem: 'expected the dataset the split was made from (same users and items)' });
  }
  const { users, items } = dataset;
  const flush = async <T>(key: 'users' | 'posts' | 'follows' | 'events', rows: T[]): Promise<void> => {
    for (let s = 0; s < rows.length; s += batchSize) await sink.write({ [key]: rows.slice(s, s + batchSize) });
  };

  const userRows: User[] = users.ids().map((id) => ({ id }));
  const needsCatalog = Array.prototype.some.call(dataset.itemAuthors, (a: number) => a < 0) as boolean;
  if (needsCatalog && users.index(CATALOG_AUTHOR) < 0) userRows.push({ id: CATALOG_AUTHOR });
  await flush('users', userRows);

  // Creation time, when unknown: the item's first interaction (else the data's "now": first seen at the cut).
  const firstSeen = new Float64Array(items.size).fill(NaN);
  const log = dataset.log;
  for (let k = 0; k < log.item.length; k++) {
    const i = log.item[k]!;
    if (!(firstSeen[i]! <= log.time[k]!)) firstSeen[i] = log.time[k]!;
  }
  const posts: Post[] = [];
  for (let i = 0; i < items.size; i++) {
    const a = dataset.itemAuthors[i]!;
    const created = dataset.itemCreatedAt[i]!;
    if (options.onlyExistingAtNow && created > dataset.now && !Number.isFinite(firstSeen[i]!)) continue;
    posts.push({
      id: items.id(i),
      author: a >= 0 ? users.id(a) : CATALOG_AUTHOR,
      text: dataset.itemTexts[i] ?? '',
      tags: (dataset.itemTags[i] ?? []).slice(),
      created_at: Number.isFinite(created) ? created : Number.isFinite(firstSeen[i]!) ? firstSeen[i]! : dataset.now,
    });
  }
  await flush('posts', posts);

  const follows: Follow[] = [];
  const f = dataset.follows;
  for (let u = 0; u < f.rows; u++) {
    for (let p = f.indptr[u]!; p < f.indptr[u + 1]!; p++) follows.push({ follower: users.id(u), followee: users.id(f.indices[p]!) });
  }
  await flush('follows', follows);

  const source: InteractionLog = history ? history.log : log;
  const keep = history ? pairFilter(dataset) : undefined;
  const events: Event[] = [];
  for (let k = 0; k < source.user.length; k++) {
    const u = source.user[k]!, i = source.item[k]!;
    if (keep && !keep(u, i)) continue;
    events.push({ id: `e${k}`, user: users.id(u), post: items.id(i), timestamp: source.time[k]!, ...typed(source.type[k]!, source.weight[k]!, weights) });
  }
  await flush('events', events);
  return { users: userRows.length, posts: posts.length, follows: follows.length, events: events.length };
}

/** An event type (and value) whose weight under `weights` is `w`. */
export function typed(typeIndex: number, w: number, weights: EventWeights): Pick<Event, 'type' | 'value'> {
  const type = EVENT_TYPES[typeIndex] ?? 'rating';
  if (type === 'dwell' && weights.dwell > 0 && w <= weights.dwell) return { type, value: (w / weights.dwell) * DWELL_FULL_SECONDS };
  if (type !== 'rating' && type !== 'dwell' && Math.fround(weights[type]) === Math.fround(w)) return { type };
  if (!(weights.rating > 0)) {
    throw createError('INVALID_INPUT', { field: 'weights.rating', problem: `must be > 0 to carry an interaction weight of ${w} (${EVENT_TYPES[RATING]} events)` });
  }
  return { type: 'rating', value: w / weights.rating };
}

/** (u, i) → whether the pair has an entry in `dataset.interactions` (binary search in the CSR row). */
function pairFilter(dataset: Dataset): (u: number, i: number) => boolean {
  const { indptr, indices } = dataset.interactions;
  return (u, i) => {
    if (u >= dataset.interactions.rows) return false;
    let lo = indptr[u]!, hi = indptr[u + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = indices[mid]!;
      if (v === i) return true;
      if (v < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  };
}
