/**
 * @module Trending topics: NMF topics of the snapshot's post texts (TF-IDF, Lee & Seung multiplicative updates,
 * see text/topics/nmf.ts) weighted by the popularity model's trending scores. A topic's trend is
 * Σ_i trending(i) · mixture(i, topic): the engagement momentum of its posts, shared by their topic mixtures.
 */
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import { ENGLISH_STOPWORDS } from '../text/stopwords.js';
import { tokenizeToStrings } from '../text/tokenize.js';
import { npmiCoherence } from '../text/topics/coherence.js';
import { fitNmf, topicMixtures, topTermIndices } from '../text/topics/nmf.js';
import { createVectorizer } from '../text/vectorizer.js';
import { popularList } from './sources/trending-source.js';
import type { Burst } from './trending-bursts.js';

export interface PostTopics {
  readonly k: number;
  /** Top words of each topic (mentions, links and English function words left out). */
  readonly words: readonly (readonly string[])[];
  /** NPMI coherence of each topic's top words over the posts (−1…1, higher is more coherent). */
  readonly coherence: readonly number[];
  /** The snapshot posts (dataset item indices) the topics were fitted on. */
  readonly items: Int32Array;
  /** Topic mixture of each of those posts (items.length × k, rows sum to 1). */
  readonly mixtures: Float64Array;
}

export interface TrendingTopic {
  topic: number;
  score: number;
  /** The topic's top words. */
  words: string[];
  /** Its three top words joined, for display. */
  label: string;
  coherence: number;
  /** Burst score of the engagement on its posts in the last hour (trending-bursts.ts; 0 without any). */
  burst: number;
  rising: boolean;
}

export interface PostTopicsOptions {
  /** Number of topics (default 20, fewer when there are few posts). */
  k?: number;
  /** NMF iterations (default 50). */
  maxIter?: number;
  seed?: number;
  /** Words kept per topic (default 8). */
  topWords?: number;
  /**
   * The posts to fit on (dataset item indices; default all). The engine passes the posts with engagement
   * momentum, which is what a trend is made of and keeps the fit to a second or two on large catalogues.
   */
  items?: ArrayLike<number>;
}

const isWord = (t: string): boolean => !t.startsWith('@') && !/^https?:/.test(t) && t.length > 1 && !ENGLISH_STOPWORDS.has(t);

