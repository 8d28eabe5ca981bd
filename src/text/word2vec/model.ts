/** @module Word vectors: lookup, nearest neighbours by cosine, and analogies (3CosAdd, Mikolov et al. 2013). */
import { createError } from '../../core/errors.js';

export interface Neighbour {
  word: string;
  similarity: number;
}

export interface WordVectors {
  readonly words: readonly string[];
  readonly dim: number;
  /** V × dim row-major. */
  readonly vectors: Float32Array;
  /** Corpus counts per word (when known, e.g. after training; zeros after loading). */
  readonly counts: Int32Array;
  /** Row of a word, or −1. */
  index(word: string): number;
  /** A copy of a word's vector (undefined when out of vocabulary). */
  vector(word: string): Float32Array | undefined;
  /** The k words of highest cosine similarity to a word (itself excluded) or to a vector. */
  mostSimilar(query: string | Float32Array, k?: number, exclude?: readonly string[]): Neighbour[];
  /** "a is to b as c is to ?": nearest words to b − a + c on unit vectors, a, b, c excluded. */
  analogy(a: string, b: string, c: string, k?: number): Neighbour[];
}

/** Wraps a vocabulary and its vectors. */
export function createWordVectors(words: readonly string[], dim: number, vectors: Float32Array, counts?: Int32Array): WordVectors {
  if (vectors.length !== words.length * dim) {
    throw createError('SHAPE_MISMATCH', { op: 'word vectors', problem: `${words.length} words × ${dim} dims but ${vectors.length} values` });
  }
  const index = new Map<string, number>();
  words.forEach((w, i) => {
    if (!index.has(w)) index.set(w, i);
  });
  let unit: Float32Array | null = null;
  const normalised = (): Float32Array => {
    if (unit) return unit;
    unit = new Float32Array(vectors.length);
    for (let i = 0; i < words.length; i++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += vectors[i * dim + c]! ** 2;
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let c = 0; c < dim; c++) unit[i * dim + c] = vectors[i * dim + c]! * inv;
    }
    return unit;
  };
  const need = (w: string): number => {
    const i = index.get(w);
    if (i === undefined) throw createError('NOT_FOUND', { kind: 'word', id: w });
    return i;
  };
  const nearest = (q: Float32Array, k: number, skip: Set<number>): Neighbour[] => {
    const U = normalised();
    let qn = 0;
    for (let c = 0; c < dim; c++) qn += q[c]! ** 2;
    const inv = qn > 0 ? 1 / Math.sqrt(qn) : 0;
    const best: Neighbour[] = [];
    let worst = -Infinity;
    for (let i = 0; i < words.length; i++) {
      if (skip.has(i)) continue;
      let s = 0;
      const o = i * dim;
      for (let c = 0; c < dim; c++) s += U[o + c]! * q[c]!;
      s *= inv;
      if (best.length < k || s > worst) {
        best.push({ word: words[i]!, similarity: s });
        best.sort((x, y) => y.similarity - x.similarity);
        if (best.length > k) best.pop();
        worst = best[best.length - 1]!.similarity;
      }
    }
    return best;
  };
  const unitOf = (i: number): Float32Array => normalised().slice(i * dim, (i + 1) * dim);
  return {
    words,
    dim,
    vectors,
    counts: counts ?? new Int32Array(words.length),
    index: (w) => index.get(w) ?? -1,
    vector: (w) => {
      const i = index.get(w);
      return i === undefined ? undefined : vectors.slice(i * dim, (i + 1) * dim);
    },
    mostSimilar: (query, k = 10, exclude = []) => {
      const skip = new Set(exclude.map((w) => index.get(w)).filter((i): i is number => i !== undefined));
      if (typeof query === 'string') {
        const i = need(query);
        skip.add(i);
        return nearest(unitOf(i), k, skip);
      }
      return nearest(query, k, skip);
    },
    analogy: (a, b, c, k = 10) => {
      const [ia, ib, ic] = [need(a), need(b), need(c)];
      const [ua, ub, uc] = [unitOf(ia), unitOf(ib), unitOf(ic)];
      const q = new Float32Array(dim);
      for (let d = 0; d < dim; d++) q[d] = ub[d]! - ua[d]! + uc[d]!;
      return nearest(q, k, new Set([ia, ib, ic]));
    },
  };
}
