/**
 * @module Fresh-post candidate source (`fresh`): a pseudo-source that needs no fitted model. It proposes
 *
 * - posts of the fresh pool (written since the snapshot, or recent snapshot posts with little engagement) by
 *   authors the user does not follow (in-network serves those) that match the user's interest profile by text and tags, scored match × early-engagement boost (the `fresh`
 *   arm of the exploration policy, `feed.exploration`);
 * - neighbours (`similarItems` of the similar-posts model, else any item-kNN) of the posts the user engaged with
 *   since the snapshot: a user the snapshot does not know gets a first page from their first likes at once;
 * - for a liked post written after the snapshot (no model knows it yet), its content neighbours in the pool (the
 *   posts whose text and tags are closest to it), so a new post's first engagement steers that user's next page.
 *
 * The profile folds in the user's Store events since the snapshot (all of them for a user the snapshot does
 * not know), so a like counts before the next training.
 */
import { DEFAULT_CONFIG } from '../../core/config.js';
import { eventWeight, type EventWeights } from '../../data/dataset-builder.js';
import type { Event } from '../../data/schemas.js';
import type { Recommendation, Recommender } from '../../models/recommender.js';
import { dot, interestProfiles, ProfileMatcher, type InterestProfiles, type ProfilePost, type SparseVector } from '../interest-profiles.js';
import type { Candidate, CandidateSource, SourceContext } from '../types.js';
import { eventsSince } from '../user-reads.js';
import { FreshPool, type FreshPost } from './fresh-pool.js';
import { warmSnapshotVectors } from './warm-vectors.js';

export const FRESH_SOURCE = 'fresh';

export interface FreshSourceOptions {
  /** Event weights (default: the config defaults); the engine passes `config.weights`. */
  weights?: EventWeights;
  /** Key of the model whose `similarItems` gives neighbours of liked posts (item-kNN when absent). */
  similar?: string;
}

/** Most of the user's events since the snapshot in the profile (the newest; the shared read holds up to 10,000, so these are exact). */
const MAX_USER_EVENTS = 500;
/** Liked posts whose neighbours are proposed (the most recent). */
const MAX_LIKED = 20;
/** Below this cosine a post does not match the profile. */
const MIN_MATCH = 0.01;
/** Early engagement at which a post's score is boosted by half (×1.5); the boost tends to ×2. */
const ENGAGEMENT_HALF = 3;
/** Profile posts compared with a candidate to pick the "Because you liked …" post. */
const EXPLAIN_POSTS = 50;
/** Event types that say the user liked a post (their neighbours are proposed). */
const LIKES = new Set<Event['type']>(['like', 'share', 'comment', 'rating']);

/** Score multiplier of early engagement e (weighted events since the snapshot): 1 + e/(e + 3) above 0, 1/(1 − e) below. */
export function engagementBoost(e: number): number {
  return e >= 0 ? 1 + e / (e + ENGAGEMENT_HALF) : 1 / (1 - e);
}

interface State {
  key: object;
  profiles: InterestProfiles;
  pool: FreshPool;
  matcher: ProfileMatcher;
}

export interface FreshSource extends CandidateSource {
  /** The pool of the snapshot last ranked (undefined before the first ranking). */
  readonly pool: FreshPool | undefined;
}

/** The fresh source; its pool is made at the first ranking and kept for the feed's snapshot. */
export function createFreshSource(name: string = FRESH_SOURCE, options: FreshSourceOptions = {}): FreshSource {
  const weights = options.weights ?? DEFAULT_CONFIG.weights;
  let state: (State & { store: object }) | undefined;
  const stateFor = (ctx: SourceContext): State => {
    if (state?.key !== ctx.dataset || state.store !== ctx.store) {
      const profiles = interestProfiles(ctx.dataset);
      state = { key: ctx.dataset, store: ctx.store, profiles, matcher: new ProfileMatcher(), pool: new FreshPool({ store: ctx.store, dataset: ctx.dataset, profiles, weights, config: ctx.config }) };
      // The history vectors of users not ranked yet, made in the background (warm-vectors.ts).
      void warmSnapshotVectors(profiles, ctx.dataset).catch(() => undefined);
    }
    return state;
  };
  return {
    name,
    get pool() {
      return state?.pool;
    },
    candidates: (ctx) => freshCandidates(ctx, stateFor(ctx), weights, options.similar),
  };
}