/** Fits topics on the snapshot's post texts and tags. */
export function fitPostTopics(dataset: Dataset, options: PostTopicsOptions = {}): PostTopics {
  const items = options.items ? Int32Array.from(options.items) : Int32Array.from({ length: dataset.items.size }, (_, i) => i);
  const n = items.length;
  const texts = Array.from(items, (i) => `${dataset.itemTexts[i] ?? ''} ${(dataset.itemTags[i] ?? []).map((t) => `#${t.replace(/^#/, '')}`).join(' ')}`);
  const k = Math.max(1, Math.min(options.k ?? 20, Math.floor(n / 5)));
  // Words in at least 5 posts (2 on tiny catalogues) and in at most half of them: topic words, not filler.
  const vectorizer = createVectorizer({ blocks: [{ analyzer: 'word', minDf: n >= 100 ? 5 : 2, maxDf: 0.5 }], sublinearTf: true });
  const X = vectorizer.fitTransform(texts);
  const names = vectorizer.featureNames();
  if (names.length === 0) throw createError('DATASET_EMPTY', { what: `text to find topics in (no word or tag is shared by ${n >= 100 ? 5 : 2} of its ${n} posts)` });
  const nmf = fitNmf(X, { k, maxIter: options.maxIter ?? 50, seed: options.seed ?? 42 });
  const top = topTermIndices(nmf, 4 * (options.topWords ?? 8));
  const kept = top.map((terms) => terms.filter((j) => isWord(names[j]!)).slice(0, options.topWords ?? 8));
  return {
    k,
    words: kept.map((terms) => terms.map((j) => names[j]!)),
    coherence: kept.map((terms) => npmiCoherence(X, terms)),
    items,
    mixtures: topicMixtures(nmf.W, k),
  };
}

/**
 * Every topic's trend over the posts the topics were fitted on, best first (ties by topic number). Topics whose
 * top words hardly co-occur (NPMI below `minCoherence`, default 0.1: filler words, not a subject) are left out.
 */
export function topicTrends(model: Recommender, dataset: Dataset, topics: PostTopics, minCoherence = 0.1, bursts?: ReadonlyMap<number, Burst>): TrendingTopic[] {
  const score = new Float64Array(topics.k);
  const row = new Map(Array.from(topics.items, (item, r) => [item, r]));
  for (const r of popularList(model, dataset.items.size)) {
    const at = row.get(r.item);
    if (at === undefined) continue;
    for (let t = 0; t < topics.k; t++) score[t]! += r.score * topics.mixtures[at * topics.k + t]!;
  }
  return Array.from({ length: topics.k }, (_, t) => ({
    topic: t,
    score: score[t]!,
    words: [...topics.words[t]!],
    label: topics.words[t]!.slice(0, 3).join(' · '),
    coherence: topics.coherence[t]!,
    burst: bursts?.get(t)?.z ?? 0,
    rising: bursts?.get(t)?.rising ?? false,
  }))
    .filter((t) => t.coherence >= minCoherence)
    .sort((a, b) => b.score - a.score || a.topic - b.topic);
}

const rowsOf = new WeakMap<PostTopics, Map<number, number>>();
const wordSetsOf = new WeakMap<PostTopics, Map<string, number[]>>();

/**
 * The topic mixture of a post (length k, summing to 1, or all zero when it has no topic): the NMF mixture for a
 * post the topics were fitted on (`item`, a dataset index); for any other post a fold-in by the topics' top words,
 * each topic weighted by how many of its top words (tags as `#tag`) the post contains.
 */
export function postTopicMixture(topics: PostTopics, item: number, post: { text: string; tags: readonly string[] }): Float64Array {
  let rows = rowsOf.get(topics);
  if (!rows) rowsOf.set(topics, (rows = new Map(Array.from(topics.items, (i, r) => [i, r]))));
  const r = item >= 0 ? rows.get(item) : undefined;
  if (r !== undefined) return topics.mixtures.slice(r * topics.k, (r + 1) * topics.k);
  let words = wordSetsOf.get(topics);
  if (!words) {
    words = new Map();
    topics.words.forEach((ws, t) => { for (const w of ws) words!.set(w, [...(words!.get(w) ?? []), t]); });
    wordSetsOf.set(topics, words);
  }
  const out = new Float64Array(topics.k);
  const tokens = new Set([...tokenizeToStrings(post.text.toLowerCase()), ...post.tags.map((t) => `#${t.replace(/^#/, '').toLowerCase()}`)]);
  let total = 0;
  for (const tok of tokens) for (const t of words.get(tok) ?? []) { out[t]!++; total++; }
  if (total > 0) for (let t = 0; t < topics.k; t++) out[t]! /= total;
  return out;
}

/** PostTopics as JSON (saved with a model version). */
export function topicsToJson(t: PostTopics): string {
  return JSON.stringify({ k: t.k, words: t.words, coherence: t.coherence, items: Array.from(t.items), mixtures: Array.from(t.mixtures) });
}

/** Reads what `topicsToJson` wrote; undefined when it is not that shape. */
export function topicsFromJson(text: string): PostTopics | undefined {
  const o = JSON.parse(text) as { k?: unknown; words?: unknown; coherence?: unknown; items?: unknown; mixtures?: unknown };
  if (typeof o.k !== 'number' || !Array.isArray(o.words) || !Array.isArray(o.coherence) || !Array.isArray(o.items) || !Array.isArray(o.mixtures)) return undefined;
  if (o.mixtures.length !== o.items.length * o.k) return undefined;
  return { k: o.k, words: o.words as string[][], coherence: o.coherence as number[], items: Int32Array.from(o.items as number[]), mixtures: Float64Array.from(o.mixtures as number[]) };
}
