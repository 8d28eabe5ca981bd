/**
 * @module The hashtags and @mentions a post's text names: the entities a client would otherwise send as tags and
 * mentions. A `#` or `@` counts only at the start of a word (not in `a#b`, `&#39;` or `bob@example.com`), and
 * the tag or handle runs over letters, digits and `_`. Stricter than the tokenizer's hashtag and mention tokens,
 * which serve as text features (src/text/tokenize.ts).
 */

import { LIMITS } from './schemas.js';

/** The post schema allows 64 tags. */
const MAX_ENTITIES = 64;
const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;
const MENTION = /(?:^|[^\p{L}\p{N}_@.])@([\p{L}\p{N}_]+)/gu;

function entities(text: string, pattern: RegExp, lowercase: boolean): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(pattern)) {
    out.add(lowercase ? m[1]!.toLowerCase() : m[1]!);
    if (out.size === MAX_ENTITIES) break;
  }
  return [...out];
}

/**
 * Hashtags of a text, lower-cased, without `#`, first occurrence order, no repeats.
 * @example hashtags('#Baking bread #baking') → ['baking']
 */
export function hashtags(text: string): string[] {
  return entities(text, HASHTAG, true);
}

/**
 * Handles a text mentions, without `@`, as written, first occurrence order, no repeats.
 * @example mentions('@ana thanks, cc @Bob (not bob@example.com)') → ['ana', 'Bob']
 */
export function mentions(text: string): string[] {
  return entities(text, MENTION, false);
}

/** Every hashtag of a text as written, without `#`, in order (repeats kept). */
export function hashtagBodies(text: string): string[] {
  return Array.from(text.matchAll(HASHTAG), (m) => m[1]!);
}

/** The text with its hashtags (`#` and body) removed; the character before each is kept. */
export function withoutHashtags(text: string): string {
  return text.replace(HASHTAG, (whole, body: string) => whole.slice(0, whole.length - body.length - 1));
}

/** A post without tags takes the hashtags of its text as tags (a client that sends tags keeps its own). */
export function tagsFromText<T extends { text: string; tags: string[] }>(post: T): T {
  if (post.tags.length > 0 || !post.text.includes('#')) return post;
  const tags = hashtags(post.text).filter((t) => t.length <= LIMITS.tagChars);
  return tags.length > 0 ? { ...post, tags } : post;
}
