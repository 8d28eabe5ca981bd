/**
 * @module Smart replies: up to a few short replies to a post, retrieved from the app's own past replies (the
 * response set of Gmail's Smart Reply and Henderson et al. 2017) by the dual encoder of `reply-encoder.ts`.
 *
 * - Response set: past replies deduplicated (lower-cased, whitespace collapsed), `minChars`–`maxChars` long, the
 *   most frequent `maxResponses` kept; scored by the dot product with the post's vector, exactly up to
 *   `exactMaxResponses` and through a usearch HNSW index beyond.
 * - Confidence: Platt scaling of the best response's score, fitted on held-out posts (label 1) against as many
 *   word salads (label 0: words drawn at random from the held-out posts, same lengths), so it reads "how likely is a
 *   post whose best reply scores this a real post of these threads"; below `minConfidence`, or when no word of the
 *   post occurs in the training posts, nothing is suggested and the answer says why.
 * - Personalization: a candidate gains `personalWeight` × its cosine to the centroid of the requesting user's
 *   own past replies.
 * - Diversity: candidates are taken best first, skipping one whose cosine to an already chosen reply is above
 *   `diversityThreshold` (near-paraphrases of one intent).
 */
import { createError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { applyPlatt, fitPlatt, type Platt } from '../math/calibration.js';
import { topK } from '../math/top-k.js';
import { buildItemIndex, type ItemIndex } from '../models/two-tower/item-index.js';
import { normalizeReply, ReplyEncoder, type ReplyEncoderOptions, type ReplyPair } from './reply-encoder.js';

export interface ReplySuggesterOptions {
  encoder: Partial<ReplyEncoderOptions>;
  /** Fewer pairs than this: no model (TOO_FEW_REPLY_PAIRS). */
  minPairs: number;
  /** Length bounds of a response, in characters. */
  minChars: number;
  maxChars: number;
  maxResponses: number;
  exactMaxResponses: number;
  diversityThreshold: number;
  personalWeight: number;
  /** Share of pairs held out to calibrate the confidence (and measure 1-of-100 accuracy). */
  validationFraction: number;
  minConfidence: number;
  /** Candidates re-ranked (personalization, diversity) per request. */
  candidates: number;
}

export const REPLY_SUGGESTER_DEFAULTS: ReplySuggesterOptions = {
  encoder: {}, minPairs: 50, minChars: 1, maxChars: 140, maxResponses: 20_000, exactMaxResponses: 50_000,
  diversityThreshold: 0.85, personalWeight: 0.05, validationFraction: 0.1, minConfidence: 0.5, candidates: 50,
};

export interface ReplySuggestion {
  text: string;
  /** Cosine of the post and reply vectors (plus the personal boost when a user is named). */
  score: number;
  /** Calibrated probability that a post whose best reply scores this is a real post of the threads (at even odds). */
  confidence: number;
}

export interface ReplyAnswer {
  replies: ReplySuggestion[];
  /** Why `replies` is empty when it is. */
  suppressed?: 'low_confidence' | 'opted_out';
  reason?: string;
}

/** Greedy diverse pick: best first, skipping a candidate whose cosine to a chosen one is above `threshold`. */
export function pickDiverse(ranked: readonly number[], vectors: Float32Array, dim: number, limit: number, threshold: number): number[] {
  const chosen: number[] = [];
  for (const c of ranked) {
    if (chosen.length >= limit) break;
    if (chosen.every((o) => dot(vectors, c * dim, vectors, o * dim, dim) <= threshold)) chosen.push(c);
  }
  return chosen;
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += a[ao + j]! * b[bo + j]!;
  return s;
}

/** The response set: deduplicated, length-bounded, most frequent first (then most recent: later pairs win ties). */
export function responseSet(pairs: readonly ReplyPair[], o: Pick<ReplySuggesterOptions, 'minChars' | 'maxChars' | 'maxResponses'>): string[] {
  const seen = new Map<string, { text: string; count: number; last: number }>();
  pairs.forEach((p, i) => {
    const text = p.reply.trim().replace(/\s+/g, ' ');
    if (text.length < o.minChars || text.length > o.maxChars) return;
    const key = normalizeReply(text), s = seen.get(key);
    if (s) { s.count++; s.last = i; } else seen.set(key, { text, count: 1, last: i });
  });
  return [...seen.values()].sort((a, b) => b.count - a.count || b.last - a.last).slice(0, o.maxResponses).map((s) => s.text);
}

/** The share of held-out posts whose true reply outranks `others` random other replies (1-of-(others+1)). */
export function rankingAccuracy(score: (post: number, reply: number) => number, n: number, others: number, seed: number): number {
  if (n < 2) return NaN;
  const rng = createRng(seed);
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const truth = score(i, i);
    let best = true;
    for (let k = 0; k < Math.min(others, n - 1) && best; k++) {
      let j = rng.int(n - 1);
      if (j >= i) j++;
      if (score(i, j) >= truth) best = false;
    }
    if (best) hits++;
  }
  return hits / n;
}

