/**
 * @module Hashtag suggestions for a draft post, learned from the app's own posts: a multinomial naive Bayes over
 * the draft's words with each hashtag as a class (McCallum & Nigam 1998, Laplace smoothing α), so a tag is
 * suggested when the words that co-occur with it are in the draft; personalized by mixing in the author's own
 * tag history. Tags already in the draft are not suggested again.
 *
 * log P(h | draft) ∝ log P(h) + Σ_w log P(w | h),  P(w | h) = (c(w,h) + α) / (N_h + α·V)
 * Scoring is sparse: each tag gets its prior plus |draft|·log(α / (N_h + αV)), and only the (word, tag) pairs seen
 * in training add log((c + α) / α). The posterior over tags (a softmax of those scores) is mixed with the author's
 * tag frequencies: (1 − λ)·P(h | draft) + λ·P_author(h), λ = `authorWeight` when the author has history.
 */
import { createError } from '../core/errors.js';
import { ENGLISH_STOPWORDS } from '../text/stopwords.js';
import { tokenizeToStrings } from '../text/tokenize.js';

export interface ComposeDoc {
  text: string;
  /** Hashtags without '#', any case. */
  tags: readonly string[];
  author?: string;
}

export interface HashtagSuggesterOptions {
  /** Laplace smoothing (default 0.1). */
  alpha?: number;
  /** Tags used fewer times are never suggested (default 2). */
  minTagCount?: number;
  /** Weight of the author's own tag history, 0..1 (default 0.3). */
  authorWeight?: number;
}

export interface HashtagSuggestion {
  tag: string;
  /** Probability that the draft carries the tag (0..1). */
  score: number;
  /** Why: the draft words that point to it, or the author's habit. */
  reason: string;
}

/** Longest draft read (characters); longer drafts are refused. */
export const MAX_DRAFT_CHARS = 10_000;

const TOKEN_OPTIONS = { hashtags: 'keep', urls: 'drop', mentions: 'drop', punctuation: false, negation: false } as const;

/** The words of a text that carry meaning (no stop words, hashtags, numbers or one-letter tokens). */
export function draftWords(text: string): string[] {
  return tokenizeToStrings(text, TOKEN_OPTIONS).filter((w) => w.length > 1 && !w.startsWith('#') && !ENGLISH_STOPWORDS.has(w) && !/^\p{N}+$/u.test(w));
}

/** The hashtags written in a text, lower-cased, without '#'. */
export function hashtagsIn(text: string): string[] {
  return tokenizeToStrings(text, TOKEN_OPTIONS).filter((w) => w.startsWith('#') && w.length > 1).map((w) => w.slice(1));
}

