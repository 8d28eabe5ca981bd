/**
 * @module The served who-to-follow: `follow/default` fitted on a snapshot's follows (and engagement), with the
 * viewer's exclusions (self, already followed, and the caller's predicate: erased accounts, and blocked or muted
 * ones once they exist), each suggestion carrying its social proof.
 */
import type { Excluded } from './candidates.js';
import { viewerExclusions } from './exclusions.js';
import { edgeCount, graphBytes } from './follow-graph.js';
import { RankedFollowModel } from './follow-models.js';
import type { RankerOptions } from './follow-ranker.js';
import type { SocialSignals } from './signals.js';
import { socialProof, type SocialProof } from './social-proof.js';

export interface Suggestion {
  readonly user: number;
  readonly score: number;
  readonly proof: SocialProof[];
}

export interface WhoToFollow {
  /** The `limit` best accounts for viewer u; `hidden` excludes more accounts for this viewer. */
  suggest(u: number, limit: number, hidden?: Excluded): Suggestion[];
  /** Sizes for stats and benchmarks. */
  readonly stats: { users: number; edges: number; graphBytes: number; vectorBytes: number; buildSeconds: number };
}

export function createWhoToFollow(signals: SocialSignals, seed: number, options: RankerOptions = {}): WhoToFollow {
  const t0 = performance.now();
  const model = new RankedFollowModel(options);
  model.fit(signals, seed);
  const stats = {
    users: signals.graph.n, edges: edgeCount(signals.graph), graphBytes: graphBytes(signals.graph), vectorBytes: model.vectorBytes, buildSeconds: (performance.now() - t0) / 1000,
  };
  return {
    stats,
    suggest(u, limit, hidden) {
      if (u < 0 || u >= signals.graph.n) return [];
      return model.suggest(u, limit, viewerExclusions(signals.graph, u, hidden)).map((c) => ({ user: c.user, score: c.score, proof: socialProof(signals, u, c.user) }));
    },
  };
}
