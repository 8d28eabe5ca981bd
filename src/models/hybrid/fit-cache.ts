/**
 * @module A scoped cache of fitted hybrid members, for hyperparameter searches over blend weights: inside
 * `withMemberFitCache(fn)`, a member whose (id, params, seed) was already fitted on the same Dataset object is
 * reused instead of refitted, and a shared member's per-user score vectors are kept (up to `SCORE_CACHE_BYTES`),
 * so trying a new weight vector costs little more than the weighted sum. Outside a scope nothing is cached, so a
 * served hybrid never shares members (partialFit would otherwise leak between them).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Dataset } from '../../data/dataset.js';
import type { FitOptions, Recommender } from '../recommender.js';

/** Score vectors kept per scope at most (bytes); past it, scores are computed every time. */
export const SCORE_CACHE_BYTES = 512 * 2 ** 20;

interface Cache {
  fits: WeakMap<Dataset, Map<string, Promise<Recommender>>>;
  /** Per cached (shared) member: user → its score vector. */
  scores: WeakMap<Recommender, Map<number, Float32Array>>;
  shared: WeakSet<Recommender>;
  bytes: number;
}

const scope = new AsyncLocalStorage<Cache>();

/** Runs `fn` with a fresh member cache; the cache is dropped when `fn` settles. */
export function withMemberFitCache<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run({ fits: new WeakMap(), scores: new WeakMap(), shared: new WeakSet(), bytes: 0 }, fn);
}

/**
 * `member`'s score vector for `user` from `compute`, remembered when `member` came from the cache of the active
 * scope (a fitted member never changes there) and the byte budget allows.
 */
export function memberScores(member: Recommender, user: number, compute: () => Float32Array): Float32Array {
  const cache = scope.getStore();
  if (!cache || !cache.shared.has(member)) return compute();
  let byUser = cache.scores.get(member);
  if (!byUser) cache.scores.set(member, (byUser = new Map()));
  let s = byUser.get(user);
  if (!s) {
    s = compute();
    if (cache.bytes + s.byteLength <= SCORE_CACHE_BYTES) {
      byUser.set(user, s);
      cache.bytes += s.byteLength;
    }
  }
  return s;
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
  let byKey = cache.fits.get(data);
  if (!byKey) cache.fits.set(data, (byKey = new Map()));
  const key = JSON.stringify([model.id, params, options.seed ?? null]);
  let fitted = byKey.get(key);
  if (!fitted) {
    fitted = model.fit(data, { ...options, progress: undefined }).then(() => { cache.shared.add(model); return model; });
    byKey.set(key, fitted);
    // A failed fit is not cached: the next trial tries again.
    fitted.catch(() => byKey.delete(key));
  }
  return fitted;
}
