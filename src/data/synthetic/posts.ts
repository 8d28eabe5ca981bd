/**
 * @module The latent side of posts: author, creation time, topic, sentiment and quality, in typed arrays.
 *
 *   author a ~ activity (alias table),  day ~ U{0..days−1},  hour ~ daily cycle of a (daily-cycle.ts)
 *   topic z ~ θ_a,  sentiment s ∈ {−1, 0, +1} with P = (0.25, 0.40, 0.35),  quality q = exp(0.8·ε), ε ~ N(0,1)
 *
 * Post index order is creation order (ties by author): `p<index>` ids are chronological. Times have
 * one-second resolution and are stored as seconds since the period start (Uint32). Text is not stored: it is
 * written while posts are emitted (post-text.ts). A million users (10 M posts) take ~180 MB here.
 */
import { createError } from '../../core/errors.js';
import { AliasTable, type Rng } from '../../core/rng.js';
import { sampleActionHour } from './daily-cycle.js';
import { sampleTopic, type Population } from './population.js';
import type { SentimentLabel } from './vocabulary.js';
import type { ResolvedSyntheticConfig } from './synthetic-config.js';

export interface PostLatents {
  readonly size: number;
  readonly author: Int32Array;
  /** Seconds since the period start, ascending. */
  readonly second: Uint32Array;
  readonly topic: Uint8Array;
  readonly sentiment: Int8Array;
  readonly quality: Float32Array;
  /** Posts of each author, CSR: `posts[byAuthorPtr[a] .. byAuthorPtr[a+1])`, ascending (so chronological). */
  readonly byAuthorPtr: Int32Array;
  readonly byAuthor: Int32Array;
}

/** P(negative), P(neutral); positive takes the rest. */
export const SENTIMENT_PRIOR = { negative: 0.25, neutral: 0.4 } as const;
/** σ of log quality: q spans about e^±1.6 (5×) between the 2.5th and 97.5th percentiles. */
export const QUALITY_SIGMA = 0.8;

const DAY_SECONDS = 86_400;

export function createPosts(pop: Population, config: ResolvedSyntheticConfig, rng: Rng): PostLatents {
  const n = Math.round(pop.size * config.postsPerUser);
  // Sort by (second, author) through one packed float64 key: second·2^authorBits + author, exact below 2^53.
  const authorBits = Math.max(1, Math.ceil(Math.log2(pop.size)));
  const periodSeconds = config.days * DAY_SECONDS;
  if (periodSeconds * 2 ** authorBits >= 2 ** 53) {
    throw createError('INVALID_INPUT', { field: 'synthetic.days', problem: `${config.days} days × ${pop.size} users is too large to order posts exactly; use fewer days or users` });
  }
  const scale = 2 ** authorBits;
  const keys = new Float64Array(n);
  const byActivity = new AliasTable(pop.activity);
  for (let i = 0; i < n; i++) {
    const a = byActivity.sample(rng);
    const day = rng.int(config.days);
    const second = day * DAY_SECONDS + Math.floor(sampleActionHour(rng, pop.preferredHour[a]!) * 3600);
    keys[i] = second * scale + a;
  }
  keys.sort();
  const author = new Int32Array(n);
  const second = new Uint32Array(n);
  const topic = new Uint8Array(n);
  const sentiment = new Int8Array(n);
  const quality = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const s = Math.floor(k / scale);
    const a = k - s * scale;
    author[i] = a;
    second[i] = s;
    topic[i] = sampleTopic(pop, a, rng);
    sentiment[i] = sampleSentiment(rng);
    quality[i] = Math.exp(QUALITY_SIGMA * rng.normal());
  }
  const byAuthorPtr = new Int32Array(pop.size + 1);
  for (let i = 0; i < n; i++) byAuthorPtr[author[i]! + 1]!++;
  for (let u = 0; u < pop.size; u++) byAuthorPtr[u + 1]! += byAuthorPtr[u]!;
  const byAuthor = new Int32Array(n);
  const fill = byAuthorPtr.slice(0, pop.size);
  for (let i = 0; i < n; i++) byAuthor[fill[author[i]!]!++] = i;
  return { size: n, author, second, topic, sentiment, quality, byAuthorPtr, byAuthor };
}

function sampleSentiment(rng: Rng): SentimentLabel {
  const r = rng.next();
  return r < SENTIMENT_PRIOR.negative ? -1 : r < SENTIMENT_PRIOR.negative + SENTIMENT_PRIOR.neutral ? 0 : 1;
}

/** First index i in [lo, hi) with values[i] ≥ x (values ascending). */
export function lowerBound(values: ArrayLike<number>, x: number, lo = 0, hi = values.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