export class ReplySuggester {
  private index: ItemIndex | undefined;

  private constructor(
    readonly options: ReplySuggesterOptions,
    readonly encoder: ReplyEncoder,
    readonly responses: readonly string[],
    private readonly vectors: Float32Array,
    private platt: Platt,
    private readonly centroids: ReadonlyMap<string, Float32Array>,
    /** 1-of-100 accuracy on the held-out pairs (NaN without them). */
    readonly validationAccuracy: number,
  ) {
    if (responses.length > options.exactMaxResponses) this.index = buildItemIndex(vectors, encoder.dim);
  }

  static async fit(pairs: readonly ReplyPair[], options: Partial<ReplySuggesterOptions> = {}, signal?: AbortSignal): Promise<ReplySuggester> {
    const o = { ...REPLY_SUGGESTER_DEFAULTS, ...options };
    if (pairs.length < o.minPairs) throw createError('TOO_FEW_REPLY_PAIRS', { count: pairs.length, min: o.minPairs });
    const seed = o.encoder.seed ?? 42;
    const order = createRng(seed ^ 0x7e91).shuffle(Array.from({ length: pairs.length }, (_, k) => k));
    const nValid = Math.min(Math.floor(pairs.length * o.validationFraction), 2000);
    const valid = order.slice(0, nValid).map((k) => pairs[k]!), train = order.slice(nValid).map((k) => pairs[k]!);
    const encoder = await ReplyEncoder.fit(train, o.encoder, signal);
    const responses = responseSet(pairs, o);
    const vectors = encoder.encode('reply', responses);
    const s = new ReplySuggester(o, encoder, responses, vectors, { a: 1, b: 0 }, userCentroids(encoder, pairs), validationAccuracy(encoder, valid, seed));
    s.platt = s.calibrate(valid.map((p) => p.post), seed);
    return s;
  }

  /** Up to `limit` diverse replies to `post`; none (with the reason) when the best one is not confident enough. */
  suggest(post: string, opts: { user?: string; limit?: number } = {}): ReplyAnswer {
    const limit = opts.limit ?? 3, dim = this.encoder.dim;
    if (this.encoder.knownPostTerms(post) === 0) return { replies: [], suppressed: 'low_confidence', reason: 'no word of the post occurs in the reply threads the suggester learned from' };
    const top = this.candidates(this.encoder.encode('post', [post]));
    const best = top[0];
    const confidence = best ? applyPlatt(this.platt, best.score) : 0;
    if (!best || confidence < this.options.minConfidence) {
      return { replies: [], suppressed: 'low_confidence', reason: `no reply is confident enough (best ${confidence.toFixed(2)}, needs ${this.options.minConfidence})` };
    }
    const centroid = opts.user !== undefined ? this.centroids.get(opts.user) : undefined;
    const scored = top.map((c) => ({ ...c, final: c.score + (centroid ? this.options.personalWeight * dot(centroid, 0, this.vectors, c.index * dim, dim) : 0) }));
    scored.sort((a, b) => b.final - a.final || a.index - b.index);
    const byIndex = new Map(scored.map((s) => [s.index, s]));
    const chosen = pickDiverse(scored.map((s) => s.index), this.vectors, dim, limit, this.options.diversityThreshold);
    return {
      replies: chosen.map((i) => {
        const s = byIndex.get(i)!;
        return { text: this.responses[i]!, score: round(s.final), confidence: round(applyPlatt(this.platt, s.score)) };
      }),
    };
  }

