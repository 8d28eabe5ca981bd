import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrFromDense } from '../../math/csr.js';
import { createVectorizer } from '../vectorizer.js';
import { fitNmf, groupMixtures, topicMixtures, topTermIndices, transformNmf } from './nmf.js';
import { npmiCoherence } from './coherence.js';

/** 3 planted topics of 8 words; each post mixes mostly one topic with a few words of another. */
function planted(n: number, seed: number): { texts: string[]; topic: number[] } {
  const rng = createRng(seed);
  const topics = [
    ['goal', 'match', 'striker', 'league', 'coach', 'penalty', 'stadium', 'keeper'],
    ['vote', 'senate', 'election', 'ballot', 'policy', 'campaign', 'governor', 'debate'],
    ['album', 'guitar', 'concert', 'lyrics', 'drummer', 'chorus', 'tour', 'vinyl'],
  ];
  const texts: string[] = [], topic: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = rng.int(3);
    const words = Array.from({ length: 10 }, () => topics[rng.next() < 0.9 ? t : rng.int(3)]![rng.int(8)]!);
    texts.push(words.join(' '));
    topic.push(t);
  }
  return { texts, topic };
}

describe('NMF topics', () => {
  it('recovers planted topics, loss never increases', () => {
    const { texts, topic } = planted(300, 1);
    const v = createVectorizer();
    const X = v.fitTransform(texts);
    const m = fitNmf(X, { k: 3, seed: 5, maxIter: 300 });
    for (let i = 1; i < m.losses.length; i++) expect(m.losses[i]!).toBeLessThanOrEqual(m.losses[i - 1]! * (1 + 1e-9));
    const names = v.featureNames();
    const groups = [['goal', 'match'], ['vote', 'senate'], ['album', 'guitar']];
    const found = topTermIndices(m, 8).map((idx) => idx.map((j) => names[j]!));
    // Each recovered topic's top 8 words are exactly one planted topic's words.
    const matched = found.map((words) => groups.findIndex((gw) => words.includes(gw[0]!) || words.includes(gw[1]!)));
    expect(new Set(matched).size).toBe(3);
    for (let t = 0; t < 3; t++) for (const w of found[t]!) expect(topicOfWord(w)).toBe(matched[t]);
    // Document mixtures point at the planted topic for most documents.
    const mix = topicMixtures(m.W, 3);
    let agree = 0;
    for (let d = 0; d < texts.length; d++) {
      const row = [mix[3 * d]!, mix[3 * d + 1]!, mix[3 * d + 2]!];
      if (matched[row.indexOf(Math.max(...row))] === topic[d]) agree++;
    }
    expect(agree / texts.length).toBeGreaterThan(0.95);
    // Folding in new documents agrees with their topic as well.
    const fresh = planted(30, 9);
    const W2 = topicMixtures(transformNmf(m, v.transform(fresh.texts)), 3);
    let ok = 0;
    for (let d = 0; d < 30; d++) {
      const row = [W2[3 * d]!, W2[3 * d + 1]!, W2[3 * d + 2]!];
      if (matched[row.indexOf(Math.max(...row))] === fresh.topic[d]) ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(27);
    // Planted topics are more coherent than a topic of words mixed across topics.
    const coherent = npmiCoherence(X, topTermIndices(m, 8)[0]!);
    const mixed = npmiCoherence(X, ['goal', 'vote', 'album', 'match', 'senate', 'guitar'].map((w) => v.column(w)));
    expect(coherent).toBeGreaterThan(mixed);
  });

  it('NPMI matches a hand-computed case', () => {
    // 4 documents over terms a, b: a in docs 0,1; b in docs 1,2. p(a)=p(b)=1/2, p(a,b)=1/4 → ln(1)/… = 0.
    const X = csrFromDense(4, 2, [1, 0, 1, 1, 0, 1, 0, 0]);
    expect(npmiCoherence(X, [0, 1])).toBeCloseTo(0, 12);
    // Never together → −1; always together → 1.
    expect(npmiCoherence(csrFromDense(2, 2, [1, 0, 0, 1]), [0, 1])).toBe(-1);
    // p(a)=p(b)=p(a,b)=1/2 → ln(2)/ln(2) = 1.
    expect(npmiCoherence(csrFromDense(2, 2, [1, 1, 0, 0]), [0, 1])).toBeCloseTo(1, 12);
  });

  it('averages mixtures per user', () => {
    const mix = Float64Array.from([1, 0, 0, 1, 0.5, 0.5]);
    expect(Array.from(groupMixtures(mix, 2, [[0, 1], [2], []]))).toEqual([0.5, 0.5, 0.5, 0.5, 0, 0]);
  });
});

function topicOfWord(w: string): number {
  const topics = [
    ['goal', 'match', 'striker', 'league', 'coach', 'penalty', 'stadium', 'keeper'],
    ['vote', 'senate', 'election', 'ballot', 'policy', 'campaign', 'governor', 'debate'],
    ['album', 'guitar', 'concert', 'lyrics', 'drummer', 'chorus', 'tour', 'vinyl'],
  ];
  return topics.findIndex((t) => t.includes(w));
}
