/**
 * @module Post embeddings for search: word2vec trained on the app's own posts, and a post's vector as the mean or
 * the SIF-weighted mean (Arora, Liang & Ma 2017, `src/text/word2vec/doc-vectors.ts`) of its words' vectors,
 * scaled to unit length so the inner product is the cosine. A text with no known word has no vector (`null`):
 * such a post is still found lexically.
 */
import { tokenizeToStrings } from '../text/tokenize.js';
import { ENGLISH_STOPWORDS } from '../text/stopwords.js';
import { meanVectors, sifVectors } from '../text/word2vec/doc-vectors.js';
import type { WordVectors } from '../text/word2vec/model.js';
import { trainWord2Vec } from '../text/word2vec/train.js';
import { DEFAULT_DOC_VECTORS } from './defaults.js';

export type DocVectorMethod = 'mean' | 'sif';

export interface DocEmbedderOptions {
  /** How word vectors become a post vector (default `DEFAULT_DOC_VECTORS`, chosen on the hashtag task's validation queries). */
  method?: DocVectorMethod;
  /** Vector size (default 100). */
  dim?: number;
  /** Passes over the posts (default 10: app corpora are small). */
  epochs?: number;
  /** Words seen fewer times are dropped (default 2). */
  minCount?: number;
  seed?: number;
  /** word2vec threads (default 2; 1 gives the same vectors for the same posts and seed). */
  threads?: number;
}

/** The words of a post or query that carry meaning: lower-cased, hashtags split, mentions kept, no URLs or stop words. */
export function searchTokens(text: string): string[] {
  return tokenizeToStrings(text, { punctuation: false, hashtags: 'split', urls: 'drop' }).filter((t) => !ENGLISH_STOPWORDS.has(t) && /[\p{L}\p{N}]/u.test(t));
}

/** word2vec (skip-gram) on the search tokens of the texts; null when no word is seen `minCount` times. */
export async function trainSearchWords(texts: readonly string[], options: DocEmbedderOptions = {}): Promise<WordVectors | null> {
  const docs = texts.map(searchTokens);
  const minCount = options.minCount ?? 2;
  const counts = new Map<string, number>();
  for (const d of docs) for (const w of d) counts.set(w, (counts.get(w) ?? 0) + 1);
  if (![...counts.values()].some((c) => c >= minCount)) return null;
  return trainWord2Vec(docs, { dim: options.dim ?? 100, epochs: options.epochs ?? 10, minCount, seed: options.seed ?? 42, threads: options.threads ?? 2 });
}

export class DocEmbedder {
  private constructor(
    readonly words: WordVectors,
    readonly method: DocVectorMethod,
    private readonly component: Float64Array | null,
  ) {}

  get dim(): number {
    return this.words.dim;
  }

  /**
   * Trains word vectors on the texts; also returns the unit vectors of the texts themselves (n × dim, a zero row
   * for a text without a known word) so indexing them needs no second pass. Null when the texts hold no word
   * seen `minCount` times.
   */
  static async train(texts: readonly string[], options: DocEmbedderOptions = {}): Promise<{ embedder: DocEmbedder; vectors: Float32Array } | null> {
    const words = await trainSearchWords(texts, options);
    return words && DocEmbedder.fromWords(words, texts, options.method ?? DEFAULT_DOC_VECTORS);
  }

  /** Post vectors over given word vectors; the SIF component is taken from these texts. */
  static fromWords(words: WordVectors, texts: readonly string[], method: DocVectorMethod): { embedder: DocEmbedder; vectors: Float32Array } {
    const docs = texts.map(searchTokens);
    let vectors: Float32Array, component: Float64Array | null = null;
    if (method === 'sif') ({ vectors, component } = sifVectors(docs, words));
    else vectors = meanVectors(docs, words);
    for (let r = 0; r < docs.length; r++) normalise(vectors.subarray(r * words.dim, (r + 1) * words.dim));
    return { embedder: new DocEmbedder(words, method, component), vectors };
  }

  /** Unit vector of a text, or null when none of its words is known. */
  embed(text: string): Float32Array | null {
    const tokens = searchTokens(text);
    if (!tokens.some((t) => this.words.index(t) >= 0)) return null;
    const v = this.method === 'sif' ? sifVectors([tokens], this.words, this.component ? { component: this.component } : { removeComponent: false }).vectors : meanVectors([tokens], this.words);
    return normalise(v) ? v : null;
  }
}

/** Scales to unit length in place; false for a zero vector. */
export function normalise(v: Float32Array): boolean {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (!(s > 0)) return false;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return true;
}
