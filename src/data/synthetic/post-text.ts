/**
 * @module Writes the text of a synthetic post or comment from its planted topic and sentiment.
 *
 * A post has 8–25 word tokens: each is a word of its topic with probability 0.7, else a background word.
 * A positive (negative) post carries 1–2 sentiment expressions: a positive (negative) word, or with
 * probability 0.25 a negated phrase of the other polarity ("not bad" reads positive, "not good" negative).
 * Neutral posts carry none. Then 0–2 of the topic's hashtags (P = 0.4, 0.4, 0.2), an optional @mention, and
 * sometimes an emoji (topic emoji with P = 0.3; a sentiment emoji with P = 0.3 on polar posts).
 *
 * A reply (planted relation for reply suggestion) answers up to two of its parent's topic words with their answer
 * words (word k of a topic's list answers word k + n/2, mod n: the same topic, but rarely the same word), adds 1–3
 * background words, and agrees with the parent's sentiment (one expression of it).
 */
import type { Rng } from '../../core/rng.js';
import { BACKGROUND_WORDS, SENTIMENT_WORDS, type SentimentLabel, type TopicVocabulary } from './vocabulary.js';

/** Share of word tokens drawn from the topic vocabulary. */
export const TOPIC_WORD_SHARE = 0.7;
/** Share of sentiment expressions that are negated phrases of the opposite polarity. */
export const NEGATION_SHARE = 0.25;

export interface PostTextOptions {
  topic: TopicVocabulary;
  sentiment: SentimentLabel;
  /** Handle to @mention, without the `@`. */
  mention?: string;
}

export interface PostText {
  text: string;
  /** The hashtags used, without `#`. */
  tags: string[];
}

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)]!;
}

function words(rng: Rng, topic: TopicVocabulary, count: number, topicShare: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.next() < topicShare ? pick(rng, topic.words) : pick(rng, BACKGROUND_WORDS));
  return out;
}

/** One sentiment expression of the given polarity (a word, or a negated phrase of the opposite polarity). */
export function sentimentExpression(rng: Rng, sentiment: 1 | -1): string {
  const negated = rng.next() < NEGATION_SHARE;
  if (sentiment > 0) return negated ? pick(rng, SENTIMENT_WORDS.negatedNegative) : pick(rng, SENTIMENT_WORDS.positive);
  return negated ? pick(rng, SENTIMENT_WORDS.negatedPositive) : pick(rng, SENTIMENT_WORDS.negative);
}

function insertSentiment(rng: Rng, tokens: string[], sentiment: SentimentLabel, expressions: number): void {
  if (sentiment === 0) return;
  for (let e = 0; e < expressions; e++) tokens.splice(rng.int(tokens.length + 1), 0, sentimentExpression(rng, sentiment));
}

export function writePostText(rng: Rng, options: PostTextOptions): PostText {
  const { topic, sentiment } = options;
  const tokens = words(rng, topic, 8 + rng.int(18), TOPIC_WORD_SHARE);
  insertSentiment(rng, tokens, sentiment, rng.next() < 0.6 ? 1 : 2);
  if (options.mention !== undefined) tokens.splice(rng.int(Math.min(tokens.length, 3) + 1), 0, `@${options.mention}`);
  const r = rng.next();
  const nTags = r < 0.4 ? 0 : r < 0.8 ? 1 : 2;
  const tags: string[] = [];
  while (tags.length < Math.min(nTags, topic.hashtags.length)) {
    const h = pick(rng, topic.hashtags);
    if (!tags.includes(h)) tags.push(h);
  }
  for (const h of tags) tokens.push(`#${h}`);
  if (rng.next() < 0.3) tokens.push(pick(rng, topic.emoji));
  if (sentiment !== 0 && rng.next() < 0.3) tokens.push(pick(rng, sentiment > 0 ? SENTIMENT_WORDS.positiveEmoji : SENTIMENT_WORDS.negativeEmoji));
  return { text: tokens.join(' '), tags };
}

/** A short comment (3–8 words, half from the topic) with one expression of `sentiment`. */
export function writeCommentText(rng: Rng, topic: TopicVocabulary, sentiment: SentimentLabel): string {
  const tokens = words(rng, topic, 3 + rng.int(6), 0.5);
  insertSentiment(rng, tokens, sentiment, 1);
  return tokens.join(' ');
}

/** The planted answer to a topic word: the word half the topic's list away (undefined for a word outside it). */
export function answerWord(topic: TopicVocabulary, word: string): string | undefined {
  const k = topic.words.indexOf(word), n = topic.words.length;
  return k < 0 ? undefined : topic.words[(k + Math.floor(n / 2)) % n];
}

/** A reply to a post of `topic` whose text is `parent`: the answers to up to two of its topic words, see above. */
export function writeReplyText(rng: Rng, topic: TopicVocabulary, parent: string, sentiment: SentimentLabel): string {
  const asked = [...new Set(parent.split(' ').filter((w) => topic.words.includes(w)))];
  const tokens = words(rng, topic, 1 + rng.int(3), 0);
  for (let a = 0; a < Math.min(2, asked.length); a++) {
    const w = asked.splice(rng.int(asked.length), 1)[0]!;
    tokens.splice(rng.int(tokens.length + 1), 0, answerWord(topic, w)!);
  }
  insertSentiment(rng, tokens, sentiment, 1);
  return tokens.join(' ');
}
