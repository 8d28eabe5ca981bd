/**
 * @module Embedding neighbours: the accounts whose user vectors are closest to the viewer's by cosine. The vectors
 * come from anywhere (a spectral embedding of the follow graph, LightGCN's user embeddings…); rows are
 * L2-normalised once, so a request is one pass of dot products over all users (O(n·d)).
 */
import { topCandidates, type CandidateGenerator, type Excluded, type Scores } from '../candidates.js';

/** n × dim row-major user vectors. */
export interface UserVectors {
  readonly n: number;
  readonly dim: number;
  readonly data: Float32Array;
}

/** A copy with unit rows (zero rows stay zero). */
export function normalizeRows(v: UserVectors): UserVectors {
  const data = v.data.slice();
  for (let r = 0; r < v.n; r++) {
    let s = 0;
    for (let j = r * v.dim; j < (r + 1) * v.dim; j++) s += data[j]! * data[j]!;
    if (s > 0) for (let j = r * v.dim, inv = 1 / Math.sqrt(s); j < (r + 1) * v.dim; j++) data[j]! *= inv;
  }
  return { n: v.n, dim: v.dim, data };
}

export function embeddingNeighbours(vectors: UserVectors): CandidateGenerator {
  const unit = normalizeRows(vectors);
  const { n, dim, data } = unit;
  const sims = new Float64Array(n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  return {
    name: 'embedding',
    bytes: data.byteLength + sims.byteLength + all.byteLength,
    scores(u: number): Scores {
      const o = u * dim;
      for (let v = 0; v < n; v++) {
        let s = 0;
        for (let j = 0, p = v * dim; j < dim; j++) s += data[o + j]! * data[p + j]!;
        sims[v] = s;
      }
      return {
        get: (v: number) => sims[v]!,
        top: (k: number, excluded: Excluded) => topCandidates(all, (v) => sims[v]!, k, excluded),
      };
    },
  };
}
