import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import { easeFactory } from '../ease/ease.js';
import { sarFactory } from '../sar/sar.js';
import { contentTfidfFactory } from '../content/tfidf.js';
import { rankFusionFactory } from './rank-fusion.js';
registerModel(easeFactory);
registerModel(sarFactory);
registerModel(contentTfidfFactory);
registerModel(rankFusionFactory);

describe('hybrid/rank-fusion', () => {
  // u0 saw {0}; EASE and SAR rank u0's unseen items; the fused score of each item is Σ w / (60 + rank).
  const data = tinyDataset(4, 5, [[0, 0], [1, 0], [1, 1], [2, 0], [2, 2], [3, 3], [3, 4], [2, 1]]);

  it('fuses member rankings by weighted reciprocal rank, by hand', async () => {
    const members = [{ id: 'ease', params: { lambda: 1 }, weight: 2 }, { id: 'sar', params: { timeDecay: false }, weight: 1 }];
    const h = createModel('hybrid/rank-fusion', { members, depth: 5 });
    await h.fit(data);
    const a = createModel('ease', { lambda: 1 }), b = createModel('sar', { timeDecay: false });
    await a.fit(data);
    await b.fit(data);
    const expected = new Map<number, number>();
    for (const [m, w] of [[a, 2], [b, 1]] as const) {
      m.recommend(0, { k: 5 + 1, excludeSeen: false }).forEach((r, rank) => expected.set(r.item, (expected.get(r.item) ?? 0) + w / (60 + rank + 1)));
    }
    for (const r of h.recommend(0, { k: 5 })) expect(r.score).toBeCloseTo(expected.get(r.item)!, 6);
    expect(h.recommend(0, { k: 5 }).map((r) => r.item)).not.toContain(0);
  });

  it('rejects unknown member ids, bad member params and unknown keys', () => {
    expect(() => createModel('hybrid/rank-fusion', { members: [{ id: 'no/such' }] })).toThrow(/no\/such/);
    expect(() => createModel('hybrid/rank-fusion', { members: [{ id: 'ease', params: { lambada: 1 } }] })).toThrow(/lambada/);
    expect(() => createModel('hybrid/rank-fusion', { members: [{ id: 'ease', wieght: 1 }] })).toThrow(/wieght/);
    expect(() => createModel('hybrid/rank-fusion', { members: [] })).toThrow(/members/);
  });
});

runRecommenderContract('hybrid/rank-fusion', { members: [{ id: 'ease', params: { lambda: 1 } }, { id: 'sar', params: {}, weight: 0.5 }, { id: 'content/tfidf' }] });
