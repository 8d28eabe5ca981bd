/**
 * @module Predicted ratings for the serving snapshot (`GET /v1/users/{id}/predicted-rating?post=`): the rating model
 * of `ratings.model` fitted on the snapshot's `rating` events on the first request after a swap (not saved with
 * the model version), its prediction clipped to the rating scale (`ratings.scale`, else the snapshot's smallest
 * and largest rating). The same scale bounds the `rating` events the ingest path accepts while a rating model is
 * configured.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import type { Event } from '../data/schemas.js';
import { checkRating, clip, ratingScale, ratingsOf, type RatingScale, type RatingSet } from '../ratings/rating-data.js';
import type { RatingModel } from '../ratings/rating-model.js';
import { createRatingModel, RATING_MODEL_IDS } from '../ratings/rating-models.js';

export interface PredictedRating {
  user: string;
  post: string;
  /** The model's prediction clipped to the scale. */
  rating: number;
  /** The rating model id (`rating/svd`). */
  model: string;
  scale: RatingScale;
  /** The user's own rating of the post in the snapshot, when there is one. */
  rated?: number;
}

export interface ServedRatings {
  predict(data: Dataset, userId: string, postId: string): PredictedRating;
  /** Refuses rating events outside the scale (RATING_OUT_OF_SCALE); nothing to check without a rating model. */
  checkEvents(events: readonly Event[], data: Dataset | undefined): void;
}

interface Built {
  set: RatingSet;
  scale: RatingScale;
  /** user · items + item → the user's rating. */
  rated: Map<number, number>;
  model?: RatingModel;
}

/** INVALID_CONFIG when `ratings.model` is not a rating model or its `ratings.params` do not fit it (at start). */
export function checkRatingsConfig(config: ResonateConfig): void {
  const { model, params } = config.ratings;
  if (model === undefined) return;
  try {
    createRatingModel(model, params);
  } catch (e) {
    throw createError('INVALID_CONFIG', { field: 'ratings', problem: e instanceof Error ? e.message : String(e) });
  }
}

export function createServedRatings(options: { config: ResonateConfig; logger: Logger }): ServedRatings {
  const { ratings, weights, seed } = options.config;
  const modelId = ratings.model;
  const built = new WeakMap<Dataset, Built | null>();
  /** The snapshot's ratings and scale, read once per snapshot; null when it has no rating and no scale is configured. */
  const ratingsIn = (data: Dataset): Built | null => {
    let b = built.get(data);
    if (b === undefined) {
      const set = ratingsOf(data, weights);
      const rated = new Map<number, number>();
      set.value.forEach((v, k) => rated.set(set.user[k]! * set.nItems + set.item[k]!, v));
      b = set.value.length === 0 && !ratings.scale ? null : { set, scale: ratingScale(set, ratings.scale), rated };
      built.set(data, b);
    }
    return b;
  };
  return {
    predict(data, userId, postId) {
      if (modelId === undefined) throw createError('RATINGS_NOT_CONFIGURED', { expected: RATING_MODEL_IDS.join(', ') });
      const u = data.users.index(userId);
      if (u < 0) throw createError('NOT_FOUND', { kind: 'user', id: userId });
      const i = data.items.index(postId);
      if (i < 0) throw createError('NOT_FOUND', { kind: 'post', id: postId });
      const b = ratingsIn(data);
      if (!b || b.set.value.length === 0) throw createError('DATASET_EMPTY', { what: 'ratings (rating events with a value) to fit the rating model on' });
      if (!b.model) {
        const t0 = performance.now();
        const model = createRatingModel(modelId, ratings.params);
        model.fit(b.set, { seed });
        b.model = model;
        options.logger.info({ model: modelId, ratings: b.set.value.length, seconds: (performance.now() - t0) / 1000 }, 'rating model fitted');
      }
      const rated = b.rated.get(u * data.items.size + i);
      return { user: userId, post: postId, rating: clip(b.model.predict(u, i), b.scale), model: modelId, scale: b.scale, ...(rated !== undefined ? { rated } : {}) };
    },
    checkEvents(events, data) {
      if (modelId === undefined || !events.some((e) => e.type === 'rating')) return;
      const scale = ratings.scale ? { min: ratings.scale[0], max: ratings.scale[1] } : data ? ratingsIn(data)?.scale : undefined;
      if (!scale) return;
      events.forEach((e, k) => {
        if (e.type === 'rating' && e.value !== undefined) checkRating(e.value, scale, `events[${k}].value`);
      });
    },
  };
}
