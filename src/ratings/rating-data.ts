/**
 * @module Explicit ratings as parallel arrays of (user, item, value), the input of every rating model, read from a
 * Dataset's interaction log: each `rating` event's value (its log weight divided by `weights.rating`), the latest
 * one when a user rated an item twice. The log keeps positive weights only, so a rating ≤ 0 is not in it.
 */
import { EVENT_TYPES, type ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';

/** Ratings over dense user and item indices. */
export interface RatingSet {
  readonly nUsers: number;
  readonly nItems: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly value: Float64Array;
}

/** The closed interval ratings live in. */
export interface RatingScale {
  readonly min: number;
  readonly max: number;
}

const RATING_TYPE = EVENT_TYPES.indexOf('rating');

/** The dataset's ratings (indices are the dataset's users and items). */
export function ratingsOf(data: Dataset, weights: Pick<ResonateConfig['weights'], 'rating'>): RatingSet {
  if (!(weights.rating > 0)) throw createError('INVALID_CONFIG', { field: 'weights.rating', problem: `rating models read rating values through a positive weight, got ${weights.rating}` });
  const { log } = data;
  const latest = new Map<number, number>(); // user·nItems + item → log position (the log is in time order)
  const nItems = data.items.size;
  for (let k = 0; k < log.user.length; k++) if (log.type[k] === RATING_TYPE) latest.set(log.user[k]! * nItems + log.item[k]!, k);
  const n = latest.size;
  const user = new Int32Array(n), item = new Int32Array(n), value = new Float64Array(n);
  let j = 0;
  for (const k of latest.values()) {
    user[j] = log.user[k]!;
    item[j] = log.item[k]!;
    // The log holds value × weight in float32: undo the weight and the float32 rounding (6 significant digits).
    value[j++] = Number((log.weight[k]! / weights.rating).toPrecision(6));
  }
  return { nUsers: data.users.size, nItems, user, item, value };
}

/** The ratings at the given positions (same index spaces). */
export function subsetRatings(set: RatingSet, positions: ArrayLike<number>): RatingSet {
  const n = positions.length;
  const user = new Int32Array(n), item = new Int32Array(n), value = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const k = positions[j]!;
    user[j] = set.user[k]!;
    item[j] = set.item[k]!;
    value[j] = set.value[k]!;
  }
  return { nUsers: set.nUsers, nItems: set.nItems, user, item, value };
}

/** The configured scale, else the smallest and largest rating of the set. */
export function ratingScale(set: RatingSet, configured?: readonly [number, number]): RatingScale {
  if (configured) return { min: configured[0], max: configured[1] };
  if (set.value.length === 0) throw createError('DATASET_EMPTY', { what: 'ratings' });
  let min = Infinity, max = -Infinity;
  for (const v of set.value) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/** Refuses a rating outside the scale with RATING_OUT_OF_SCALE, naming where it came from. */
export function checkRating(value: number, scale: RatingScale, field: string): void {
  if (!(value >= scale.min && value <= scale.max)) throw createError('RATING_OUT_OF_SCALE', { field, value, min: scale.min, max: scale.max });
}

export function clip(value: number, scale: RatingScale): number {
  return value < scale.min ? scale.min : value > scale.max ? scale.max : value;
}

/** Mean rating (0 for an empty set). */
export function globalMean(set: RatingSet): number {
  let s = 0;
  for (const v of set.value) s += v;
  return set.value.length === 0 ? 0 : s / set.value.length;
}

/** Ratings grouped by user: `indptr` over positions of `order` (CSR-like, positions into the set). */
export function byUser(set: RatingSet): { indptr: Int32Array; order: Int32Array } {
  return groupBy(set.user, set.nUsers);
}

export function byItem(set: RatingSet): { indptr: Int32Array; order: Int32Array } {
  return groupBy(set.item, set.nItems);
}

function groupBy(keys: Int32Array, n: number): { indptr: Int32Array; order: Int32Array } {
  const indptr = new Int32Array(n + 1);
  for (const k of keys) indptr[k + 1]!++;
  for (let i = 0; i < n; i++) indptr[i + 1]! += indptr[i]!;
  const fill = indptr.slice(0, n);
  const order = new Int32Array(keys.length);
  for (let j = 0; j < keys.length; j++) order[fill[keys[j]!]!++] = j;
  return { indptr, order };
}
