/**
 * @module Hashed TF-IDF features of item texts and tags for the item tower (the hashing trick, Weinberger et
 * al. 2009): words (Unicode letters/digits, lower-cased; Chinese and Japanese segmented into words) and `#tag`s hash (FNV-1a) into `buckets` columns;
 * weight tf · idf with sklearn's smooth idf = ln((1 + N)/(1 + df)) + 1, rows L2-normalised, the `maxTerms`
 * heaviest kept. A new item's text is featurised with the idf of the training catalogue.
 */

import { wordRuns } from '../../text/segment.js';

export interface TextFeatures {
  /** Per item, up to maxTerms (bucket, weight) pairs, padded with bucket −1 / weight 0. */
  readonly ids: Int32Array;
  readonly weights: Float32Array;
  readonly maxTerms: number;
  /** idf per bucket (unseen buckets: the idf of df = 0). */
  readonly idf: Float32Array;
}

export function tokens(text: string, tags: readonly string[]): string[] {
  const words = wordRuns(text);
  return [...words, ...tags.map((t) => `#${t.toLowerCase()}`)];
}

/** FNV-1a 32-bit hash of a string, modulo `buckets`. */
export function bucketOf(token: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < token.length; i++) {
    h ^= token.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % buckets;
}

function termCounts(toks: readonly string[], buckets: number): Map<number, number> {
  const tf = new Map<number, number>();
  for (const t of toks) {
    const b = bucketOf(t, buckets);
    tf.set(b, (tf.get(b) ?? 0) + 1);
  }
  return tf;
}

/** One item's (bucket, weight) row, L2-normalised, heaviest maxTerms kept, written at `offset`. */
export function featurise(text: string, tags: readonly string[], idf: Float32Array, maxTerms: number, ids: Int32Array, weights: Float32Array, offset = 0): void {
  featuriseTokens(tokens(text, tags), idf, maxTerms, ids, weights, offset);
}

/** `featurise` of an already tokenized text (any tokens, e.g. word n-grams). */
export function featuriseTokens(toks: readonly string[], idf: Float32Array, maxTerms: number, ids: Int32Array, weights: Float32Array, offset = 0): void {
  const tf = termCounts(toks, idf.length);
  const terms = [...tf].map(([b, c]) => [b, c * idf[b]!] as const).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, maxTerms);
  const norm = Math.sqrt(terms.reduce((s, [, w]) => s + w * w, 0)) || 1;
  ids.fill(-1, offset, offset + maxTerms);
  weights.fill(0, offset, offset + maxTerms);
  terms.forEach(([b, w], k) => { ids[offset + k] = b; weights[offset + k] = w / norm; });
}

export function buildTextFeatures(texts: readonly string[], tags: readonly (readonly string[])[], buckets: number, maxTerms: number): TextFeatures {
  return buildTokenFeatures(texts.map((t, i) => tokens(t ?? '', tags[i] ?? [])), buckets, maxTerms);
}

/** `buildTextFeatures` over already tokenized documents. */
export function buildTokenFeatures(docs: readonly (readonly string[])[], buckets: number, maxTerms: number): TextFeatures {
  const n = docs.length;
  const df = new Float64Array(buckets);
  for (let i = 0; i < n; i++) for (const b of termCounts(docs[i]!, buckets).keys()) df[b]!++;
  return featuresWithIdf(docs, Float32Array.from(df, (d) => Math.log((1 + n) / (1 + d)) + 1), maxTerms);
}

/** The (bucket, weight) rows of tokenized documents under a given idf (e.g. a training corpus's). */
export function featuresWithIdf(docs: readonly (readonly string[])[], idf: Float32Array, maxTerms: number): TextFeatures {
  const n = docs.length, ids = new Int32Array(n * maxTerms), weights = new Float32Array(n * maxTerms);
  for (let i = 0; i < n; i++) featuriseTokens(docs[i]!, idf, maxTerms, ids, weights, i * maxTerms);
  return { ids, weights, maxTerms, idf };
}
