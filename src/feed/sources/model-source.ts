/**
 * @module Collaborative candidate source: any fitted model (item-kNN, iALS, …) asked for the user's top items.
 * When the model can say which liked post led to a recommendation (`because`, as item-kNN does), the
 * explanation quotes it; when it can name the community a post is popular in (`communityOf`), the explanation
 * names that. Users the dataset does not know get nothing here.
 */
import type { Recommender } from '../../models/recommender.js';
import type { Candidate, CandidateSource, Reason, SourceContext } from '../types.js';

/** A model that can name the history item behind a recommendation (`becauseMany`: for many items at once). */
interface Explaining {
  because(user: number, item: number): { item: number } | undefined;
  becauseMany?(user: number, items: readonly number[]): ({ item: number } | undefined)[];
}

function canExplain(m: Recommender): m is Recommender & Explaining {
  return typeof (m as Partial<Explaining>).because === 'function';
}

/** A model that can name the community behind a recommendation (community/simclusters). */
interface NamingCommunities {
  communityOf(user: number, item: number): { tags: readonly string[]; accounts: readonly string[] } | undefined;
}

function namesCommunities(m: Recommender): m is Recommender & NamingCommunities {
  return typeof (m as Partial<NamingCommunities>).communityOf === 'function';
}

/** The reason of one recommendation: the liked post behind it, the community it is popular in, or neither. */
function reasonOf(model: Recommender, ctx: SourceContext, item: number, because: { item: number } | undefined): Reason {
  if (because) return { kind: 'because', postId: ctx.dataset.items.id(because.item) };
  const community = namesCommunities(model) ? model.communityOf(ctx.userIndex, item) : undefined;
  return community ? { kind: 'community', tags: community.tags, accounts: community.accounts } : { kind: 'recommended' };
}

/** The history item behind each recommended item, when the model can say. */
function reasons(model: Recommender, user: number, items: readonly number[]): ({ item: number } | undefined)[] {
  if (!canExplain(model)) return items.map(() => undefined);
  if (model.becauseMany) return model.becauseMany(user, items);
  return items.map((i) => model.because(user, i));
}

export function modelSource(name: string): CandidateSource {
  return {
    name,
    candidates(ctx: SourceContext): Promise<Candidate[]> {
      const model = ctx.models[name];
      if (!model?.fitted || ctx.userIndex < 0) return Promise.resolve([]);
      const recs = model.recommend(ctx.userIndex, { k: ctx.limit });
      const why = reasons(model, ctx.userIndex, recs.map((r) => r.item));
      return Promise.resolve(
        recs.map((r, k) => ({ postId: ctx.dataset.items.id(r.item), score: r.score, reason: reasonOf(model, ctx, r.item, why[k]) })),
      );
    },
  };
}
