/**
 * @module The interest profile of one user as served (`engine.interestProfile`, search personalization,
 * who-to-follow): the ONE profile of `src/feed/interest-profiles.ts` (the fresh source's), made of the user's
 * snapshot history (cached per snapshot) plus their engagement stored since the snapshot, read from the store at
 * each request. A like is therefore in the profile at the next request, without retraining.
 *
 * Post embeddings are the profile index's unit TF-IDF vectors (cached per snapshot post, vectorized on demand for
 * posts written since): the profile already holds them and the fresh source scores with them, so one vector space
 * serves the feed, search personalization, who-to-follow and the ranker; nothing is stored per post.
 */
import type { EventWeights } from '../data/dataset-builder.js';
import { eventWeight } from '../data/dataset-builder.js';
import type { Dataset } from '../data/dataset.js';
import type { Event, Post } from '../data/schemas.js';
import { interestProfiles, type InterestProfile, type ProfilePost, type SparseVector } from '../feed/interest-profiles.js';
import { summarizeProfile, type ProfilePostInfo, type ProfileSummary } from '../feed/profile-summary.js';
import { postTopicMixture, type PostTopics } from '../feed/trending-topics.js';
import type { RankerTextSignals } from '../models/ranker/index.js';
import type { Store } from '../storage/store.js';
import { vaderCompound } from '../text/sentiment/lexicon.js';

/** Events since the snapshot read per request (newest first). */
const MAX_RECENT_EVENTS = 500;

export interface LiveProfile {
  profile: InterestProfile;
  /** Per post of the profile: tags, sentiment and topics. */
  info(postId: string): ProfilePostInfo | undefined;
}

/** The sentiment score of a post: the one stored at ingest, else VADER's compound (what ingest computes). */
export function postSentiment(stored: unknown, text: string): number {
  if (typeof stored === 'number' && Number.isFinite(stored)) return stored;
  return text === '' ? NaN : vaderCompound(text);
}

/** A snapshot post's sentiment (stored signal, else computed from its text). */
export function itemSentiment(data: Dataset, i: number): number {
  const s = data.itemSignals?.sentiment[i];
  return postSentiment(s !== undefined && !Number.isNaN(s) ? s : undefined, data.itemTexts[i] ?? '');
}

/** The user's profile now: snapshot history plus the store's events since the snapshot. */
export async function liveProfile(data: Dataset, store: Store, userId: string, weights: EventWeights, topics: PostTopics | undefined): Promise<LiveProfile> {
  const profiles = interestProfiles(data);
  const u = data.users.index(userId);
  const events = await store.userEvents(userId, { ...(u >= 0 ? { since: data.now + 1 } : {}), limit: MAX_RECENT_EVENTS });
  const { recent, posts } = await recentPosts(data, store, events, weights);
  const profile = profiles.profile(u, recent);
  const info = (postId: string): ProfilePostInfo | undefined => {
    const i = data.items.index(postId);
    if (i >= 0) {
      const doc = { text: data.itemTexts[i] ?? '', tags: data.itemTags[i] ?? [] };
      return { tags: doc.tags, sentiment: itemSentiment(data, i), ...(topics ? { topics: postTopicMixture(topics, i, doc) } : {}) };
    }
    const p = posts.get(postId);
    if (!p) return undefined;
    return { tags: p.tags, sentiment: postSentiment(p.features?.sentiment_score, p.text), ...(topics ? { topics: postTopicMixture(topics, -1, p) } : {}) };
  };
  return { profile, info };
}

