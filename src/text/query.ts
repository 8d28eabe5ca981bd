/**
 * @module Query understanding for search: mentions, hashtags and terms of a query, its intent, the operators
 * (`"quoted phrase"`, `-word` / `-#tag` / `-"phrase"`, `from:handle`, `since:date`, `until:date`, `lang:code`), and
 * expansion of terms with their nearest words in a word2vec space. Text that is not an operator is plain text:
 * an unbalanced quote, FTS or regex syntax are only punctuation to the tokenizer.
 */
import { createError } from '../core/errors.js';
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
  /** Quoted phrases, lower-cased (their words are also in `terms`); present when the query has one. */
  phrases?: string[];
  /** Negated words, `#tags` and phrases, lower-cased; present when the query has one. */
  excluded?: string[];
  /** `from:` handle (without "@"), as written. */
  from?: string;
  /** `since:` (inclusive) and `until:` (exclusive) as epoch ms. */
  since?: number;
  until?: number;
  /** `lang:` code, lower-cased. */
  lang?: string;
}

const OPERATORS = /(-?)"([^"]*)"|(?<![^\s])(from|since|until|lang):(\S+)|(?<![^\s])-([^\s"]+)/gu;

const PEOPLE_WORDS = new Set(['who', 'people', 'users', 'user', 'accounts', 'account', 'follow', 'profiles', 'profile']);

/**
 * @example parseQuery('@alice #ml') → { mentions: ['alice'], hashtags: ['ml'], terms: [], intent: 'text' }
 */
export function parseQuery(q: string): ParsedQuery {
  const mentions: string[] = [], hashtags: string[] = [], terms: string[] = [];
  const { rest, phrases, excluded, ops } = splitOperators(q);
  for (const t of tokenize(rest, { punctuation: false })) {
    if (t.kind === 'mention') mentions.push(t.text.slice(1));
    else if (t.kind === 'hashtag') hashtags.push(t.text.slice(1));
    else if (t.kind === 'word' || t.kind === 'number') terms.push(t.text);
  }
  const topical = terms.filter((t) => !PEOPLE_WORDS.has(t));
  let intent: ParsedQuery['intent'] = 'text';
  if (mentions.length > 0 && hashtags.length === 0 && topical.length === 0) intent = 'people';
  else if (mentions.length === 0 && hashtags.length === 0 && terms.length > 0 && topical.length < terms.length && topical.length <= 1) intent = 'people';
  else if (hashtags.length > 0 && mentions.length === 0 && terms.length === 0) intent = 'hashtag';
  return { mentions, hashtags, terms, intent, ...(phrases.length > 0 ? { phrases } : {}), ...(excluded.length > 0 ? { excluded } : {}), ...ops };
}

/** The query without its operators and negations (phrases kept, unquoted): the text a lexical search matches. */
export function queryText(q: string): string {
  return splitOperators(q).rest;
}

function splitOperators(q: string): { rest: string; phrases: string[]; excluded: string[]; ops: Pick<ParsedQuery, 'from' | 'since' | 'until' | 'lang'> } {
  const phrases: string[] = [], excluded: string[] = [];
  const ops: Pick<ParsedQuery, 'from' | 'since' | 'until' | 'lang'> = {};
  const rest = q.replace(OPERATORS, (_, neg: string | undefined, phrase: string | undefined, op: string | undefined, value: string | undefined, negated: string | undefined) => {
    if (phrase !== undefined) {
      const words = tokenize(phrase, { punctuation: false }).map((t) => t.text);
      if (words.length > 0) (neg ? excluded : phrases).push(words.join(' '));
      return neg || words.length === 0 ? ' ' : ` ${phrase} `;
    }
    if (negated !== undefined) {
      excluded.push(...tokenize(negated, { punctuation: false }).map((t) => t.text));
      return ' ';
    }
    if (op === 'from') ops.from = value!.replace(/^@/, '');
    else if (op === 'lang') ops.lang = value!.toLowerCase();
    else ops[op as 'since' | 'until'] = queryDate(op!, value!);
    return ' ';
  });
  return { rest, phrases, excluded, ops };
}

/** `2024-05-01`, an ISO time, or epoch ms; anything else is a named INVALID_INPUT. */
function queryDate(op: string, value: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw createError('INVALID_INPUT', { field: 'q', problem: `${op}: expects a date such as 2024-05-01, got "${value.slice(0, 40)}"` });
  return ms;
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
