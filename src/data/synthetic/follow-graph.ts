/**
 * @module The follow graph: heavy-tailed out-degree, celebrity hubs, and homophily (people follow people who
 * like the same topics).
 *
 *   k_u = clamp(round(exp(μ + σ·ε)), 1, K),  μ = ln(meanFollows) − σ²/2,  ε ~ N(0,1)   discrete log-normal out-degree
 *   P(u → v) ∝ (0.1/T + 0.9·θ_u[t_v]) · f_v / F_{t_v} · (0.15 + 0.85·cos(θ_u, θ_v))     fitness × topic similarity
 * where t_v is v's top topic and F_t the total fame of users whose top topic is t; K = min(maxFollows, (n−1)/2).
 *
 * Preferential attachment is realised as a fitness model (Caldarelli et al. 2002; Chung & Lu 2002): v attracts
 * followers in proportion to its Pareto-distributed fame f_v, which gives the power-law in-degree that growth
 * with preferential attachment produces, without the order dependence and the memory of a growing urn. The
 * draw avoids an O(n) scan per follow: pick a topic t (uniform with probability 0.1, else from θ_u), pick v ∝ f_v
 * among users whose top topic is t (one alias table per topic), and accept with probability
 * 0.15 + 0.85·cos(θ_u, θ_v) (rejection sampling). Self-follows and duplicates are redrawn; rows are sorted (CSR).
 */
import { AliasTable, type Rng } from '../../core/rng.js';
import { thetaCosine, sampleTopic, type Population } from './population.js';
import type { ResolvedSyntheticConfig } from './synthetic-config.js';

/** Whom each user follows, CSR without values: u follows `indices[indptr[u] .. indptr[u+1])`, ascending. */
export interface FollowGraph {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
}

/** Probability of picking a uniformly random topic instead of one from θ_u (serendipitous follows). */
const RANDOM_TOPIC = 0.1;
/** Floor of the acceptance probability, so dissimilar users still follow each other sometimes. */
const ACCEPT_FLOOR = 0.15;
/** Give up on a user's remaining follows after this many draws per wanted follow (tiny or saturated graphs). */
const MAX_TRIES_PER_FOLLOW = 20;

/** Draws one followee candidate v for u from P(u → v) above (v may equal u; the caller rejects it). */
export type FolloweeSampler = (u: number, rng: Rng) => number;

export function createFolloweeSampler(pop: Population): FolloweeSampler {
  const n = pop.size, T = pop.topics;
  // Members of each top-topic bucket, and an alias table over their fame.
  const counts = new Int32Array(T + 1);
  for (let u = 0; u < n; u++) counts[pop.topTopic[u]! + 1]!++;
  for (let t = 0; t < T; t++) counts[t + 1]! += counts[t]!;
  const members = new Int32Array(n);
  const fill = counts.slice(0, T);
  for (let u = 0; u < n; u++) members[fill[pop.topTopic[u]!]!++] = u;
  const global = new AliasTable(pop.fame);
  const tables: (AliasTable | undefined)[] = [];
  for (let t = 0; t < T; t++) {
    const seg = members.subarray(counts[t]!, counts[t + 1]!);
    tables.push(seg.length > 0 ? new AliasTable(Float64Array.from(seg, (u) => pop.fame[u]!)) : undefined);
  }
  return (u, rng) => {
    for (;;) {
      const t = rng.next() < RANDOM_TOPIC ? rng.int(T) : sampleTopic(pop, u, rng);
      const table = tables[t];
      // An empty bucket (no user has t as top topic) falls back to fame over everyone.
      const v = table ? members[counts[t]! + table.sample(rng)]! : global.sample(rng);
      if (rng.next() < ACCEPT_FLOOR + (1 - ACCEPT_FLOOR) * thetaCosine(pop, u, v)) return v;
    }
  };
}

export function buildFollowGraph(pop: Population, config: ResolvedSyntheticConfig, rng: Rng): FollowGraph {
  const n = pop.size;
  const sample = createFolloweeSampler(pop);
  const sigma = config.followSigma;
  const mu = Math.log(config.meanFollows) - (sigma * sigma) / 2;
  const cap = Math.max(1, Math.min(config.maxFollows, Math.floor((n - 1) / 2)));
  const want = new Int32Array(n);
  let total = 0;
  for (let u = 0; u < n; u++) {
    want[u] = Math.min(cap, Math.max(1, Math.round(Math.exp(mu + sigma * rng.normal()))));
    total += want[u]!;
  }

  const indptr = new Int32Array(n + 1);
  let indices = new Int32Array(total);
  // mark[v] === u + 1 ⇔ u already follows v: O(1) duplicate checks without a Set per user.
  const mark = new Int32Array(n);
  let out = 0;
  for (let u = 0; u < n; u++) {
    const start = out;
    const k = want[u]!;
    for (let tries = 0; out - start < k && tries < k * MAX_TRIES_PER_FOLLOW; tries++) {
      const v = sample(u, rng);
      if (v === u || mark[v] === u + 1) continue;
      mark[v] = u + 1;
      indices[out++] = v;
    }
    indices.subarray(start, out).sort();
    indptr[u + 1] = out;
  }
  if (out < total) indices = indices.slice(0, out);
  return { indptr, indices };
}

/** Whether u follows v (binary search in u's sorted row). */
export function follows(graph: FollowGraph, u: number, v: number): boolean {
  let lo = graph.indptr[u]!, hi = graph.indptr[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = graph.indices[mid]!;
    if (w === v) return true;
    if (w < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