async function freshCandidates(ctx: SourceContext, st: State, weights: EventWeights, similarKey: string | undefined): Promise<Candidate[]> {
  const { dataset } = ctx;
  const since = ctx.userIndex >= 0 ? dataset.now + 1 : -Infinity;
  const [pool, events, followees] = await Promise.all([
    st.pool.at(ctx.asOf),
    // A user the snapshot knows: their events since it; a new user: all their events.
    ctx.reads
      ? ctx.reads.events().then((all) => eventsSince(all, since, MAX_USER_EVENTS))
      : ctx.store.userEvents(ctx.userId, { ...(ctx.userIndex >= 0 ? { since } : {}), before: ctx.asOf + 1, limit: MAX_USER_EVENTS }),
    ctx.reads ? ctx.reads.following() : ctx.store.following(ctx.userId),
  ]);
  // Posts of followees are the in-network source's (explained "You follow …"); this one serves the others.
  const skip = new Set([ctx.userId, ...followees]);
  const recent = await recentPosts(ctx, st, pool, events, weights);
  const profile = st.profiles.profile(ctx.userIndex, recent);
  const out: Candidate[] = [];
  if (profile.terms.size > 0) {
    // Synchronous from load to the last `closest`: the matcher is shared by the source's rankings.
    const matcher = st.matcher;
    matcher.load(profile, EXPLAIN_POSTS);
    const matched: { post: FreshPost; score: number }[] = [];
    for (const p of pool) {
      if (skip.has(p.author)) continue;
      const m = matcher.match(p.vector);
      if (m < MIN_MATCH) continue;
      matched.push({ post: p, score: m * engagementBoost(st.pool.engagement(p, ctx.asOf)) });
    }
    matched.sort((a, b) => b.score - a.score || (a.post.id < b.post.id ? -1 : 1));
    // The reason ("Because you liked …") only for the posts kept.
    for (const { post, score } of matched.slice(0, ctx.limit)) {
      const because = matcher.closest(post.vector);
      out.push({ postId: post.id, score, reason: because ? { kind: 'because', postId: because } : { kind: 'recommended' }, explore: true });
    }
  }
  const liked = likedItems(ctx, events);
  const model = similarityModel(ctx, similarKey);
  if (model && liked.length > 0) out.push(...neighbourCandidates(ctx, model, liked));
  out.push(...contentNeighbours(ctx, pool, likedNewPosts(ctx, events), skip));
  return out;
}

/** Posts the user liked that the snapshot does not know (written since), most recent first, at most MAX_LIKED. */
function likedNewPosts(ctx: SourceContext, events: readonly Event[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.post === undefined || !LIKES.has(e.type) || (e.type === 'rating' && !((e.value ?? 0) > 0))) continue;
    if (ctx.dataset.items.index(e.post) < 0 && !out.includes(e.post)) out.push(e.post);
    if (out.length >= MAX_LIKED) break;
  }
  return out;
}

/**
 * Pool posts closest in content to the liked new posts: Σ over liked posts of cosine / (that post's best cosine),
 * the reason the largest term (the same normalisation as the model neighbours).
 */
function contentNeighbours(ctx: SourceContext, pool: readonly FreshPost[], liked: readonly string[], skip: ReadonlySet<string>): Candidate[] {
  if (liked.length === 0) return [];
  const vectors = new Map(pool.map((p) => [p.id, p.vector]));
  const likedSet = new Set(liked);
  const scores = new NeighbourScores<string>();
  for (const id of liked) {
    const v = vectors.get(id);
    if (!v) continue;
    const ns = pool
      .filter((p) => !likedSet.has(p.id) && !skip.has(p.author))
      .map((p) => ({ id: p.id, sim: dot(v, p.vector) }))
      .filter((n) => n.sim >= MIN_MATCH)
      .sort((a, b) => b.sim - a.sim || (a.id < b.id ? -1 : 1))
      .slice(0, ctx.limit);
    scores.add(id, ns);
  }
  return scores
    .top(ctx.limit, (a, b) => (a < b ? -1 : 1))
    .map(([postId, s]) => ({ postId, score: s.score, reason: { kind: 'because', postId: s.because }, explore: true }));
}

