/**
 * @module Collaborative candidate source: any fitted model (item-kNN, iALS, …) asked for the user's top items.
 * When the model can say which liked post led to a recommendation (`because`, as item-kNN does), the
 * explanation quotes it. Users the dataset does not know get nothing here.
 */
import type { Recommender } from '../../models/recommender.js';
import type { Candidate, CandidateSource, SourceContext } from '../types.js';

/** A model that can name the history item behind a recommendation. */
interface Explaining {
  because(user: number, item: number): { item: number } | undefined;
}

function canExplain(m: Recommender): m is Recommender & Explaining {
  return typeof (m as Partial<Explaining>).because === 'function';
}

export function modelSource(name: string): CandidateSource {
  return {
    name,
    candidates(ctx: SourceContext): Promise<Candidate[]> {
      const model = ctx.models[name];
      if (!model?.fitted || ctx.userIndex < 0) return Promise.resolve([]);
      const out: Candidate[] = [];
      for (const r of model.recommend(ctx.userIndex, { k: ctx.limit })) {
        const why = canExplain(model) ? model.because(ctx.userIndex, r.item) : undefined;
        out.push({
          postId: ctx.dataset.items.id(r.item),
          score: r.score,
          reason: why ? { kind: 'because', postId: ctx.dataset.items.id(why.item) } : { kind: 'recommended' },
        });
      }
      return Promise.resolve(out);
    },
  };
}
