/**
 * @module The users of the synthetic network: interests θ_u, activity a_u, fame f_u, preferred hour h_u, handle.
 *
 *   θ_u ~ Dirichlet(α·1_T)                 α = 0.1 by default: sparse, most users have 1–3 main topics
 *   a_u = exp(σ_a·ε − σ_a²/2), ε ~ N(0,1)  log-normal activity with mean 1 and a heavy tail
 *   f_u = U^(−1/γ), U ~ U(0,1)              Pareto(x_m = 1, γ) fame: how strongly u attracts followers
 *   h_u ~ PREFERRED_HOUR_WEIGHTS            preferred hour of day (see daily-cycle.ts)
 *
 * Everything is kept in typed arrays (θ is users × T Float32, row-major) so a million users take ~70 MB.
 */
import type { Rng } from '../../core/rng.js';
import { samplePreferredHour } from './daily-cycle.js';
import type { ResolvedSyntheticConfig } from './synthetic-config.js';

export interface Population {
  readonly size: number;
  /** Number of topics T. */
  readonly topics: number;
  /** θ, users × T row-major; each row sums to 1. */
  readonly theta: Float32Array;
  /** ‖θ_u‖₂, for cosine similarity. */
  readonly thetaNorm: Float32Array;
  /** argmax_t θ_u[t]. */
  readonly topTopic: Uint8Array;
  readonly activity: Float32Array;
  readonly fame: Float32Array;
  /** Preferred hour in [0, 24). */
  readonly preferredHour: Float32Array;
}

export function createPopulation(config: ResolvedSyntheticConfig, rng: Rng): Population {
  const n = config.users, T = config.topics;
  const theta = new Float32Array(n * T);
  const thetaNorm = new Float32Array(n);
  const topTopic = new Uint8Array(n);
  const activity = new Float32Array(n);
  const fame = new Float32Array(n);
  const preferredHour = new Float32Array(n);
  const sa = config.activitySigma;
  const g = new Float64Array(T);
  for (let u = 0; u < n; u++) {
    // Dirichlet via normalised gammas (the helper in rng.ts allocates; this loop runs a million times).
    let sum = 0;
    for (let t = 0; t < T; t++) sum += g[t] = rng.gamma(config.alpha);
    if (!(sum > 0)) {
      g.fill(0);
      g[rng.int(T)] = sum = 1; // all gammas underflowed: put the mass on one topic
    }
    let best = 0, norm = 0;
    for (let t = 0; t < T; t++) {
      const v = g[t]! / sum;
      theta[u * T + t] = v;
      norm += v * v;
      if (v > g[best]! / sum) best = t;
    }
    thetaNorm[u] = Math.sqrt(norm);
    topTopic[u] = best;
    activity[u] = Math.exp(sa * rng.normal() - (sa * sa) / 2);
    fame[u] = Math.pow(1 - rng.next(), -1 / config.fameTail);
    preferredHour[u] = samplePreferredHour(rng);
  }
  return { size: n, topics: T, theta, thetaNorm, topTopic, activity, fame, preferredHour };
}

/** cos(θ_u, θ_v). */
export function thetaCosine(pop: Population, u: number, v: number): number {
  const T = pop.topics, ou = u * T, ov = v * T;
  let dot = 0;
  for (let t = 0; t < T; t++) dot += pop.theta[ou + t]! * pop.theta[ov + t]!;
  return dot / (pop.thetaNorm[u]! * pop.thetaNorm[v]! || 1);
}

/** A topic drawn from θ_u. */
export function sampleTopic(pop: Population, u: number, rng: Rng): number {
  const T = pop.topics, o = u * T;
  let r = rng.next();
  for (let t = 0; t < T; t++) {
    r -= pop.theta[o + t]!;
    if (r < 0) return t;
  }
  return pop.topTopic[u]!; // float rounding left r ≥ 0
}

/** Topics holding at least `min` of θ_u, heaviest first (always at least the top topic). */
export function mainTopics(pop: Population, u: number, min = 0.2): number[] {
  const T = pop.topics, o = u * T;
  const out: number[] = [];
  for (let t = 0; t < T; t++) if (pop.theta[o + t]! >= min || t === pop.topTopic[u]) out.push(t);
  return out.sort((a, b) => pop.theta[o + b]! - pop.theta[o + a]! || a - b);
}

const FIRST_NAMES = ['ada', 'ben', 'cleo', 'dan', 'eva', 'finn', 'gia', 'hugo', 'ines', 'jay', 'kira', 'leo', 'mila', 'nico',
  'omar', 'pia', 'quinn', 'rosa', 'sam', 'tara', 'uma', 'vic', 'wren', 'xena', 'yuki', 'zoe', 'arlo', 'bea', 'cruz', 'dina'];

/** A unique, readable handle for user index u, e.g. `mila_cooking_417` (first name, top topic name, index). */
export function userHandle(u: number, topicName: string): string {
  // Knuth's multiplicative hash spreads consecutive indices over the names.
  const name = FIRST_NAMES[(Math.imul(u + 1, 2654435761) >>> 0) % FIRST_NAMES.length]!;
  return `${name}_${topicName}_${u}`;
}
