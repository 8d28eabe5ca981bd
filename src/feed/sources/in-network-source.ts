/**
 * @module In-network candidate source: recent posts of the accounts the user follows, from two places — the
 * Store (`postsByAuthors`, so posts written since the last training run are included) and the fitted
 * in-network model (`in-network`, which adds author affinity from the training snapshot). Both score posts
 * as recency × (1 + affinity) (`inNetworkScore`). Recent posts that mention the user (`Store.postsMentioning`)
 * join them, whoever wrote them, scored as posts of an author with full affinity.
 */
import { InNetworkRecommender, inNetworkScore } from '../../models/in-network/in-network.js';
import type { Candidate, CandidateSource, SourceContext } from '../types.js';

export const IN_NETWORK_SOURCE = 'in-network';

/** Default recency horizon when no in-network model is given (a week, as the model's default). */
const DEFAULT_MAX_AGE_HOURS = 168;

/** The in-network source reading the in-network model fitted under `key` (its label, else `in-network`). */
export function createInNetworkSource(key: string = IN_NETWORK_SOURCE): CandidateSource {
  return { name: key, candidates: (ctx) => inNetworkCandidates(ctx, ctx.models[key]) };
}

export const inNetworkSource: CandidateSource = createInNetworkSource();

async function inNetworkCandidates(ctx: SourceContext, model: unknown): Promise<Candidate[]> {
  const inNetwork = model instanceof InNetworkRecommender && model.fitted ? model : undefined;
  const halfLife = inNetwork?.params.halfLifeHours ?? ctx.config.freshnessHalfLifeHours;
  const maxAgeMs = (inNetwork?.params.maxAgeHours ?? DEFAULT_MAX_AGE_HOURS) * 3_600_000;
  const out: Candidate[] = [];

  // Affinity by author id, from the model's view of the user's history.
  const affinity = new Map<string, number>();
  if (inNetwork && ctx.userIndex >= 0) {
    for (const [a, share] of inNetwork.authorAffinity(ctx.userIndex)) affinity.set(ctx.dataset.users.id(a), share);
  }

  const followees = await (ctx.reads ? ctx.reads.following() : ctx.store.following(ctx.userId));
  if (followees.length > 0) {
    const posts = await ctx.store.postsByAuthors(followees, ctx.limit, ctx.scoreTime - maxAgeMs);
    for (const p of posts) {
      if (p.created_at > ctx.asOf) continue; // written after the snapshot
      const score = inNetworkScore(ctx.scoreTime - p.created_at, halfLife, affinity.get(p.author) ?? 0);
      out.push({ postId: p.id, score, reason: { kind: 'follow', author: p.author } });
    }
  }

  // A mention is addressed to the user: in their network whether or not they follow its author.
  const listed = new Set(out.map((c) => c.postId));
  for (const p of await ctx.store.postsMentioning(ctx.userId, ctx.limit, ctx.scoreTime - maxAgeMs)) {
    if (p.created_at > ctx.asOf || p.author === ctx.userId || listed.has(p.id)) continue;
    out.push({ postId: p.id, score: inNetworkScore(ctx.scoreTime - p.created_at, halfLife, 1), reason: { kind: 'mention', author: p.author } });
  }

  if (inNetwork && ctx.userIndex >= 0) {
    // Posts only the snapshot knows; rescored at the snapshot time so both paths share one clock.
    for (const r of inNetwork.recommend(ctx.userIndex, { k: ctx.limit })) {
      const authorIndex = ctx.dataset.itemAuthors[r.item]!;
      const age = ctx.scoreTime - ctx.dataset.itemCreatedAt[r.item]!;
      if (authorIndex < 0 || !(age <= maxAgeMs)) continue;
      const author = ctx.dataset.users.id(authorIndex);
      out.push({ postId: ctx.dataset.items.id(r.item), score: inNetworkScore(age, halfLife, affinity.get(author) ?? 0), reason: { kind: 'follow', author } });
    }
  }
  return out;
}
