import { describe, expect, it } from 'vitest';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import { easeFactory } from '../ease/ease.js';
import { sarFactory } from '../sar/sar.js';
import { allTimeFactory } from '../popular/popular.js';
import { addNormalized, scoreFusionFactory } from './score-fusion.js';
registerModel(easeFactory);
registerModel(sarFactory);
registerModel(allTimeFactory);
registerModel(scoreFusionFactory);

describe('addNormalized', () => {
  it('z-scores and min-max scales over the unseen items, unscored items at the member\'s lowest score', () => {
    // Items 0..4; item 0 is seen; item 4 unscored (NaN).
    const s = Float64Array.from([9, 1, 2, 3, NaN]);
    const seen = Uint8Array.from([1, 0, 0, 0, 0]);
    const z = new Float32Array(5);
    expect(addNormalized(s, seen, 2, 'zscore', z)).toBe(true);
    // Unseen scored: 1, 2, 3 → mean 2, population sd √(2/3); floor = min over scored = 1.
    const sd = Math.sqrt(2 / 3);
    expect(Array.from(z)).toEqual([9, 1, 2, 3, 1].map((v) => expect.closeTo((2 * (v - 2)) / sd, 5)));
    const mm = new Float32Array(5);
    addNormalized(s, seen, 1, 'minmax', mm);
    expect(Array.from(mm)).toEqual([4, 0, 0.5, 1, 0].map((v) => expect.closeTo(v, 6)));
    expect(addNormalized(Float64Array.from([NaN, NaN]), new Uint8Array(2), 1, 'zscore', new Float32Array(2))).toBe(false);
  });
});

describe('hybrid/score-fusion', () => {
  const data = tinyDataset(4, 5, [[0, 0], [1, 0], [1, 1], [2, 0], [2, 2], [3, 3], [3, 4], [2, 1]]);

  it('sums the members\' standardised scores with their weights, by hand', async () => {
    const members = [{ id: 'ease', params: { lambda: 1 }, weight: 2 }, { id: 'popular/all-time', weight: 0.5 }];
    const h = createModel('hybrid/score-fusion', { members });
    await h.fit(data);
    const a = createModel('ease', { lambda: 1 }), b = createModel('popular/all-time');
    await a.fit(data);
    await b.fit(data);
    const expected = new Float32Array(5);
    const seen = Uint8Array.from([1, 0, 0, 0, 0]); // u0 saw item 0
    for (const [m, w] of [[a, 2], [b, 0.5]] as const) {
      const s = new Float64Array(5).fill(NaN);
      for (const r of m.recommend(0, { k: 5, excludeSeen: false })) s[r.item] = r.score;
      addNormalized(s, seen, w, 'zscore', expected);
    }
    const recs = h.recommend(0, { k: 5 });
    expect(recs.map((r) => r.item)).not.toContain(0);
    for (const r of recs) expect(r.score).toBeCloseTo(expected[r.item]!, 5);
  });

  it('a member with weight 0 is neither fitted nor saved, and changes nothing', async () => {
    const on = createModel('hybrid/score-fusion', { members: [{ id: 'ease', params: { lambda: 1 } }] });
    const off = createModel('hybrid/score-fusion', { members: [{ id: 'ease', params: { lambda: 1 } }, { id: 'sar', weight: 0 }] });
    await on.fit(data);
    await off.fit(data);
    expect(off.recommend([0, 1, 2, 3], { k: 5 })).toEqual(on.recommend([0, 1, 2, 3], { k: 5 }));
    expect(Object.keys(off.save().tensors).some((t) => t.startsWith('m1.'))).toBe(false);
  });

  it('rejects unknown members, bad member params, unknown keys and all-zero weights', () => {
    expect(() => createModel('hybrid/score-fusion', { members: [{ id: 'no/such' }] })).toThrow(/no\/such/);
    expect(() => createModel('hybrid/score-fusion', { members: [{ id: 'ease', params: { lambada: 1 } }] })).toThrow(/lambada/);
    expect(() => createModel('hybrid/score-fusion', { members: [{ id: 'ease' }], normalise: 'zscore' })).toThrow(/normalise/);
    expect(() => createModel('hybrid/score-fusion', { members: [{ id: 'ease', weight: 0 }] })).toThrow(/weight/);
  });
});

runRecommenderContract('hybrid/score-fusion', { members: [{ id: 'ease', params: { lambda: 1 } }, { id: 'sar', params: {}, weight: 0.5 }] });
runRecommenderContract('hybrid/score-fusion', { members: [{ id: 'ease', params: { lambda: 1 }, weight: 2 }, { id: 'popular/all-time', weight: 0.3 }, { id: 'sar', weight: 0 }], normalize: 'minmax' });
