/**
 * @module The Recommender contract every model implements, and the artifact it saves to.
 *
 * Same shape as implicit's API: `fit`, `recommend` (one user or a batch is the same call), `similarItems`,
 * optional `partialFit` and `forget`, `save`, and `load` through the registry. Models see a `Dataset`, never a Store.
 */
import type { Dataset } from '../data/dataset.js';
import type { Removal } from '../data/dataset-without.js';
import type { Progress } from '../core/progress.js';
import type { Logger } from '../core/logger.js';
import type { TensorMap } from '../nn/safetensors.js';

export interface FitOptions {
  /** Seed for every random step; the same seed on the same data gives the same model. */
  seed?: number;
  progress?: Progress;
  signal?: AbortSignal;
  logger?: Logger;
}

export interface RecommendOptions {
  /** How many items. */
  k: number;
  /** Drop items the user already interacted with in the fitted data (default true). */
  excludeSeen?: boolean;
  /** Further items (dense indices) never to return. */
  exclude?: ArrayLike<number>;
  /** Only rank among these items (dense indices). */
  candidates?: ArrayLike<number>;
}

export interface Recommendation {
  /** Dense item index. */
  item: number;
  score: number;
}

/** A saved model: tensors plus JSON metadata (kind, version, hyperparameters, id maps). */
export interface Artifact {
  /** Registry id of the model, e.g. `item-knn/cosine`. */
  kind: string;
  /** Version of the artifact layout of that kind. */
  version: number;
  params: Record<string, unknown>;
  tensors: TensorMap;
  /** Further JSON state (id maps, vocabularies). */
  state: Record<string, unknown>;
}

export interface Recommender {
  /** Registry id, `family/variant`. */
  readonly id: string;
  /** Hyperparameters in effect (defaults filled). */
  readonly params: Readonly<Record<string, unknown>>;
  readonly fitted: boolean;
  fit(data: Dataset, options?: FitOptions): Promise<void>;
  /** Top-k for one user (dense index). */
  recommend(user: number, options: RecommendOptions): Recommendation[];
  /** Top-k for a batch of users. */
  recommend(users: ArrayLike<number>, options: RecommendOptions): Recommendation[][];
  /** Items most similar to an item, itself excluded. Models without item similarity throw. */
  similarItems(item: number, k: number): Recommendation[];
  /** Online update with new positive interactions (dense indices); optional. */
  partialFit?(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void;
  /**
   * Unlearning, optional: brings the model to the state a fit on `data` gives, where `data` is the snapshot the
   * model was fitted on minus `removed` (same dense index space: `datasetWithout`), recomputing only what the
   * removed interactions touched (`removed`: every interaction of its users; its items, the erased users' posts, with
   * every interaction on them; dense indices of the fitted snapshot). Models that implement it are exact; the others are retrained after an erasure.
   * Online additions (`partialFit`) of the removed users and on the removed items are dropped; others' are kept.
   */
  forget?(data: Dataset, removed: Removal): void;
  save(): Artifact;
}
