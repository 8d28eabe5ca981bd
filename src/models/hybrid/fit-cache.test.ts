import { describe, expect, it, vi } from 'vitest';
import { createModel, registerModel } from '../registry.js';
import { allTimeFactory, PopularRecommender, ALL_TIME_ID } from '../popular/popular.js';
import { tinyDataset } from '../mf/test-fixtures.js';
import type { Dataset } from '../../data/dataset.js';
import type { FitOptions } from '../recommender.js';
import { scoreFusionFactory } from './score-fusion.js';
import { withMemberFitCache } from './fit-cache.js';

/** popular/all-time that counts its fits. */
let fits = 0;
class CountingPopular extends PopularRecommender {
  constructor(params: Record<string, unknown> = {}) { super(ALL_TIME_ID, params); }
  override fit(data: Dataset, options?: FitOptions): Promise<void> { fits++; return super.fit(data, options); }
}
registerModel({ ...allTimeFactory, create: (p) => new CountingPopular(p) });
registerModel(scoreFusionFactory);

describe('withMemberFitCache', () => {
  const data = tinyDataset(3, 4, [[0, 0], [1, 0], [1, 1], [2, 2]]);
  const blend = (w: number) => createModel('hybrid/score-fusion', { members: [{ id: 'popular/all-time', weight: w }] });

  it('fits an equal member once per dataset inside a scope, every time outside', async () => {
    fits = 0;
    await withMemberFitCache(async () => {
      const a = blend(1), b = blend(2);
      await a.fit(data, { seed: 1 });
      await b.fit(data, { seed: 1 });
      expect(b.recommend(0, { k: 3 }).map((r) => r.item)).toEqual(a.recommend(0, { k: 3 }).map((r) => r.item));
      await blend(1).fit(data, { seed: 2 }); // another seed is another fit
      await blend(1).fit(tinyDataset(3, 4, [[0, 1]]), { seed: 1 }); // and another dataset
    });
    expect(fits).toBe(3);
    fits = 0;
    await blend(1).fit(data, { seed: 1 });
    await blend(2).fit(data, { seed: 1 });
    expect(fits).toBe(2);
  });

  it('keeps a shared member\'s score vectors inside a scope, so a new weight costs no rescoring', async () => {
    const calls = vi.spyOn(CountingPopular.prototype, 'recommend');
    await withMemberFitCache(async () => {
      const a = blend(1), b = blend(2);
      await a.fit(data, { seed: 1 });
      await b.fit(data, { seed: 1 });
      const before = calls.mock.calls.length;
      const first = a.recommend(0, { k: 3 });
      const afterFirst = calls.mock.calls.length;
      expect(b.recommend(0, { k: 3 }).map((r) => r.item)).toEqual(first.map((r) => r.item));
      expect(afterFirst - before).toBe(1); // the member scored user 0 once…
      expect(calls.mock.calls.length).toBe(afterFirst); // …and b reused it
    });
    const c = blend(1);
    await c.fit(data, { seed: 1 });
    const before = calls.mock.calls.length;
    c.recommend(0, { k: 3 });
    c.recommend(0, { k: 3 });
    expect(calls.mock.calls.length - before).toBe(2); // outside a scope: scored every time
    calls.mockRestore();
  });
});
