/**
 * @module What a user's interest profile says, in numbers and words (`GET /v1/users/{id}/profile`): the topic
 * mixture, top hashtags, the embedding centroid's top terms and the sentiment tendency, all weighted like the
 * profile itself (each engaged post by the user's summed event weights on it), each with an explanation that
 * counts the posts behind it in the last `windowDays` days.
 *
 * Topic mixture: θ_u = Σ_p w_p θ_p / Σ_p w_p over the posts with a topic (θ_p from `postTopicMixture`).
 * Hashtags: Σ_p w_p over the posts carrying the tag. Sentiment: Σ_p w_p s_p / Σ_p w_p over posts with a sentiment
 * score s_p ∈ [−1, 1], labelled with VADER's thresholds (±0.05) like posts are at ingest.
 */
import type { InterestProfile } from './interest-profiles.js';
import type { PostTopics } from './trending-topics.js';

const DAY_MS = 86_400_000;

/** What the summary needs about one post of the profile. */
export interface ProfilePostInfo {
  tags: readonly string[];
  /** Sentiment score in [−1, 1]; NaN when unknown. */
  sentiment: number;
  /** Topic mixture (length k, sums to 1, or all zero); absent before topics are fitted. */
  topics?: ArrayLike<number>;
}

export interface ProfileTopic {
  topic: number;
  label: string;
  words: string[];
  /** Share of the user's topic mixture (the shares of all topics sum to 1). */
  share: number;
  /** Posts of the profile whose main topic this is, and how many of them in the window. */
  posts: number;
  recentPosts: number;
  explanation: string;
}

export interface ProfileHashtag {
  tag: string;
  weight: number;
  posts: number;
  recentPosts: number;
  explanation: string;
}

export interface ProfileSummary {
  user: string;
  /** Posts the profile is made of (engaged with, with text or tags). */
  posts: number;
  windowDays: number;
  topics: ProfileTopic[];
  hashtags: ProfileHashtag[];
  /** The centroid of the profile's post embeddings (unit TF-IDF), its heaviest terms. */
  centroid: { term: string; weight: number }[];
  sentiment: { mean: number | null; label: 'positive' | 'negative' | 'neutral' | 'unknown'; posts: number; explanation: string };
}

export interface SummaryOptions {
  now: number;
  windowDays?: number;
  /** Topics, hashtags and centroid terms listed (default 5, 10, 10). */
  topTopics?: number;
  topHashtags?: number;
  topTerms?: number;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Counted in the window ("in the last 30 days"), or overall when none is recent. */
function counted(recent: number, total: number, what: string, windowDays: number): string {
  return recent > 0 ? `you engaged with ${plural(recent, 'post')} ${what} in the last ${windowDays} days` : `you engaged with ${plural(total, 'post')} ${what} (none in the last ${windowDays} days)`;
}

export function summarizeProfile(
  user: string,
  profile: InterestProfile,
  info: (postId: string) => ProfilePostInfo | undefined,
  termName: (col: number) => string | undefined,
  topics: PostTopics | undefined,
  options: SummaryOptions,
): ProfileSummary {
  const windowDays = options.windowDays ?? 30;
  const since = options.now - windowDays * DAY_MS;
  const posts = profile.posts.map((p) => ({ p, info: info(p.postId), recent: p.time !== undefined && p.time >= since }));
  return {
    user,
    posts: posts.length,
    windowDays,
    topics: topicShares(posts, topics, windowDays).slice(0, options.topTopics ?? 5),
    hashtags: hashtagWeights(posts, windowDays).slice(0, options.topHashtags ?? 10),
    centroid: [...profile.terms]
      .map(([col, weight]) => ({ term: termName(col) ?? '', weight }))
      .filter((t) => t.term !== '')
      .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
      .slice(0, options.topTerms ?? 10),
    sentiment: sentimentTendency(posts),
  };
}

type Row = { p: { weight: number }; info: ProfilePostInfo | undefined; recent: boolean };

function topicShares(rows: readonly Row[], topics: PostTopics | undefined, windowDays: number): ProfileTopic[] {
  if (!topics) return [];
  const share = new Float64Array(topics.k);
  const main = new Int32Array(topics.k), mainRecent = new Int32Array(topics.k);
  let mass = 0;
  for (const { p, info, recent } of rows) {
    const m = info?.topics;
    if (!m || m.length !== topics.k) continue;
    let best = -1, bestShare = 0, sum = 0;
    for (let t = 0; t < topics.k; t++) {
      sum += m[t]!;
      if (m[t]! > bestShare) [best, bestShare] = [t, m[t]!];
    }
    if (sum <= 0) continue;
    for (let t = 0; t < topics.k; t++) share[t]! += (p.weight * m[t]!) / sum;
    mass += p.weight;
    main[best]!++;
    if (recent) mainRecent[best]!++;
  }
  if (mass <= 0) return [];
  return Array.from({ length: topics.k }, (_, t) => {
    const label = topics.words[t]!.slice(0, 3).join(' · ');
    return { topic: t, label, words: [...topics.words[t]!], share: share[t]! / mass, posts: main[t]!, recentPosts: mainRecent[t]!, explanation: counted(mainRecent[t]!, main[t]!, `about ${label}`, windowDays) };
  })
    .filter((t) => t.share > 0)
    .sort((a, b) => b.share - a.share || a.topic - b.topic);
}

function hashtagWeights(rows: readonly Row[], windowDays: number): ProfileHashtag[] {
  const tags = new Map<string, { weight: number; posts: number; recentPosts: number }>();
  for (const { p, info, recent } of rows) {
    for (const raw of new Set((info?.tags ?? []).map((t) => t.replace(/^#/, '').toLowerCase()))) {
      if (raw === '') continue;
      const e = tags.get(raw) ?? { weight: 0, posts: 0, recentPosts: 0 };
      tags.set(raw, { weight: e.weight + p.weight, posts: e.posts + 1, recentPosts: e.recentPosts + (recent ? 1 : 0) });
    }
  }
  return [...tags]
    .map(([tag, e]) => ({ tag, ...e, explanation: counted(e.recentPosts, e.posts, `about #${tag}`, windowDays) }))
    .sort((a, b) => b.weight - a.weight || (a.tag < b.tag ? -1 : 1));
}

function sentimentTendency(rows: readonly Row[]): ProfileSummary['sentiment'] {
  let s = 0, w = 0, n = 0;
  for (const { p, info } of rows) {
    if (!info || !Number.isFinite(info.sentiment)) continue;
    s += p.weight * info.sentiment;
    w += p.weight;
    n++;
  }
  if (w <= 0) return { mean: null, label: 'unknown', posts: 0, explanation: 'none of the posts you engaged with has a sentiment score' };
  const mean = s / w;
  const label = mean >= 0.05 ? 'positive' : mean <= -0.05 ? 'negative' : 'neutral';
  return { mean, label, posts: n, explanation: `the ${plural(n, 'post')} you engaged with are ${label} on average (weighted sentiment ${mean.toFixed(2)})` };
}
