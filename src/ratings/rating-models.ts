/**
 * @module The rating models by id (`rating/…`): each declared once with its params schema (every default) and a
 * factory. `RATING_MODEL_IDS` is what `--models all` runs.
 */
import type { z } from 'zod';
import { createError } from '../core/errors.js';
import { AutoRecModel, autorecParams } from './autorec.js';
import { BaselineModel, baselineParams } from './baseline.js';
import { BlendModel, blendParams } from './blend.js';
import { KnnBaselineModel, knnBaselineParams } from './knn-baseline.js';
import type { RatingModel } from './rating-model.js';
import { SvdModel, svdParams } from './svd.js';
import { SvdppModel, svdppParams } from './svdpp.js';

interface RatingModelEntry {
  description: string;
  params: z.ZodType<Record<string, unknown>>;
  create(params: never): RatingModel;
}

const entry = <S extends z.ZodType<Record<string, unknown>>>(description: string, params: S, create: (p: z.infer<S>) => RatingModel): RatingModelEntry => ({ description, params, create: create as (p: never) => RatingModel });

const MODELS = {
  'rating/baseline': entry('μ + b_u + b_i, biases by alternating least squares (Surprise BaselineOnly)', baselineParams, (p) => new BaselineModel(p)),
  'rating/svd': entry('biased matrix factorization by SGD (Surprise SVD defaults)', svdParams, (p) => new SvdModel(p)),
  'rating/svdpp': entry('SVD++ with implicit feedback of the rated items (Koren 2008; Surprise SVDpp defaults)', svdppParams, (p) => new SvdppModel(p)),
  'rating/knn-baseline': entry('item-based k nearest neighbours on baseline residuals, Pearson-baseline similarity (Surprise KNNBaseline)', knnBaselineParams, (p) => new KnnBaselineModel(p)),
  'rating/autorec': entry('I-AutoRec: an item-based autoencoder over the users\' ratings (Sedhain et al. 2015), on the nn engine', autorecParams, (p) => new AutoRecModel(p)),
  'rating/blend': entry('linear blend of rating models, weights fitted on an inner validation split of the training ratings', blendParams, (p) => new BlendModel(p, createRatingModel)),
} as const;

export type RatingModelId = keyof typeof MODELS;
export const RATING_MODEL_IDS = Object.keys(MODELS) as RatingModelId[];

/** A rating model by id with its params checked (INVALID_INPUT naming the field) and defaults filled. */
export function createRatingModel(id: string, params: Record<string, unknown> = {}): RatingModel {
  const m = (MODELS as Record<string, RatingModelEntry>)[id];
  if (!m) throw createError('MODEL_UNKNOWN', { model: id, expected: RATING_MODEL_IDS.join(', ') });
  const parsed = m.params.safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw createError('INVALID_INPUT', { field: `${id} params.${issue.path.join('.')}`, problem: issue.message });
  }
  return m.create(parsed.data as never);
}

export function ratingModelDescription(id: RatingModelId): string {
  return MODELS[id].description;
}
