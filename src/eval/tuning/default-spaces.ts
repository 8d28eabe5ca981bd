/**
 * @module Search spaces used when `resonate tune` is given none: the hyperparameters that matter for each
 * classical model, over ranges that hold the good values on MovieLens- and Last.fm-sized data.
 */
import type { SearchSpace } from './search-space.js';

const KNN: SearchSpace = {
  neighbours: { type: 'int', min: 10, max: 500, log: true },
  shrink: { type: 'float', min: 0, max: 100 },
};

export const DEFAULT_SPACES: Readonly<Record<string, SearchSpace>> = {
  ease: { lambda: { type: 'float', min: 10, max: 5000, log: true } },
  'mf/ials': {
    factors: { type: 'int', min: 16, max: 256, log: true },
    regularization: { type: 'float', min: 0.1, max: 300, log: true },
    alpha: { type: 'float', min: 0.1, max: 10, log: true },
  },
  'mf/bpr': {
    learningRate: { type: 'float', min: 0.002, max: 0.05, log: true },
    regularization: { type: 'float', min: 1e-4, max: 0.05, log: true },
    epochs: { type: 'int', min: 50, max: 400, log: true },
  },
  sar: {
    similarity: { type: 'choice', values: ['jaccard', 'lift', 'cosine', 'inclusion', 'cooccurrence'] },
    halfLifeDays: { type: 'float', min: 1, max: 3650, log: true },
  },
  rp3beta: {
    alpha: { type: 'float', min: 0.2, max: 2 },
    beta: { type: 'float', min: 0, max: 1 },
    neighbours: { type: 'int', min: 10, max: 1000, log: true },
  },
  'popular/time-window': {
    bandwidthDays: { type: 'float', min: 0.5, max: 120, log: true },
    prior: { type: 'float', min: 0.1, max: 1000, log: true },
  },
  'time-proximity/knn': {
    tauMinutes: { type: 'float', min: 0.5, max: 1440, log: true },
    gamma: { type: 'float', min: 0, max: 1 },
    neighbours: { type: 'int', min: 20, max: 1000, log: true },
  },
  'time-proximity/ease': {
    tauMinutes: { type: 'float', min: 0.5, max: 1440, log: true },
    gamma: { type: 'float', min: 0, max: 1 },
    lambda: { type: 'float', min: 50, max: 5000, log: true },
  },
  'popular/trending': { halfLifeHours: { type: 'float', min: 1, max: 24 * 365, log: true } },
  'item-knn/cosine': KNN,
  'item-knn/jaccard': KNN,
  'item-knn/asymmetric-cosine': { ...KNN, alpha: { type: 'float', min: 0, max: 1 } },
  'item-knn/bm25': { ...KNN, k1: { type: 'float', min: 0.1, max: 3 }, b: { type: 'float', min: 0, max: 1 } },
  'user-knn/cosine': KNN,
};

/**
 * The blend-weight space of a hybrid's members: `members.<j>.weight` ∈ [0, 2] for every member, so the search
 * can also switch a member off.
 */
export function memberWeightSpace(members: readonly unknown[]): SearchSpace {
  const space: Record<string, SearchSpace[string]> = {};
  members.forEach((_, j) => { space[`members.${j}.weight`] = { type: 'float', min: 0, max: 2 }; });
  return space;
}