/** The user's engaged posts since the snapshot, weighted, with their vectors and (for new posts) their rows. */
async function recentPosts(data: Dataset, store: Store, events: readonly Event[], weights: EventWeights): Promise<{ recent: ProfilePost[]; posts: Map<string, Post> }> {
  const byPost = new Map<string, { weight: number; time: number }>();
  for (const e of events) {
    if (e.post === undefined) continue;
    const prev = byPost.get(e.post) ?? { weight: 0, time: -Infinity };
    byPost.set(e.post, { weight: prev.weight + eventWeight(e, weights), time: Math.max(prev.time, Number(e.timestamp)) });
  }
  const engaged = [...byPost].filter(([, v]) => v.weight > 0);
  const profiles = interestProfiles(data);
  const vectors = new Map<string, SparseVector>();
  const known = engaged.map(([id]) => data.items.index(id)).filter((i) => i >= 0);
  profiles.snapshotVectors(known).forEach((v, k) => vectors.set(data.items.id(known[k]!), v));
  const missing = engaged.map(([id]) => id).filter((id) => !vectors.has(id));
  const posts = new Map<string, Post>();
  if (missing.length > 0) {
    const rows = await store.getPosts(missing);
    profiles.vectorize(rows).forEach((v, k) => {
      vectors.set(rows[k]!.id, v);
      posts.set(rows[k]!.id, rows[k]!);
    });
  }
  const recent = engaged.flatMap(([postId, { weight, time }]) => {
    const vector = vectors.get(postId);
    return vector ? [{ postId, weight, vector, ...(Number.isFinite(time) ? { time } : {}) }] : [];
  });
  return { recent, posts };
}

/** `GET /v1/users/{id}/profile`: the live profile summarized with explanations. */
export async function profileSummary(data: Dataset, store: Store, userId: string, weights: EventWeights, topics: PostTopics | undefined, now: number): Promise<ProfileSummary> {
  const live = await liveProfile(data, store, userId, weights, topics);
  const names = interestProfiles(data).fitted().featureNames();
  return summarizeProfile(userId, live.profile, live.info, (col) => names[col], topics, { now });
}

/**
 * The ranker's text signals over a snapshot: each post's stored sentiment (else VADER's) and offensive probability
 * (0 when none was given), its vector from the profile index (all posts vectorized once, on first use) and its
 * topic mixture (`postTopicMixture`, when topics are fitted).
 */
export function rankerTextSignals(data: Dataset, topics: PostTopics | undefined): RankerTextSignals {
  const n = data.items.size;
  let vectors: SparseVector[] | undefined;
  const sentiment = new Float32Array(n).fill(NaN);
  const mixtures: (Float64Array | undefined)[] = new Array<Float64Array | undefined>(n);
  return {
    sentiment(i) {
      if (Number.isNaN(sentiment[i]!)) sentiment[i] = itemSentiment(data, i) || 0;
      return sentiment[i]!;
    },
    offensive(i) {
      const o = data.itemSignals?.offensive[i];
      return o !== undefined && Number.isFinite(o) ? o : 0;
    },
    vector(i) {
      vectors ??= interestProfiles(data).vectorize(Array.from({ length: n }, (_, j) => ({ text: data.itemTexts[j] ?? '', tags: data.itemTags[j] ?? [] })));
      return vectors[i]!;
    },
    topics(i) {
      if (!topics) return undefined;
      return (mixtures[i] ??= postTopicMixture(topics, i, { text: data.itemTexts[i] ?? '', tags: data.itemTags[i] ?? [] }));
    },
  };
}

/** Unit vectors of posts by id: snapshot posts from the profile index, others vectorized from their rows. */
export async function postVectorsById(data: Dataset, store: Store, ids: readonly string[]): Promise<Map<string, SparseVector>> {
  const profiles = interestProfiles(data);
  const out = new Map<string, SparseVector>();
  const known = ids.map((id) => data.items.index(id)).filter((i) => i >= 0);
  profiles.snapshotVectors(known).forEach((v, k) => out.set(data.items.id(known[k]!), v));
  const missing = ids.filter((id) => !out.has(id));
  if (missing.length > 0) {
    const rows = await store.getPosts(missing);
    profiles.vectorize(rows).forEach((v, k) => out.set(rows[k]!.id, v));
  }
  return out;
}
