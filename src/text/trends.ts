/**
 * @module Trending hashtags and terms: burst detection over sliding windows.
 *
 * The period [since, until) is cut into windows of `windowMs` ending at `until`. For each term, c is its count in
 * the last window and μ, σ the mean and standard deviation of its counts in the earlier windows; the burst score is
 * z = (c − μ) / max(σ, 1) (σ floored at 1 so a term going from 0 to 3 mentions does not score infinity), and a
 * term trends when c ≥ minCount and z ≥ minZ. Ties are broken by count. A two-state Kleinberg automaton
 * (Kleinberg 2002) over the same windows is offered as `kleinbergBursts`.
 */
import { isNegator } from './tokenize.js';
import { lgamma } from '../math/special.js';

export interface TimedTokens {
  /** Epoch milliseconds. */
  time: number;
  /** Tokens of the post (as from tokenizeToStrings). */
  tokens: readonly string[];
}

export interface TrendingOptions {
  since: number;
  until: number;
  /** 'hashtags' (tokens starting with #) or 'terms' (words of 3+ letters, stop words left out). */
  kind: 'hashtags' | 'terms';
  /** How many to return, default 10. */
  k?: number;
  /** Window length, default one hour. */
  windowMs?: number;
  /** Minimum count in the current window, default 3. */
  minCount?: number;
  /** Minimum burst score, default 2. */
  minZ?: number;
}

export interface Trend {
  term: string;
  count: number;
  /** Mean count per earlier window. */
  baseline: number;
  z: number;
}

// A short English stop list (function words that dominate tweet counts without being topics).
const STOP = new Set(
  ('the and for you that this with have are was but not just all get your out what about from they will can like ' +
    'one when there been more has had his her him she how who our now its than then them only some also into over ' +
    'would could should very much here were did does dont cant its amp rt via').split(' '),
);

function accept(token: string, kind: TrendingOptions['kind']): boolean {
  if (kind === 'hashtags') return token.length > 1 && (token[0] === '#' || token[0] === '＃');
  return /^\p{L}[\p{L}'’]{2,}$/u.test(token) && !STOP.has(token) && !isNegator(token);
}

/** Counts per window: term → counts (last entry = current window). */
function windowCounts(stream: Iterable<TimedTokens>, o: Required<TrendingOptions>): { counts: Map<string, Float64Array>; windows: number } {
  const windows = Math.max(1, Math.ceil((o.until - o.since) / o.windowMs));
  const counts = new Map<string, Float64Array>();
  for (const post of stream) {
    if (post.time < o.since || post.time >= o.until) continue;
    const w = windows - 1 - Math.floor((o.until - 1 - post.time) / o.windowMs);
    if (w < 0) continue;
    for (const t of new Set(post.tokens)) {
      if (!accept(t, o.kind)) continue;
      let c = counts.get(t);
      if (!c) counts.set(t, (c = new Float64Array(windows)));
      c[w]!++;
    }
  }
  return { counts, windows };
}

function resolve(options: TrendingOptions): Required<TrendingOptions> {
  return { k: 10, windowMs: 3_600_000, minCount: 3, minZ: 2, ...options };
}

/**
 * The k most bursting hashtags or terms of the last window.
 * @example trending(posts.map((p) => ({ time: p.ts, tokens: tokenizeToStrings(p.text) })), { since, until, kind: 'hashtags', k: 5 })
 */
export function trending(stream: Iterable<TimedTokens>, options: TrendingOptions): Trend[] {
  const o = resolve(options);
  const { counts, windows } = windowCounts(stream, o);
  const out: Trend[] = [];
  for (const [term, c] of counts) {
    const current = c[windows - 1]!;
    if (current < o.minCount) continue;
    const prev = windows - 1;
    let mean = 0, sq = 0;
    for (let w = 0; w < prev; w++) mean += c[w]!;
    mean = prev > 0 ? mean / prev : 0;
    for (let w = 0; w < prev; w++) sq += (c[w]! - mean) ** 2;
    const sd = prev > 1 ? Math.sqrt(sq / (prev - 1)) : 0;
    const z = (current - mean) / Math.max(sd, 1);
    if (z >= o.minZ) out.push({ term, count: current, baseline: mean, z });
  }
  out.sort((a, b) => b.z - a.z || b.count - a.count || (a.term < b.term ? -1 : 1));
  return out.slice(0, o.k);
}

/**
 * Two-state Kleinberg burst automaton over window counts r_t out of totals d_t: the base state emits at rate
 * p₀ = Σr/Σd, the burst state at p₁ = s·p₀ (s = 2); entering the burst state costs γ·ln n (γ = 1). Viterbi gives
 * the cheapest state sequence; returns 1 for windows in a burst.
 */
export function kleinbergBursts(r: ArrayLike<number>, d: ArrayLike<number>, s = 2, gamma = 1): Uint8Array {
  const n = r.length;
  let R = 0, Dt = 0;
  for (let t = 0; t < n; t++) {
    R += r[t]!;
    Dt += d[t]!;
  }
  const p = [R / Math.max(Dt, 1), Math.min(0.9999, (s * R) / Math.max(Dt, 1))];
  const logChoose = (dd: number, rr: number): number => lgamma(dd + 1) - lgamma(rr + 1) - lgamma(dd - rr + 1);
  const cost = (state: number, t: number): number => {
    const pi = Math.max(p[state]!, 1e-12);
    return -(logChoose(d[t]!, r[t]!) + r[t]! * Math.log(pi) + (d[t]! - r[t]!) * Math.log(1 - pi));
  };
  const up = gamma * Math.log(Math.max(n, 2));
  let c0 = cost(0, 0), c1 = up + cost(1, 0);
  const back: Uint8Array[] = [];
  for (let t = 1; t < n; t++) {
    const from0 = [c0, c1].indexOf(Math.min(c0, c1));
    const n0 = Math.min(c0, c1) + cost(0, t);
    const n1Stay = c1, n1Up = c0 + up;
    const n1 = Math.min(n1Stay, n1Up) + cost(1, t);
    back.push(Uint8Array.from([from0, n1Stay <= n1Up ? 1 : 0]));
    c0 = n0;
    c1 = n1;
  }
  const states = new Uint8Array(n);
  states[n - 1] = c1 < c0 ? 1 : 0;
  for (let t = n - 1; t > 0; t--) states[t - 1] = back[t - 1]![states[t]!]!;
  return states;
}

