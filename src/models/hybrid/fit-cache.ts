/**
 * @module A scoped cache of fitted hybrid members, for hyperparameter searches over blend weights: inside
 * `withMemberFitCache(fn)`, a member whose (id, params, seed) was already fitted on the same Dataset object is
 * reused instead of refitted, so trying a new weight vector costs scoring only. Outside a scope nothing is
 * cached, so a served hybrid never shares members (partialFit would otherwise leak between them).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dataset } from '../../data/dataset.js';
import type { FitOptions, Recommender } from '../recommender.js';

type Cache = WeakMap<Dataset, Map<string, Promise<Recommender>>>;

const scope = new AsyncLocalStorage<Cache>();

/** Runs `fn` with a fresh member cache; the cache is dropped when `fn` settles. */
export function withMemberFitCache<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run(new WeakMap(), fn);
}

/**
 * `model` fitted on `data`: the cached fit of an equal member when a cache scope is active (the passed model
 * is then discarded), else `model` itself after `model.fit(data, options)`.
 */
export async function fitMember(model: Recommender, params: Record<string, unknown>, data: Dataset, options: FitOptions): Promise<Recommender> {
  const cache = scope.getStore();
  if (!cache) {
    await model.fit(data, options);
    return model;
  }
  let byKey = cache.get(data);
  if (!byKey) cache.set(data, (byKey = new Map()));
  const key = JSON.stringify([model.id, params, options.seed ?? null]);
  let fitted = byKey.get(key);
  if (!fitted) {
    fitted = model.fit(data, { ...options, progress: undefined }).then(() => model);
    byKey.set(key, fitted);
    // A failed fit is not cached: the next trial tries again.
    fitted.catch(() => byKey.delete(key));
  }
  return fitted;
}
