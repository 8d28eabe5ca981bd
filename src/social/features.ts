/**
 * @module The candidate pool of one viewer and the features the ranker reads for each candidate: the union of
 * every generator's top `perGenerator`, and per candidate each generator's score (PageRank and SALSA relative to
 * the viewer's best candidate, since their scale depends on the viewer's degree), the reciprocal of its rank in
 * each generator, the candidate's follower count, whether it already follows the viewer, and the cosine of the
 * two users' interest profiles (what they engage with, as text; 0 when the caller gives no profiles).
 */
import type { Excluded, Scores } from './candidates.js';
import { hasEdge, inDegree, type FollowGraph } from './follow-graph.js';
import type { Generators } from './signals.js';

export const FEATURE_NAMES = [
  'log-common-neighbours', 'adamic-adar', 'pagerank-relative', 'salsa-relative', 'interest', 'embedding',
  'rr-adamic-adar', 'rr-pagerank', 'rr-salsa', 'rr-interest', 'rr-embedding', 'log-followers', 'follows-viewer',
  'profile-similarity',
] as const;
export const N_FEATURES = FEATURE_NAMES.length;

export interface CandidatePool {
  /** Candidates (dense user indices), in no particular order. */
  readonly users: Int32Array;
  /** users.length × N_FEATURES, row-major. */
  readonly features: Float64Array;
}

export function candidatePool(gens: Generators, graph: FollowGraph, u: number, perGenerator: number, excluded: Excluded, profileSimilarity?: (u: number, v: number) => number): CandidatePool {
  const views: (Scores | undefined)[] = [gens.commonNeighbours.scores(u), gens.adamicAdar.scores(u), gens.pageRank.scores(u), gens.salsa.scores(u), gens.interest?.scores(u), gens.embedding.scores(u)];
  const [cn, aa, ppr, sal, interest, emb] = views;
  // Rank (1-based) of each candidate in each generator whose top list it is in.
  const ranked = [aa, ppr, sal, interest, emb].map((view) => {
    const rank = new Map<number, number>();
    view?.top(perGenerator, excluded).forEach((c, i) => rank.set(c.user, i + 1));
    return rank;
  });
  const pool = new Set<number>();
  for (const r of ranked) for (const v of r.keys()) pool.add(v);
  const users = Int32Array.from(pool).sort();
  const best = (view: Scores | undefined, rank: Map<number, number>): number => {
    let m = 0;
    for (const v of rank.keys()) m = Math.max(m, view!.get(v));
    return m;
  };
  const pprBest = best(ppr, ranked[1]!), salBest = best(sal, ranked[2]!);
  const features = new Float64Array(users.length * N_FEATURES);
  users.forEach((v, i) => {
    const f = features.subarray(i * N_FEATURES, (i + 1) * N_FEATURES);
    f[0] = Math.log1p(cn!.get(v));
    f[1] = aa!.get(v);
    f[2] = pprBest > 0 ? ppr!.get(v) / pprBest : 0;
    f[3] = salBest > 0 ? sal!.get(v) / salBest : 0;
    f[4] = interest?.get(v) ?? 0;
    f[5] = emb!.get(v);
    for (let g = 0; g < 5; g++) f[6 + g] = 1 / (ranked[g]!.get(v) ?? Infinity);
    f[11] = Math.log1p(inDegree(graph, v));
    f[12] = hasEdge(graph.out, v, u) ? 1 : 0;
    f[13] = profileSimilarity?.(u, v) ?? 0;
  });
  return { users, features };
}
