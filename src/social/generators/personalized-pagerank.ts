/**
 * @module Personalized PageRank from the viewer: the stationary distribution of a walk that follows a uniform
 * out-edge with probability 1 − α and jumps back to the viewer with probability α (α = 0.15, networkx's
 * damping 0.85); a walker at an account that follows no one jumps back too (networkx's default for dangling
 * nodes). Computed locally by forward push (Andersen, Chung & Lang 2006): residual mass starts at the viewer;
 * pushing v keeps α·r(v) as its rank and spreads the rest over its out-edges, while r(v) > ε·max(1, outdeg v).
 * Every rank is then within ε·outdeg of the exact one, the work is O(1/(εα)) edge visits whatever the graph
 * size, and the result is deterministic.
 */
import { ScoreAccumulator, type CandidateGenerator, type Scores } from '../candidates.js';
import type { FollowGraph } from '../follow-graph.js';

export interface PageRankOptions {
  /** Restart probability α (default 0.15). */
  restart?: number;
  /** Residual threshold ε per unit of out-degree (default 1e-5). */
  epsilon?: number;
}

export const DEFAULT_RESTART = 0.15;
export const DEFAULT_EPSILON = 1e-5;

export function personalizedPageRank(graph: FollowGraph, options: PageRankOptions = {}): CandidateGenerator {
  const alpha = options.restart ?? DEFAULT_RESTART;
  const eps = options.epsilon ?? DEFAULT_EPSILON;
  const { n } = graph;
  const { indptr, indices } = graph.out;
  const rank = new ScoreAccumulator(n);
  // Residuals live in a dense array; `seen` lists the accounts given one, to clear them afterwards.
  const residual = new Float64Array(n);
  const seen = new Int32Array(n);
  const wasSeen = new Uint8Array(n);
  // A ring of pending accounts; each is queued at most once at a time, so n slots suffice.
  const queue = new Int32Array(n);
  const queued = new Uint8Array(n);
  const limit = Float64Array.from({ length: n }, (_, v) => eps * Math.max(1, indptr[v + 1]! - indptr[v]!));
  // SALSA and the ranker ask for the same viewer in turn: the last answer is kept.
  let last = -1;

  return {
    name: 'personalized-pagerank',
    scores(u: number): Scores {
      if (u === last) return rank;
      last = u;
      rank.reset();
      let nSeen = 0, head = 0, tail = 0, size = 0;
      residual[u] = 1;
      seen[nSeen++] = u;
      wasSeen[u] = 1;
      queue[tail] = u;
      tail = (tail + 1) % n;
      size++;
      queued[u] = 1;
      while (size > 0) {
        const v = queue[head]!;
        head = (head + 1) % n;
        size--;
        queued[v] = 0;
        const r = residual[v]!;
        residual[v] = 0;
        rank.add(v, alpha * r);
        const a = indptr[v]!, b = indptr[v + 1]!;
        // An account that follows no one sends the walker home.
        const share = b === a ? (1 - alpha) * r : ((1 - alpha) * r) / (b - a);
        for (let p = a; p < (b === a ? a + 1 : b); p++) {
          const w = b === a ? u : indices[p]!;
          if (wasSeen[w] === 0) {
            wasSeen[w] = 1;
            seen[nSeen++] = w;
          }
          const rw = (residual[w]! += share);
          if (queued[w] === 0 && rw > limit[w]!) {
            queued[w] = 1;
            queue[tail] = w;
            tail = (tail + 1) % n;
            size++;
          }
        }
      }
      for (let i = 0; i < nSeen; i++) {
        residual[seen[i]!] = 0;
        wasSeen[seen[i]!] = 0;
      }
      return rank;
    },
  };
}
