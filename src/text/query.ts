/**
 * @module Query understanding for search: mentions, hashtags and terms of a query, its intent, and expansion of
 * terms with their nearest words in a word2vec space.
 */
import { tokenize } from './tokenize.js';
import type { WordVectors } from './word2vec/model.js';

export interface ParsedQuery {
  /** Mentioned handles without "@", lower-cased. */
  mentions: string[];
  /** Hashtags without "#", lower-cased. */
  hashtags: string[];
  /** Other words and numbers, lower-cased, elongation normalised. */
  terms: string[];
  /**
   * 'people' when the query names accounts only (or asks for people: "who", "people", "users", "accounts" with
   * no other topic), 'hashtag' when it holds hashtags and no other words, 'text' otherwise.
   */
  intent: 'people' | 'hashtag' | 'text';
}

const PEOPLE_WORDS = new Set(['who', 'people', 'users', 'user', 'accounts', 'account', 'follow', 'profiles', 'profile']);

/**
 * @example parseQuery('@alice #ml') → { mentions: ['alice'], hashtags: ['ml'], terms: [], intent: 'text' }
 */
export function parseQuery(q: string): ParsedQuery {
  const mentions: string[] = [], hashtags: string[] = [], terms: string[] = [];
  for (const t of tokenize(q, { punctuation: false })) {
    if (t.kind === 'mention') mentions.push(t.text.slice(1));
    else if (t.kind === 'hashtag') hashtags.push(t.text.slice(1));
    else if (t.kind === 'word' || t.kind === 'number') terms.push(t.text);
  }
  const topical = terms.filter((t) => !PEOPLE_WORDS.has(t));
  let intent: ParsedQuery['intent'] = 'text';
  if (mentions.length > 0 && hashtags.length === 0 && topical.length === 0) intent = 'people';
  else if (mentions.length === 0 && hashtags.length === 0 && terms.length > 0 && topical.length < terms.length && topical.length <= 1) intent = 'people';
  else if (hashtags.length > 0 && mentions.length === 0 && terms.length === 0) intent = 'hashtag';
  return { mentions, hashtags, terms, intent };
}

export interface ExpandedTerm {
  term: string;
  /** 1 for the query's own terms, the cosine similarity for added ones. */
  weight: number;
  /** The query term it came from. */
  from: string;
}

/**
 * The terms plus, for each term known to the word vectors, its k nearest words (similarity ≥ minSimilarity),
 * each added once with its best weight.
 */
export function expandQuery(terms: readonly string[], wv: WordVectors, k = 3, minSimilarity = 0.5): ExpandedTerm[] {
  const out = new Map<string, ExpandedTerm>();
  for (const t of terms) out.set(t, { term: t, weight: 1, from: t });
  for (const t of terms) {
    if (wv.index(t) < 0) continue;
    for (const nb of wv.mostSimilar(t, k, [...terms])) {
      if (nb.similarity < minSimilarity) continue;
      const prev = out.get(nb.word);
      if (!prev || prev.weight < nb.similarity) out.set(nb.word, { term: nb.word, weight: nb.similarity, from: t });
    }
  }
  return [...out.values()];
}
