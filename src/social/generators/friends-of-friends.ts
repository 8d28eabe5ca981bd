/**
 * @module Friends of friends: accounts followed by the accounts u follows (paths u → w → v), scored by
 * common neighbours, CN(u, v) = |{w ∈ out(u) : v ∈ out(w)}|, or by Adamic–Adar (Adamic & Adar 2003),
 * AA(u, v) = Σ_{w ∈ out(u), v ∈ out(w)} 1 / ln deg(w), with deg(w) the undirected degree |out(w) ∪ in(w)| — on a
 * graph where every follow is mutual these are networkx's `common_neighbors` / `adamic_adar_index`. A middle
 * account w always has degree ≥ 2 here (u follows it and it follows v ≠ u), so ln deg(w) > 0.
 */
import { ScoreAccumulator, type CandidateGenerator, type Scores } from '../candidates.js';
import type { FollowGraph } from '../follow-graph.js';

export type FriendsOfFriendsScore = 'common-neighbours' | 'adamic-adar';

export function friendsOfFriends(graph: FollowGraph, score: FriendsOfFriendsScore): CandidateGenerator {
  const acc = new ScoreAccumulator(graph.n);
  const { indptr, indices } = graph.out;
  const weight = Float64Array.from(graph.degree, (d) => (score === 'common-neighbours' ? 1 : d > 1 ? 1 / Math.log(d) : 0));
  return {
    name: score,
    scores(u: number): Scores {
      acc.reset();
      for (let p = indptr[u]!; p < indptr[u + 1]!; p++) {
        const w = indices[p]!, x = weight[w]!;
        for (let q = indptr[w]!; q < indptr[w + 1]!; q++) acc.add(indices[q]!, x);
      }
      return acc;
    },
  };
}
