/**
 * @module Document vectors from word vectors: the mean, and SIF (Arora, Liang & Ma 2017): a weighted mean with
 * weights a / (a + p(w)), a = 1e-3, then the projection on the first principal component of the document vectors
 * removed (v ← v − u uᵀ v, u found by power iteration on VᵀV).
 */
import type { WordVectors } from './model.js';

/** Mean of the in-vocabulary word vectors of each document (zeros when none), n × dim. */
export function meanVectors(docs: readonly (readonly string[])[], wv: WordVectors): Float32Array {
  return weightedMeans(docs, wv, () => 1);
}

function weightedMeans(docs: readonly (readonly string[])[], wv: WordVectors, weight: (i: number) => number): Float32Array {
  const dim = wv.dim;
  const out = new Float32Array(docs.length * dim);
  docs.forEach((doc, d) => {
    let n = 0;
    for (const w of doc) {
      const i = wv.index(w);
      if (i < 0) continue;
      const a = weight(i);
      for (let c = 0; c < dim; c++) out[d * dim + c]! += a * wv.vectors[i * dim + c]!;
      n++;
    }
    if (n > 0) for (let c = 0; c < dim; c++) out[d * dim + c]! /= n;
  });
  return out;
}

/** First principal direction (unit) of the rows of X (n × dim, uncentred, as in the SIF paper) by power iteration. */
export function firstComponent(X: Float32Array, dim: number, iterations = 100, seed = 1): Float64Array {
  const n = X.length / dim;
  let u = new Float64Array(dim);
  for (let c = 0; c < dim; c++) u[c] = Math.sin(seed + c * 12.9898) + 1.5;
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(dim);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < dim; c++) s += X[r * dim + c]! * u[c]!;
      for (let c = 0; c < dim; c++) next[c]! += s * X[r * dim + c]!;
    }
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += next[c]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) break;
    for (let c = 0; c < dim; c++) next[c]! /= norm;
    u = next;
  }
  return u;
}

export interface SifOptions {
  /** Smoothing a of a / (a + p(w)), default 1e-3. */
  a?: number;
  /** Word counts (default: the counts stored with the vectors; p(w) = count / total). */
  counts?: ArrayLike<number>;
  /** Remove the first principal component (default true). */
  removeComponent?: boolean;
  /** A component computed on a training set, to remove the same one at inference. */
  component?: Float64Array;
}

/** SIF document vectors; also returns the removed component for reuse. */
export function sifVectors(docs: readonly (readonly string[])[], wv: WordVectors, options: SifOptions = {}): { vectors: Float32Array; component: Float64Array | null } {
  const a = options.a ?? 1e-3;
  const counts = options.counts ?? wv.counts;
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const vectors = weightedMeans(docs, wv, (i) => (total > 0 ? a / (a + counts[i]! / total) : 1));
  if (options.removeComponent === false) return { vectors, component: null };
  const dim = wv.dim;
  const u = options.component ?? firstComponent(vectors, dim);
  for (let r = 0; r < docs.length; r++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += vectors[r * dim + c]! * u[c]!;
    for (let c = 0; c < dim; c++) vectors[r * dim + c]! -= s * u[c]!;
  }
  return { vectors, component: u };
}
