import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { evaluateRankings } from './evaluate-rankings.js';
import { msrRankingMetricsRef, type Row } from './msr-metrics.ref.js';

describe('evaluateRankings against the literal port of Microsoft Recommenders', () => {
  it('agrees on random users, lists and truths (every user answered)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 30; trial++) {
      const nUsers = 1 + rng.int(15), nItems = 5 + rng.int(40), k = 1 + rng.int(12);
      const truth: Row[] = [], pred: Row[] = [];
      const lists: number[][] = [], relevant: Set<number>[] = [];
      for (let u = 0; u < nUsers; u++) {
        const items = rng.shuffle(Array.from({ length: nItems }, (_, i) => i));
        const nRel = 1 + rng.int(Math.min(8, nItems));
        const rel = new Set(items.slice(0, nRel));
        // A list of random length (sometimes shorter than k), made of random items.
        const list = rng.shuffle(Array.from({ length: nItems }, (_, i) => i)).slice(0, 1 + rng.int(Math.min(nItems, 2 * k)));
        for (const i of rel) truth.push({ user: u, item: i, value: 1 + rng.int(5) });
        list.forEach((i, pos) => pred.push({ user: u, item: i, value: 100 - pos }));
        lists.push(list);
        relevant.push(rel);
      }
      const ours = evaluateRankings({ lists, relevant, ks: [k] });
      const ref = msrRankingMetricsRef(truth, pred, k);
      expect(ours[`precision@${k}`]).toBeCloseTo(ref.precision, 12);
      expect(ours[`recall@${k}`]).toBeCloseTo(ref.recall, 12);
      expect(ours[`ndcg@${k}`]).toBeCloseTo(ref.ndcg, 12);
      expect(ours[`map-rel@${k}`]).toBeCloseTo(ref.map, 12);
      expect(ours[`map@${k}`]).toBeCloseTo(ref.mapAtK, 12);
    }
  });

  it('the reference reproduces the hand-computed case', () => {
    const truth = [1, 3, 4].map((item) => ({ user: 0, item, value: 5 }));
    const pred = [0, 1, 2, 3].map((item, pos) => ({ user: 0, item, value: 10 - pos }));
    const m = msrRankingMetricsRef(truth, pred, 4);
    expect(m.precision).toBe(0.5);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.ndcg).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 1 / Math.log2(4)), 12);
    expect(m.map).toBeCloseTo(1 / 3, 12);
  });
});