const normalizeTag = (tag: string): string => tag.replace(/^#/, '').toLowerCase();

export class HashtagSuggester {
  private readonly tags: string[] = [];
  private readonly tagIndex = new Map<string, number>();
  /** Per tag: log P(h) and the word count N_h. */
  private logPrior = new Float64Array(0);
  private wordTotal = new Float64Array(0);
  /** word → (tag → count). */
  private readonly cooccur = new Map<string, Map<number, number>>();
  private readonly authorTags = new Map<string, Map<number, number>>();
  private vocabulary = 0;
  private readonly alpha: number;
  private readonly minTagCount: number;
  private readonly authorWeight: number;

  constructor(options: HashtagSuggesterOptions = {}) {
    this.alpha = options.alpha ?? 0.1;
    this.minTagCount = options.minTagCount ?? 2;
    this.authorWeight = options.authorWeight ?? 0.3;
    if (!(this.alpha > 0)) throw createError('INVALID_INPUT', { field: 'alpha', problem: `expected a positive number, got ${this.alpha}` });
    if (!(this.authorWeight >= 0 && this.authorWeight <= 1)) throw createError('INVALID_INPUT', { field: 'authorWeight', problem: `expected a number in 0..1, got ${this.authorWeight}` });
  }

  /** Learns from posts: each post's words count towards each of its tags. */
  static fit(docs: Iterable<ComposeDoc>, options?: HashtagSuggesterOptions): HashtagSuggester {
    return new HashtagSuggester(options).learn(docs);
  }

  get tagCount(): number {
    return this.tags.length;
  }

  private learn(docs: Iterable<ComposeDoc>): this {
    const tagDocs = new Map<string, number>();
    const kept: { words: string[]; tags: string[]; author: string | undefined }[] = [];
    for (const d of docs) {
      const tags = [...new Set(d.tags.map(normalizeTag).filter(Boolean))];
      if (tags.length === 0) continue;
      for (const t of tags) tagDocs.set(t, (tagDocs.get(t) ?? 0) + 1);
      kept.push({ words: draftWords(d.text), tags, author: d.author });
    }
    for (const [t, n] of tagDocs) if (n >= this.minTagCount) this.tagIndex.set(t, this.tags.push(t) - 1);
    const docCount = new Float64Array(this.tags.length);
    this.wordTotal = new Float64Array(this.tags.length);
    const vocabulary = new Set<string>();
    let labelled = 0;
    for (const { words, tags, author } of kept) {
      const ids = tags.map((t) => this.tagIndex.get(t)).filter((i): i is number => i !== undefined);
      if (ids.length === 0) continue;
      labelled++;
      for (const h of ids) {
        docCount[h]!++;
        this.wordTotal[h]! += words.length;
        if (author !== undefined) bump(this.authorTags, author, h);
      }
      for (const w of words) {
        vocabulary.add(w);
        for (const h of ids) bump(this.cooccur, w, h);
      }
    }
    this.vocabulary = Math.max(1, vocabulary.size);
    this.logPrior = Float64Array.from(docCount, (n) => Math.log(n / Math.max(1, labelled)));
    return this;
  }

  /** Up to `limit` tags for a draft, most likely first; none when nothing was learned. */
  suggest(draft: string, options: { author?: string; limit?: number } = {}): HashtagSuggestion[] {
    if (typeof draft !== 'string') throw createError('INVALID_INPUT', { field: 'text', problem: 'expected a string' });
    if (draft.length > MAX_DRAFT_CHARS) throw createError('INVALID_INPUT', { field: 'text', problem: `a draft may have at most ${MAX_DRAFT_CHARS} characters, got ${draft.length}` });
    const limit = options.limit ?? 5;
    const n = this.tags.length;
    if (n === 0 || limit <= 0) return [];
    const words = draftWords(draft);
    const { alpha } = this;
    const score = Float64Array.from(this.logPrior, (p, h) => p + words.length * Math.log(alpha / (this.wordTotal[h]! + alpha * this.vocabulary)));
    const evidence = new Map<number, string[]>();
    for (const w of words) {
      const row = this.cooccur.get(w);
      if (!row) continue;
      for (const [h, c] of row) {
        score[h]! += Math.log((c + alpha) / alpha);
        const list = evidence.get(h) ?? [];
        if (!list.includes(w)) list.push(w);
        evidence.set(h, list);
      }
    }
    const posterior = softmax(score);
    const history = options.author !== undefined ? this.authorTags.get(options.author) : undefined;
    let lambda = 0, historyTotal = 0;
    if (history) {
      for (const c of history.values()) historyTotal += c;
      lambda = this.authorWeight;
    }
    const present = new Set(hashtagsIn(draft));
    const ranked: { h: number; p: number; habit: number }[] = [];
    for (let h = 0; h < n; h++) {
      if (present.has(this.tags[h]!)) continue;
      const habit = history ? (history.get(h) ?? 0) / historyTotal : 0;
      ranked.push({ h, p: (1 - lambda) * posterior[h]! + lambda * habit, habit });
    }
    ranked.sort((a, b) => b.p - a.p || (this.tags[a.h]! < this.tags[b.h]! ? -1 : 1));
    return ranked.slice(0, limit).map(({ h, p, habit }) => ({ tag: this.tags[h]!, score: p, reason: reasonFor(evidence.get(h), habit) }));
  }
}

function reasonFor(words: readonly string[] | undefined, habit: number): string {
  const parts: string[] = [];
  if (words && words.length > 0) parts.push(`posts with ${words.slice(0, 3).map((w) => `“${w}”`).join(', ')} often carry it`);
  if (habit > 0) parts.push(`you use it in ${Math.round(100 * habit)}% of your tagged posts`);
  return parts.length > 0 ? parts.join('; ') : 'popular in this community';
}

function bump<K>(map: Map<K, Map<number, number>>, key: K, h: number): void {
  let row = map.get(key);
  if (!row) map.set(key, (row = new Map()));
  row.set(h, (row.get(h) ?? 0) + 1);
}

function softmax(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let sum = 0;
  const out = Float64Array.from(scores, (s) => {
    const e = Math.exp(s - max);
    sum += e;
    return e;
  });
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
