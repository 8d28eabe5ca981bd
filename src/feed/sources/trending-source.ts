/**
 * @module Trending candidate source: the popularity model's list (time-decayed with `popular/trending`). It
 * needs no history, so it is also the cold-start feed of users nobody knows yet.
 */
import type { Recommender } from '../../models/recommender.js';
import type { Candidate, CandidateSource, SourceContext } from '../types.js';

/**
 * A user index no model has seen: models answer it with their fallback (the popular list for popularity
 * models), with nothing excluded as seen. 2^31 − 1 is the largest dense index an Int32Array can hold.
 */
export const ANONYMOUS_USER = 0x7fffffff;

/** The model's list for an anonymous user, as (item index, score); posts nobody engaged with (score ≤ 0) are not trending. */
export function popularList(model: Recommender, k: number): { item: number; score: number }[] {
  return model.fitted ? model.recommend(ANONYMOUS_USER, { k }).filter((r) => r.score > 0) : [];
}

/**
 * The trending source of a feed. The model's list for the anonymous user depends only on the fitted model (a
 * feed's models do not change under it), so it is computed once per (model, k), not per ranking.
 */
export function trendingSource(name: string): CandidateSource {
  let cached: { model: Recommender; k: number; list: readonly Candidate[] } | undefined;
  return {
    name,
    candidates(ctx: SourceContext): Promise<Candidate[]> {
      const model = ctx.models[name];
      if (!model) return Promise.resolve([]);
      if (cached?.model !== model || cached.k !== ctx.limit || !model.fitted) {
        const list = popularList(model, ctx.limit).map((r) => ({ postId: ctx.dataset.items.id(r.item), score: r.score, reason: { kind: 'trending' } as const }));
        cached = model.fitted ? { model, k: ctx.limit, list } : undefined;
        return Promise.resolve(list);
      }
      return Promise.resolve(cached.list.slice());
    },
  };
}
