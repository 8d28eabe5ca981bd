/**
 * @module The moderation thresholds in the feed (`config.moderation`): a post whose stored offensive probability
 * (`features.offensive`, given at ingest) is above `hideFromNonFollowersAbove` reaches only followers of its
 * author; above `downRankAbove` its score is multiplied by `downRankFactor`. Posts without the feature are
 * untouched. With neither threshold set the feed reads nothing more.
 */
import type { ResonateConfig } from '../core/config.js';
import type { Store } from '../storage/store.js';

export type FeedModeration = Pick<ResonateConfig['moderation'], 'downRankAbove' | 'downRankFactor' | 'hideFromNonFollowersAbove'>;

/** The stored offensive probability of each post that has one. */
export async function offensiveProbabilities(store: Store, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  for (const p of await store.getPosts(ids)) {
    const v = p.features?.offensive;
    if (typeof v === 'number' && Number.isFinite(v)) out.set(p.id, v);
  }
  return out;
}

export function moderationActive(m: FeedModeration | undefined): m is FeedModeration {
  return m !== undefined && (m.downRankAbove !== undefined || m.hideFromNonFollowersAbove !== undefined);
}

/**
 * Score multipliers of the posts the thresholds touch (0: not shown to this user); posts absent keep their score.
 * `follows(author)` says whether the user follows the author.
 */
export function moderationFactors(m: FeedModeration, probs: ReadonlyMap<string, number>, authorOf: (postId: string) => string | undefined, follows: (author: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const [id, p] of probs) {
    if (m.hideFromNonFollowersAbove !== undefined && p > m.hideFromNonFollowersAbove) {
      const author = authorOf(id);
      if (author === undefined || !follows(author)) {
        out.set(id, 0);
        continue;
      }
    }
    if (m.downRankAbove !== undefined && p > m.downRankAbove) out.set(id, m.downRankFactor);
  }
  return out;
}
