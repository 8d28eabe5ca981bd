/**
 * @module The planted truth of a synthetic network: what a good model should recover, as plain JSON.
 *
 * Index conventions: user index u ↔ id `u<u>`, post index p ↔ id `p<p>` (chronological), events `e<n>` in
 * emission (time) order. To stay compact at a million users, the JSON keeps each user's main topics (those
 * with θ_u[t] ≥ 0.2, heaviest first) rather than θ; `writeTruth` stores the full θ (users × T float32) in a
 * safetensors file beside the JSON, named in `thetaFile`.
 */
import { basename } from 'node:path';
import { createError } from '../../core/errors.js';
import { writeFileAtomic, saveSafetensors } from '../../nn/safetensors.js';
import { DWELL, ENGAGEMENT_RATES, NEGATIVE_POWER, NEGATIVE_RATES } from './engagement.js';
import { mainTopics, type Population } from './population.js';
import type { PostLatents } from './posts.js';
import type { EngagementBeta, ResolvedSyntheticConfig } from './synthetic-config.js';
import { BACKGROUND_WORDS, SENTIMENT_WORDS, type SentimentLabel, type TopicVocabulary } from './vocabulary.js';

/** θ_u[t] a topic must reach to count among a user's main topics. */
export const MAIN_TOPIC_MIN = 0.2;

export interface PlantedTruth {
  readonly version: 1;
  readonly config: ResolvedSyntheticConfig;
  /** Number of topics T. */
  readonly topicCount: number;
  readonly topics: readonly TopicVocabulary[];
  readonly backgroundWords: readonly string[];
  readonly sentimentWords: typeof SENTIMENT_WORDS;
  /** Coefficients of π = σ(β₀ + β₁·θ_u[z_p] + β₂·follows + β₃·ln q_p) (engagement.ts). */
  readonly beta: EngagementBeta;
  readonly engagement: {
    readonly rates: typeof ENGAGEMENT_RATES;
    readonly negativeRates: typeof NEGATIVE_RATES;
    readonly negativePower: number;
    readonly dwell: typeof DWELL;
  };
  readonly counts: { readonly users: number; readonly posts: number; readonly follows: number };
  /** userTopics[u]: topics with θ_u[t] ≥ 0.2, heaviest first (never empty). */
  readonly userTopics: readonly (readonly number[])[];
  /** postTopic[p]: the topic z_p the post was written about. */
  readonly postTopic: readonly number[];
  /** postSentiment[p]: −1 negative, 0 neutral, +1 positive. */
  readonly postSentiment: readonly SentimentLabel[];
  /** File (beside the JSON) holding θ as safetensors tensor `theta` [users, T]; set by `writeTruth`. */
  readonly thetaFile?: string;
}

export interface TruthSource {
  readonly config: ResolvedSyntheticConfig;
  readonly topics: readonly TopicVocabulary[];
  readonly population: Population;
  readonly posts: PostLatents;
  readonly followCount: number;
}

type TruthHeader = Omit<PlantedTruth, 'userTopics' | 'postTopic' | 'postSentiment'>;

function truthHeader(src: TruthSource): TruthHeader {
  const { config, population: pop, posts } = src;
  return {
    version: 1,
    config,
    topicCount: pop.topics,
    topics: src.topics,
    backgroundWords: BACKGROUND_WORDS,
    sentimentWords: SENTIMENT_WORDS,
    beta: config.beta,
    engagement: { rates: ENGAGEMENT_RATES, negativeRates: NEGATIVE_RATES, negativePower: NEGATIVE_POWER, dwell: DWELL },
    counts: { users: pop.size, posts: posts.size, follows: src.followCount },
  };
}

export function buildTruth(src: TruthSource): PlantedTruth {
  const { population: pop, posts } = src;
  const userTopics: number[][] = new Array<number[]>(pop.size);
  for (let u = 0; u < pop.size; u++) userTopics[u] = mainTopics(pop, u, MAIN_TOPIC_MIN);
  return {
    ...truthHeader(src),
    userTopics,
    postTopic: Array.from(posts.topic),
    postSentiment: Array.from(posts.sentiment) as SentimentLabel[],
  };
}

/** Path of the θ file that goes with a truth JSON: `truth.json` → `truth.theta.safetensors`. */
export function thetaPathFor(path: string): string {
  return `${path.replace(/\.json$/i, '')}.theta.safetensors`;
}

/** Users or posts serialised per piece, so no string holds millions of numbers at once. */
const ROWS_PER_PIECE = 100_000;

/**
 * Writes the truth as JSON (the same document as `JSON.stringify(buildTruth(src))` plus `thetaFile`) and θ as
 * safetensors beside it, each atomically. The big arrays are serialised straight from the typed arrays, piece by
 * piece, into one buffer sized by an upper bound (untouched pages cost no memory): at a million users the JSON
 * costs its own size and no array of ten million JS numbers.
 */
export function writeTruth(path: string, src: TruthSource): void {
  const pop = src.population, posts = src.posts;
  const thetaPath = thetaPathFor(path);
  saveSafetensors(thetaPath, { theta: { data: pop.theta, shape: [pop.size, pop.topics] } }, { kind: 'resonate/synthetic-theta' });
  const header = JSON.stringify({ ...truthHeader(src), thetaFile: basename(thetaPath) });
  // Upper bound in bytes: a topic index ≤ 2 digits + comma; a sentiment ≤ "-1,"; brackets around each user's list.
  const bound = Buffer.byteLength(header) + 64 + pop.size * (3 * pop.topics + 3) + posts.size * 6;
  const buf = Buffer.allocUnsafe(bound);
  let at = 0;
  const put = (text: string): void => {
    if (Buffer.byteLength(text) > bound - at) throw createError('INTERNAL', { problem: `planted truth larger than its bound of ${bound} bytes` });
    at += buf.write(text, at);
  };
  put(`${header.slice(0, -1)},"userTopics":[`);
  for (let u0 = 0; u0 < pop.size; u0 += ROWS_PER_PIECE) {
    const rows: string[] = [];
    for (let u = u0; u < Math.min(pop.size, u0 + ROWS_PER_PIECE); u++) rows.push(`[${mainTopics(pop, u, MAIN_TOPIC_MIN).join(',')}]`);
    put((u0 > 0 ? ',' : '') + rows.join(','));
  }
  const putArray = (name: string, values: Uint8Array | Int8Array): void => {
    put(`],"${name}":[`);
    for (let p0 = 0; p0 < values.length; p0 += ROWS_PER_PIECE) put((p0 > 0 ? ',' : '') + values.subarray(p0, p0 + ROWS_PER_PIECE).join(','));
  };
  putArray('postTopic', posts.topic);
  putArray('postSentiment', posts.sentiment);
  put(']}');
  writeFileAtomic(path, buf.subarray(0, at));
}
