/**
 * @module A small TF-IDF vectorizer internal to the content model: lower-cased word tokens plus tags, sublinear
 * term frequency 1 + ln(tf), smoothed idf ln((1 + N)/(1 + df)) + 1 (scikit-learn's defaults), rows L2-normalised.
 */
import { csrFromCoo, type Csr } from '../../math/csr.js';
import { ENGLISH_STOPWORDS as STOPWORDS } from '../../text/stopwords.js';
import { wordRuns } from '../../text/segment.js';

/**
 * Word tokens of a text: runs of letters/digits, lower-cased (Chinese and Japanese segmented into words), at least
 * 2 characters (which also drops the one-character function words of Chinese: 的, 了, 在), stopwords dropped.
 */
export function tokenize(text: string): string[] {
  return wordRuns(text).filter((t) => t.length >= 2 && !STOPWORDS.has(t));
}

export interface TfidfOptions {
  /** Drop terms in fewer documents than this. */
  minDf: number;
  /** Drop terms in more than this share of documents. */
  maxDfRatio: number;
  /** Term-frequency weight of each tag relative to one word occurrence. */
  tagWeight: number;
}

export interface TfidfResult {
  /** documents × terms, rows L2-normalised (empty rows stay empty). */
  vectors: Csr;
  vocabulary: string[];
}

/** Fits the vocabulary and idf on `texts`/`tags` and returns their normalised TF-IDF rows. */
export function tfidf(texts: readonly string[], tags: readonly (readonly string[])[], o: TfidfOptions): TfidfResult {
  const n = texts.length;
  const docs: Map<string, number>[] = [];
  const df = new Map<string, number>();
  for (let d = 0; d < n; d++) {
    const tf = new Map<string, number>();
    for (const t of tokenize(texts[d] ?? '')) tf.set(t, (tf.get(t) ?? 0) + 1);
    // Tags become their own terms ("#tag"), so a tag and a word of the same spelling stay distinct.
    for (const tag of tags[d] ?? []) {
      const t = '#' + tag.toLowerCase();
      tf.set(t, (tf.get(t) ?? 0) + o.tagWeight);
    }
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    docs.push(tf);
  }
  const vocabulary = [...df.keys()].filter((t) => df.get(t)! >= o.minDf && df.get(t)! <= o.maxDfRatio * n).sort();
  const termIndex = new Map(vocabulary.map((t, k) => [t, k] as const));
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let d = 0; d < n; d++) {
    const start = vals.length;
    let norm = 0;
    for (const [t, tf] of docs[d]!) {
      const k = termIndex.get(t);
      if (k === undefined) continue;
      const w = (1 + Math.log(tf)) * (Math.log((1 + n) / (1 + df.get(t)!)) + 1);
      rows.push(d); cols.push(k); vals.push(w);
      norm += w * w;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let k = start; k < vals.length; k++) vals[k]! *= inv;
  }
  return { vectors: csrFromCoo(n, vocabulary.length, rows, cols, vals), vocabulary };
}
