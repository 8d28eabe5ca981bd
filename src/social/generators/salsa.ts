/**
 * @module SALSA on the viewer's circle of trust, as in Twitter's "WTF: The Who to Follow Service" (Gupta et al.
 * 2013): the circle of trust C is the viewer and the top `trust` accounts by personalized PageRank; the bipartite
 * graph joins C (hubs, left) to everyone they follow (authorities, right). Scores alternate over it — an
 * authority collects its hubs' scores split over their out-degrees in C's graph, a hub collects its authorities'
 * scores split over their in-degrees from C — starting from, and restarting with probability `restart` to, the
 * hubs' trust (their PageRank, normalised). Authorities followed by many trusted hubs rank first.
 */
import { ScoreAccumulator, type CandidateGenerator, type Scores } from '../candidates.js';
import type { FollowGraph } from '../follow-graph.js';

export interface SalsaOptions {
  /** Size of the circle of trust besides the viewer (default 100). */
  trust?: number;
  /** Hub ↔ authority rounds (default 5). */
  iterations?: number;
  /** Probability of restarting to the trust distribution each round (default 0.15). */
  restart?: number;
}

export function salsa(graph: FollowGraph, pageRank: CandidateGenerator, options: SalsaOptions = {}): CandidateGenerator {
  const trustSize = options.trust ?? 100;
  const iterations = options.iterations ?? 5;
  const restart = options.restart ?? 0.15;
  const { indptr, indices } = graph.out;
  const authority = new ScoreAccumulator(graph.n);
  // In-degree of each authority from the circle of trust.
  const hubInDegree = new ScoreAccumulator(graph.n);
  return {
    name: 'salsa',
    scores(u: number): Scores {
      authority.reset();
      hubInDegree.reset();
      const ppr = pageRank.scores(u);
      const circle = [u, ...ppr.top(trustSize, (v) => v === u).map((c) => c.user)];
      const trust = Float64Array.from(circle, (h) => ppr.get(h));
      const total = trust.reduce((a, b) => a + b, 0);
      for (let i = 0; i < trust.length; i++) trust[i] = total > 0 ? trust[i]! / total : 1 / trust.length;
      for (const h of circle) for (let p = indptr[h]!; p < indptr[h + 1]!; p++) hubInDegree.add(indices[p]!, 1);
      const auth = hubInDegree.users();
      let hub = trust.slice();
      for (let it = 0; it < iterations; it++) {
        for (let i = 0; i < auth.length; i++) authority.set(auth[i]!, 0);
        circle.forEach((h, i) => {
          const d = indptr[h + 1]! - indptr[h]!;
          if (d === 0) return;
          const share = hub[i]! / d;
          for (let p = indptr[h]!; p < indptr[h + 1]!; p++) authority.add(indices[p]!, share);
        });
        if (it === iterations - 1) break;
        const next = new Float64Array(circle.length);
        circle.forEach((h, i) => {
          let s = 0;
          for (let p = indptr[h]!; p < indptr[h + 1]!; p++) s += authority.get(indices[p]!) / hubInDegree.get(indices[p]!);
          next[i] = (1 - restart) * s + restart * trust[i]!;
        });
        hub = next;
      }
      return authority;
    },
  };
}
