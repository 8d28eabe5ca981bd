/**
 * @module Reference for follow-graph.ts: the exact distribution P(u → v) of one followee draw, by an O(n) scan.
 *
 *   P(u → v) ∝ q(v) · (0.15 + 0.85·cos(θ_u, θ_v)),
 *   q(v) = Σ_t P(topic t) · P(v | t),  P(topic t) = 0.1/T + 0.9·θ_u[t],
 *   P(v | t) = f_v / F_t if v's top topic is t, or f_v / Σ f when no user has top topic t.
 */
import type { Population } from './population.js';
import { thetaCosine } from './population.js';

export function followeeDistributionRef(pop: Population, u: number): Float64Array {
  const n = pop.size, T = pop.topics;
  const bucketFame = new Float64Array(T);
  let allFame = 0;
  for (let v = 0; v < n; v++) {
    bucketFame[pop.topTopic[v]!]! += pop.fame[v]!;
    allFame += pop.fame[v]!;
  }
  const pTopic = (t: number): number => 0.1 / T + 0.9 * pop.theta[u * T + t]!;
  const p = new Float64Array(n);
  let sum = 0;
  for (let v = 0; v < n; v++) {
    let q = 0;
    for (let t = 0; t < T; t++) {
      if (bucketFame[t] === 0) q += pTopic(t) * (pop.fame[v]! / allFame);
      else if (pop.topTopic[v] === t) q += pTopic(t) * (pop.fame[v]! / bucketFame[t]!);
    }
    p[v] = q * (0.15 + 0.85 * thetaCosine(pop, u, v));
    sum += p[v]!;
  }
  for (let v = 0; v < n; v++) p[v]! /= sum;
  return p;
}