/** The user's engaged posts since the snapshot with their vectors (snapshot, pool, else one Store read). */
async function recentPosts(ctx: SourceContext, st: State, pool: readonly { id: string; vector: SparseVector }[], events: readonly Event[], weights: EventWeights): Promise<ProfilePost[]> {
  const byPost = new Map<string, number>();
  for (const e of events) if (e.post !== undefined) byPost.set(e.post, (byPost.get(e.post) ?? 0) + eventWeight(e, weights));
  const engaged = [...byPost].filter(([, w]) => w > 0);
  if (engaged.length === 0) return [];
  const poolVectors = new Map(pool.map((p) => [p.id, p.vector]));
  const vectors = new Map<string, SparseVector>();
  const items = engaged.map(([id]) => ctx.dataset.items.index(id));
  const snapshot = st.profiles.snapshotVectors(items.filter((i) => i >= 0));
  items.filter((i) => i >= 0).forEach((i, k) => vectors.set(ctx.dataset.items.id(i), snapshot[k]!));
  const missing: string[] = [];
  for (const [id] of engaged) {
    const v = vectors.get(id) ?? poolVectors.get(id);
    if (v) vectors.set(id, v);
    else missing.push(id);
  }
  if (missing.length > 0) {
    const posts = await ctx.store.getPosts(missing);
    st.profiles.vectorize(posts).forEach((v, k) => vectors.set(posts[k]!.id, v));
  }
  return engaged.flatMap(([postId, weight]) => {
    const vector = vectors.get(postId);
    return vector ? [{ postId, weight, vector }] : [];
  });
}

/** Snapshot posts the user liked (events given newest first), most recent first, at most MAX_LIKED. */
function likedItems(ctx: SourceContext, events: readonly Event[]): number[] {
  const out: number[] = [];
  for (const e of events) {
    if (e.post === undefined || !LIKES.has(e.type) || (e.type === 'rating' && !((e.value ?? 0) > 0))) continue;
    const i = ctx.dataset.items.index(e.post);
    if (i >= 0 && !out.includes(i)) out.push(i);
    if (out.length >= MAX_LIKED) break;
  }
  return out;
}

/** The similar-posts model when fitted, else the first fitted item-kNN model. */
function similarityModel(ctx: SourceContext, key: string | undefined): Recommender | undefined {
  const keys = [...(key ? [key] : []), ...Object.keys(ctx.models).filter((k) => k.startsWith('item-knn'))];
  for (const k of keys) if (ctx.models[k]?.fitted) return ctx.models[k];
  return undefined;
}

function similar(model: Recommender, item: number, k: number): Recommendation[] {
  try {
    return model.similarItems(item, k);
  } catch {
    return []; // a model without item similarity
  }
}

/** Neighbours of the liked posts: Σ over liked posts of sim / (that post's best sim), reason the largest term. */
function neighbourCandidates(ctx: SourceContext, model: Recommender, liked: readonly number[]): Candidate[] {
  const scores = new NeighbourScores<number>();
  for (const item of liked) scores.add(item, similar(model, item, ctx.limit).filter((r) => r.score > 0).map((r) => ({ id: r.item, sim: r.score })));
  return scores
    .top(ctx.limit, (a, b) => a - b)
    .map(([item, s]) => ({ postId: ctx.dataset.items.id(item), score: s.score, reason: { kind: 'because', postId: ctx.dataset.items.id(s.because) } }));
}

/** Neighbour scores summed over liked posts: each neighbour's sim / (that liked post's best sim), keeping the liked post of its largest term as the reason. */
class NeighbourScores<K> {
  readonly scores = new Map<K, { score: number; because: K; best: number }>();

  /** Adds the neighbours (best first) of one liked post. */
  add(liked: K, neighbours: readonly { id: K; sim: number }[]): void {
    const top = neighbours[0]?.sim ?? 0;
    for (const n of neighbours) {
      const s = n.sim / top;
      const prev = this.scores.get(n.id);
      if (!prev) this.scores.set(n.id, { score: s, because: liked, best: s });
      else {
        prev.score += s;
        if (s > prev.best) [prev.because, prev.best] = [liked, s];
      }
    }
  }

  /** The best `k`, ties by `order`. */
  top(k: number, order: (a: K, b: K) => number): [K, { score: number; because: K }][] {
    return [...this.scores].sort((a, b) => b[1].score - a[1].score || order(a[0], b[0])).slice(0, k);
  }
}
