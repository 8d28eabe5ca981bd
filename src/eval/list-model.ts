/**
 * @module List models: what the harness evaluates besides registry models. A list model is fitted on a split's
 * training part and answers each test user's list asynchronously, as a whole pipeline does (the served feed:
 * sources, filters, blend, ranker, caps), instead of scoring the catalogue. The harness takes them as
 * factories (`runEvaluation({ listModels })`), so a higher layer (the engine) can plug in without the harness
 * importing it.
 */
import type { Dataset } from '../data/dataset.js';
import type { FitOptions } from '../models/recommender.js';

export interface ListRecommender {
  /** Settings in effect, reported as the model's params. */
  readonly params: Readonly<Record<string, unknown>>;
  fit(train: Dataset, options: FitOptions): Promise<void>;
  /**
   * Each user's list (dense item indices of the training dataset), best first, at most `depth` long, items the
   * user trained on excluded. A list may be shorter than `depth` (a pipeline proposes a bounded candidate set).
   * `k` is the headline cut-off: the first `k` items are what the user is shown first (a feed's first page).
   */
  recommendLists(users: Int32Array, depth: number, options: { k: number; signal?: AbortSignal }): Promise<Int32Array[]>;
  /** Releases what `fit` built (stores, background work); called after the lists of each seed. */
  close?(): Promise<void>;
}

export interface ListModelContext {
  /** The whole evaluation dataset the splits are made from (same users and items as every training part). */
  data: Dataset;
  params?: Record<string, unknown>;
}

export type ListModelFactory = (context: ListModelContext) => ListRecommender;
