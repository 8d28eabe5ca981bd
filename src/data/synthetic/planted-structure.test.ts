import { describe, it, expect } from 'vitest';
import { createRng } from '../../core/rng.js';
import type { Event, Post } from '../schemas.js';
import { generateNetwork } from './generate-network.js';
import { engagementScore } from './engagement.js';
import { follows } from './follow-graph.js';
import { thetaCosine } from './population.js';
import { SENTIMENT_WORDS } from './vocabulary.js';

const net = generateNetwork({ users: 200, seed: 5 });
const { population: pop, posts: latentPosts, follows: graph } = net.latent;
const truth = net.truth();
const T = net.config.topics;
const posts: Post[] = [];
const events: Event[] = [];
for (const b of net.batches()) {
  if (b.posts) posts.push(...b.posts);
  if (b.events) events.push(...b.events);
}
const index = (id: string): number => Number(id.slice(1));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('planted structure is recoverable', () => {
  it('follows are homophilous: followed pairs share topics far more than random pairs', () => {
    let followed = 0;
    for (let u = 0; u < pop.size; u++) for (let k = graph.indptr[u]!; k < graph.indptr[u + 1]!; k++) followed += thetaCosine(pop, u, graph.indices[k]!);
    followed /= graph.indices.length;
    const rng = createRng(9);
    let random = 0;
    const pairs = 20_000;
    for (let k = 0; k < pairs; k++) {
      const u = rng.int(pop.size);
      let v = rng.int(pop.size - 1);
      if (v >= u) v++;
      random += thetaCosine(pop, u, v);
    }
    random /= pairs;
    expect(followed).toBeGreaterThan(random + 0.25);
  });

  it('degrees are heavy-tailed: the largest in- and out-degrees dwarf the median', () => {
    // 3,000 users: in a 200-user graph with 30 follows each, in-degrees saturate.
    const g = generateNetwork({ users: 3000, seed: 5 }).latent.follows;
    const n = g.indptr.length - 1;
    const outDeg: number[] = [];
    const inDeg = new Array<number>(n).fill(0);
    for (let u = 0; u < n; u++) {
      outDeg.push(g.indptr[u + 1]! - g.indptr[u]!);
      for (let k = g.indptr[u]!; k < g.indptr[u + 1]!; k++) inDeg[g.indices[k]!]!++;
    }
    expect(Math.max(...inDeg)).toBeGreaterThan(20 * median(inDeg));
    expect(Math.max(...outDeg)).toBeGreaterThan(10 * median(outDeg));
  });

  it('users engage far more with posts of their top topic, and a topic-count predictor recovers it', () => {
    const shown = [0, 0], liked = [0, 0]; // [other topics, top topic]
    for (const e of events) {
      if (e.type !== 'view' && e.type !== 'like') continue;
      const u = index(e.user), p = index(e.post!);
      const top = truth.userTopics[u]![0] === truth.postTopic[p] ? 1 : 0;
      if (e.type === 'view') shown[top]!++;
      else liked[top]!++;
    }
    const rateTop = liked[1]! / shown[1]!, rateOther = liked[0]! / shown[0]!;
    // Predictor: each user's most-liked topic in the first half of the likes; scored on the second half.
    const likes = events.filter((e) => e.type === 'like');
    const half = Math.floor(likes.length / 2);
    const counts = new Float64Array(pop.size * T);
    for (const e of likes.slice(0, half)) counts[index(e.user) * T + truth.postTopic[index(e.post!)]!]!++;
    let hits = 0, scored = 0, agree = 0, judged = 0;
    const predicted = (u: number): number => {
      let best = -1, bestCount = 0;
      for (let t = 0; t < T; t++) if (counts[u * T + t]! > bestCount) { best = t; bestCount = counts[u * T + t]!; }
      return best;
    };
    for (const e of likes.slice(half)) {
      const guess = predicted(index(e.user));
      if (guess < 0) continue;
      scored++;
      if (guess === truth.postTopic[index(e.post!)]) hits++;
    }
    for (let u = 0; u < pop.size; u++) {
      let n = 0;
      for (let t = 0; t < T; t++) n += counts[u * T + t]!;
      if (n < 5) continue;
      judged++;
      if (predicted(u) === truth.userTopics[u]![0]) agree++;
    }
    expect(rateTop).toBeGreaterThan(4 * rateOther);
    expect(hits / scored).toBeGreaterThan(4 / T); // random guessing scores 1/T
    expect(agree / judged).toBeGreaterThan(0.7);
  });

  it('likes follow the known engagement model: like rate matches π = σ(β₀ + β₁θ + β₂f + β₃ ln q) per bin', () => {
    const pi = (e: Event): number => {
      const u = index(e.user), p = index(e.post!);
      const z = latentPosts.topic[p]!;
      return engagementScore(truth.beta, pop.theta[u * T + z]!, follows(graph, u, latentPosts.author[p]!), latentPosts.quality[p]!);
    };
    const bins = 5;
    const views = new Float64Array(bins), likes = new Float64Array(bins), piSum = new Float64Array(bins);
    for (const e of events) {
      if (e.type !== 'view' && e.type !== 'like') continue;
      const x = pi(e), b = Math.min(bins - 1, Math.floor(x * bins));
      if (e.type === 'view') {
        views[b]!++;
        piSum[b]! += x;
      } else likes[b]!++;
    }
    let checked = 0;
    for (let b = 0; b < bins; b++) {
      if (views[b]! < 400) continue;
      checked++;
      // Binomial standard error at n ≥ 400 is ≤ 0.025; allow about two of them.
      expect(Math.abs(likes[b]! / views[b]! - piSum[b]! / views[b]!)).toBeLessThan(0.05);
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('interests are sparse: nearly every user has 1–3 main topics', () => {
    const sizes = truth.userTopics.map((t) => t.length);
    expect(sizes.filter((k) => k >= 1 && k <= 3).length / sizes.length).toBeGreaterThan(0.9);
    expect(sizes.filter((k) => k >= 2).length).toBeGreaterThan(sizes.length * 0.2); // not all single-topic
  });

  it('activity follows a daily cycle with an evening peak', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const e of events) byHour[new Date(e.timestamp).getUTCHours()]!++;
    const evening = byHour.slice(18, 24).reduce((a, b) => a + b, 0) / events.length;
    // χ² against a uniform day: far beyond the 0.1% critical value for 23 degrees of freedom (49.7).
    const expected = events.length / 24;
    const chi2 = byHour.reduce((s, c) => s + ((c - expected) * (c - expected)) / expected, 0);
    expect(chi2).toBeGreaterThan(500);
    expect(evening).toBeGreaterThan(0.35); // a uniform day would give 0.25
    expect(Math.min(...byHour)).toBeLessThan(0.2 * Math.max(...byHour)); // a quiet night
  });

  it('sentiment words carry the planted sentiment, negations included', () => {
    const pos = new Set<string>(SENTIMENT_WORDS.positive), neg = new Set<string>(SENTIMENT_WORDS.negative);
    const polarity = (text: string, negationAware: boolean): number => {
      const tokens = text.split(' ');
      let s = 0;
      tokens.forEach((w, i) => {
        const sign = pos.has(w) ? 1 : neg.has(w) ? -1 : 0;
        const negated = negationAware && (tokens[i - 1] === 'not' || tokens[i - 1] === 'never');
        s += negated ? -sign : sign;
      });
      return Math.sign(s);
    };
    const accuracy = (aware: boolean): number => {
      let right = 0;
      for (const p of posts) if (polarity(p.text, aware) === truth.postSentiment[index(p.id)]) right++;
      return right / posts.length;
    };
    // Lexicon with negation handling ≈ 0.9+ (misses "not worth it"); without it, negated phrases flip.
    expect(accuracy(true)).toBeGreaterThan(0.9);
    expect(accuracy(true)).toBeGreaterThan(accuracy(false) + 0.05);
    // Topic words match the planted post topic.
    let topical = 0;
    for (const p of posts) {
      const words = new Set(net.topics[truth.postTopic[index(p.id)]!]!.words);
      const tokens = p.text.split(' ');
      if (tokens.filter((w) => words.has(w)).length >= tokens.length * 0.4) topical++;
    }
    expect(topical / posts.length).toBeGreaterThan(0.9);
    expect(latentPosts.size).toBe(posts.length);
  });
});