  /** Platt scaling of the best score: held-out posts (1) against word salads of their words (0). */
  private calibrate(posts: readonly string[], seed: number): Platt {
    if (posts.length < 2) return { a: 1, b: 0 };
    const rng = createRng(seed ^ 0xca1b), words = posts.flatMap((p) => p.split(/\s+/).filter(Boolean));
    const salads = posts.map((p) => Array.from({ length: Math.max(1, p.split(/\s+/).filter(Boolean).length) }, () => words[rng.int(words.length)]!).join(' '));
    const best = (texts: readonly string[]): number[] => {
      const Q = this.encoder.encode('post', texts), dim = this.encoder.dim;
      return texts.map((_, i) => this.candidates(Q.subarray(i * dim, (i + 1) * dim), 1)[0]?.score ?? 0);
    };
    return fitPlatt([...best(posts), ...best(salads)], [...posts.map(() => 1), ...salads.map(() => 0)]);
  }

  private candidates(q: Float32Array, want = this.options.candidates): { index: number; score: number }[] {
    const k = Math.min(want, this.responses.length);
    if (this.index) {
      const { items, scores } = this.index.search(q, k);
      return Array.from(items, (index, t) => ({ index, score: scores[t]! }));
    }
    const dim = this.encoder.dim, n = this.responses.length, scores = new Float32Array(n);
    for (let i = 0; i < n; i++) scores[i] = dot(q, 0, this.vectors, i * dim, dim);
    return topK(scores, k).map((s) => ({ index: s.index, score: s.score }));
  }
}

const round = (x: number): number => Math.round(x * 1e4) / 1e4;

/** 1-of-100 accuracy on the held-out pairs. */
function validationAccuracy(encoder: ReplyEncoder, valid: readonly ReplyPair[], seed: number): number {
  if (valid.length < 2) return NaN;
  const dim = encoder.dim;
  const P = encoder.encode('post', valid.map((p) => p.post)), R = encoder.encode('reply', valid.map((p) => p.reply));
  const score = (i: number, j: number): number => dot(P, i * dim, R, j * dim, dim);
  return rankingAccuracy(score, valid.length, 99, seed);
}

/** Per reply author, the unit mean of the reply vectors of their own replies. */
function userCentroids(encoder: ReplyEncoder, pairs: readonly ReplyPair[]): Map<string, Float32Array> {
  const byUser = new Map<string, string[]>();
  for (const p of pairs) if (p.replyAuthor !== undefined) (byUser.get(p.replyAuthor) ?? byUser.set(p.replyAuthor, []).get(p.replyAuthor)!).push(p.reply);
  const users = [...byUser.keys()], dim = encoder.dim, out = new Map<string, Float32Array>();
  const texts = users.flatMap((u) => byUser.get(u)!);
  const vecs = encoder.encode('reply', texts);
  let row = 0;
  for (const u of users) {
    const c = new Float32Array(dim), n = byUser.get(u)!.length;
    for (let r = 0; r < n; r++, row++) for (let j = 0; j < dim; j++) c[j]! += vecs[row * dim + j]!;
    const norm = Math.hypot(...c) || 1;
    out.set(u, c.map((x) => x / norm));
  }
  return out;
}
