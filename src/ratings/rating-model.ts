/**
 * @module The contract of a rating model (the scorer f(user, item) of explicit ratings, fitted with a squared
 * loss): `fit` on a `RatingSet`, then `predict` any (user, item) of the same index spaces. A user or an item
 * without training ratings gets what the model can say without it (Surprise's convention: the global mean plus
 * the biases that are known). Predictions are not clipped; callers clip to the scale.
 */
import type { RatingSet } from './rating-data.js';

export interface RatingFitOptions {
  seed: number;
  signal?: AbortSignal;
}

export interface RatingModel {
  /** `rating/…`. */
  readonly id: string;
  /** Hyper-parameters in effect (defaults filled). */
  readonly params: Record<string, unknown>;
  fit(train: RatingSet, options: RatingFitOptions): void;
  predict(user: number, item: number): number;
}

/** Predictions for aligned (user, item) arrays. */
export function predictAll(model: RatingModel, users: ArrayLike<number>, items: ArrayLike<number>): Float64Array {
  const out = new Float64Array(users.length);
  for (let k = 0; k < out.length; k++) out[k] = model.predict(users[k]!, items[k]!);
  return out;
}

/** Training ratings per user and per item, to tell known indices from cold ones. */
export function ratingCounts(set: RatingSet): { user: Int32Array; item: Int32Array } {
  const user = new Int32Array(set.nUsers), item = new Int32Array(set.nItems);
  for (let k = 0; k < set.user.length; k++) {
    user[set.user[k]!]!++;
    item[set.item[k]!]!++;
  }
  return { user, item };
}

/** Gaussian initialisation N(0, std²) of a factor table (Surprise: `init_mean` 0, `init_std_dev` 0.1). */
export function gaussianFactors(rows: number, factors: number, std: number, normal: () => number): Float64Array {
  const out = new Float64Array(rows * factors);
  for (let k = 0; k < out.length; k++) out[k] = normal() * std;
  return out;
}
