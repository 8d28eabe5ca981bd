/**
 * @module The feed's types: what a page holds, what a candidate source returns, and the context sources see.
 */
import type { PolicyId, ResonateConfig } from '../core/config.js';
import type { Attribution } from './attribution.js';
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import type { Post } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import type { UserReads } from './user-reads.js';

/** One post of a feed page. */
export interface FeedItem {
  postId: string;
  /** Blended score (higher first). */
  score: number;
  /** The source that contributed most. */
  source: string;
  /** Every source that proposed the post, best first. */
  sources: string[];
  /** A human sentence: "You follow @alice", "Trending in #jazz", … */
  explanation: string;
  /** Present on a post placed by the exploration policy (`feed.exploration`): what chose it and with what probability. */
  exploration?: ExplorationDecision;
  /** With `explain: 'full'`: what each source, factor and ranker head added to `score` (Shapley values). */
  attribution?: Attribution;
  /** Present on a sponsored post (its explanation starts with "Sponsored"): the campaign and why it was shown. */
  sponsored?: SponsoredLabel;
}

/** The label of a sponsored item. */
export interface SponsoredLabel {
  campaign: string;
  /** Why the viewer was shown it ("you follow posts tagged #jazz", "shown to everyone"). */
  reason: string;
}

/** An exploration decision as served: the policy, the arm it chose (a candidate source) and the propensity. */
export interface ExplorationDecision {
  policy: PolicyId;
  arm: string;
  /** Probability that the policy, in its state at the time, placed this post in this slot. */
  propensity: number;
}

/** A feed item with its post, ready to render. */
export interface HydratedItem extends FeedItem {
  post: Post;
  /** The post a reply answers, shown with it (absent when it is gone, taken down or hidden from the viewer). */
  parent?: Post;
}

/** A candidate source of the feed: the fitted model's key, its registry id (which picks the source kind), a blend weight. */
export interface SourceSpec {
  key: string;
  id: string;
  weight: number;
}

export interface FeedPage {
  items: HydratedItem[];
  /** Opaque; pass it back for the next page. Absent on the last page. */
  nextCursor?: string;
  /** Rank of the first item in the user's list (0 on the first page). */
  offset?: number;
  /** The served response's id (the engine sets it when it logs the page's impressions); events echo it as `request_id`. */
  requestId?: string;
}

export interface PageOptions {
  cursor?: string;
  /** Posts per page (default `config.feed.pageSize`); later pages keep the size of the first. */
  pageSize?: number;
  /**
   * `full`: rank afresh (bypassing the cached list, at the cursor's snapshot time) and give each item its
   * `attribution`. For inspecting the ranking, not for every request.
   */
  explain?: 'full';
  /** A named variant of the feed (`variant-feeds.ts`: the Bluesky feeds); absent or unknown: the feed itself. */
  variant?: string;
  /**
   * false: no sponsored posts (a client that cannot show the "Sponsored" label, such as the Bluesky skeleton).
   * Default true: the engine's blender fills the page's sponsored slots while a campaign is live.
   */
  sponsored?: boolean;
}

/** Why a source proposed a post; turned into the explanation sentence. */
export type Reason =
  | { kind: 'follow'; author: string }
  /** A post that mentions the user (its mention edges, `Post.mentions`). */
  | { kind: 'mention'; author: string }
  | { kind: 'because'; postId: string }
  | { kind: 'trending' }
  | { kind: 'recommended' }
  /** Popular in one of the user's communities: named by its hashtags and best-known accounts. */
  | { kind: 'community'; tags: readonly string[]; accounts: readonly string[] };

export interface Candidate {
  postId: string;
  /** The source's own score (any scale; the blend normalises per source). */
  score: number;
  reason: Reason;
  /**
   * A post the collaborative models cannot rank yet (new, little engagement); the `fresh` source marks its pool
   * posts so.
   */
  explore?: boolean;
}

/** What every candidate source receives. */
export interface SourceContext {
  userId: string;
  /** Dense index in the dataset, -1 for users it does not know. */
  userIndex: number;
  /** Snapshot time (epoch ms, wall clock): nothing newer is read, so later pages see the same world. */
  asOf: number;
  /**
   * The time ages are measured from (recency, freshness, horizons): `asOf` for live data; for a historical
   * snapshot (its latest event older than the recency horizon when the feed was made) the dataset's own
   * "now" plus the time elapsed since, so replayed data still has recent posts.
   */
  scoreTime: number;
  /** Most candidates to return. */
  limit: number;
  store: Store;
  dataset: Dataset;
  models: Readonly<Record<string, Recommender>>;
  config: ResonateConfig['feed'];
  /** The ranking's shared reads of the user (absent: a source reads the Store itself). */
  reads?: UserReads;
}

/** A named candidate source. */
export interface CandidateSource {
  readonly name: string;
  candidates(ctx: SourceContext): Promise<Candidate[]>;
}

/** What the feed needs to know about a post to filter, cap and explain it. */
export interface PostInfo {
  id: string;
  author: string;
  text: string;
  tags: readonly string[];
  /** Epoch ms, NaN when unknown. */
  createdAt: number;
  /** Language tag, null or absent when unknown. */
  lang?: string | null;
}
