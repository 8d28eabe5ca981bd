import { describe, expect, it } from 'vitest';
import { IdMap } from '../../core/id-map.js';
import { createRng } from '../../core/rng.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import { TinyPopularity } from '../test-models.js';
import { checkSpace, sampleParams } from './search-space.js';
import { rungPlan, successiveHalving } from './successive-halving.js';
import { tune, withParams } from './tune.js';
import { trialsMarkdown } from './trials-table.js';

describe('search space', () => {
  it('samples inside bounds, on log scales and from choices', () => {
    const rng = createRng(1);
    for (let t = 0; t < 200; t++) {
      const p = sampleParams({ a: { type: 'int', min: 2, max: 5 }, b: { type: 'float', min: 1e-4, max: 1, log: true }, c: { type: 'choice', values: ['x', 'y'] } }, rng);
      expect(Number.isInteger(p.a) && (p.a as number) >= 2 && (p.a as number) <= 5).toBe(true);
      expect((p.b as number) >= 1e-4 && (p.b as number) < 1).toBe(true);
      expect(['x', 'y']).toContain(p.c);
    }
    expect(() => checkSpace({ a: { type: 'float', min: 0, max: 1, log: true } })).toThrow(/space\.a/);
  });
});

describe('successive halving', () => {
  it('plans rungs 81 → 27 → 9 → 3 → 1 with resource ×3', () => {
    expect(rungPlan(81, 3, 5)).toEqual([
      { keep: 81, resource: 1 / 81 }, { keep: 27, resource: 1 / 27 }, { keep: 9, resource: 1 / 9 }, { keep: 3, resource: 1 / 3 }, { keep: 1, resource: 1 },
    ]);
  });

  it('finds the optimum of a toy objective and spends less than random search', async () => {
    // f(x, y) = −(x − 1)² − (y + 2)²; low resources add a deterministic bias that shrinks as resource → 1.
    let cost = 0;
    const evaluate = (p: Record<string, unknown>, resource: number): Promise<number> => {
      cost += resource;
      const x = p.x as number, y = p.y as number;
      return Promise.resolve(-((x - 1) ** 2) - (y + 2) ** 2 - (1 - resource) * 0.05 * Math.sin(10 * x));
    };
    const space = { x: { type: 'float' as const, min: -5, max: 5 }, y: { type: 'float' as const, min: -5, max: 5 } };
    const sh = await successiveHalving({ space, evaluate, budget: 81, seed: 3 });
    expect(Math.abs((sh.best.params.x as number) - 1)).toBeLessThan(1);
    expect(Math.abs((sh.best.params.y as number) + 2)).toBeLessThan(1);
    expect(sh.trials.filter((t) => t.rung === 4)).toHaveLength(1);
    expect(sh.trials).toHaveLength(81 + 27 + 9 + 3 + 1);
    const shCost = cost;
    cost = 0;
    const rs = await successiveHalving({ space, evaluate, budget: 81, seed: 3, halving: false });
    expect(cost).toBe(81);
    expect(shCost).toBeLessThan(81 / 10); // 5 rungs of ≈1 full-resource equivalent each
    // Same candidates: random search's winner is the true best of them; halving should find one close to it.
    expect(sh.best.score).toBeGreaterThan(rs.best.score - 0.5);
  });

  it('survives failing evaluations', async () => {
    const res = await successiveHalving({
      space: { x: { type: 'choice', values: [1, 2, 3] } },
      evaluate: (p) => ((p.x as number) === 3 ? Promise.reject(new Error('boom')) : Promise.resolve(p.x as number)),
      budget: 9, seed: 1,
    });
    expect(res.best.params.x).toBe(2);
    expect(res.trials.some((t) => t.error === 'boom')).toBe(true);
    const md = trialsMarkdown(res.trials, 'x');
    expect(md.split('\n')[0]).toBe('| config | rung | resource | x | x | seconds |');
    expect(md).toContain('failed: boom');
  });
});

describe('tune', () => {
  // 40 users × 30 items, popularity skewed toward low indices: ranking by popularity beats ranking by index.
  const rng = createRng(5);
  const user: number[] = [], item: number[] = [];
  for (let u = 0; u < 40; u++) {
    const chosen = new Set<number>();
    while (chosen.size < 10) chosen.add(Math.floor(30 * rng.next() ** 3));
    for (const i of chosen) { user.push(u); item.push(i); }
  }
  const data = datasetFromInteractions({ users: IdMap.from(Array.from({ length: 40 }, (_, u) => `u${u}`)), items: IdMap.from(Array.from({ length: 30 }, (_, i) => `i${i}`)), user, item });

  it('picks the popularity-respecting parameter on validation data only', async () => {
    const seenUsers: number[] = [];
    const res = await tune({
      data, modelId: 'test/popular', budget: 9, seed: 42, protocolOptions: { msr: { filterBy: 'user' } },
      space: { bias: { type: 'choice', values: [0, 100] } },
      createModel: (_id, params) => {
        const m = new TinyPopularity(params);
        const fit = m.fit.bind(m);
        m.fit = (d, o) => { seenUsers.push(d.interactions.indices.length); return fit(d, o); };
        return m;
      },
    });
    expect(res.best.params.bias).toBe(0);
    expect(res.resource).toBe('users');
    expect(res.metric).toBe('ndcg@10');
    expect(res.trials.length).toBeGreaterThan(9);
    // Every fit saw the validation training part: ⌊0.75·⌊0.75·10⌋⌋ = 5 items per user, never the 7 of the test split's train.
    expect(new Set(seenUsers)).toEqual(new Set([40 * 5]));
  });

  it('carves validation by validationRatio from the same training part when given', async () => {
    const seen: number[] = [];
    const res = await tune({
      data, modelId: 'test/popular', budget: 2, seed: 42, folds: 2, halving: false, validationRatio: 0.9, protocolOptions: { msr: { filterBy: 'user' } },
      space: { bias: { type: 'choice', values: [0, 100] } },
      createModel: (_id, params) => {
        const m = new TinyPopularity(params);
        const fit = m.fit.bind(m);
        m.fit = (d, o) => { seen.push(d.interactions.indices.length); return fit(d, o); };
        return m;
      },
    });
    // Test split's train keeps ⌊0.75·10⌋ = 7 per user; the carve at 0.9 fits on ⌊0.9·7⌋ = 6 (at 0.75 it would be 5).
    expect(new Set(seen)).toEqual(new Set([40 * 6]));
    expect(res.validation.ratio).toBe(0.9);
    await expect(tune({ data, modelId: 'test/popular', space: {}, protocol: 'loo', validationRatio: 0.9, createModel: () => new TinyPopularity() })).rejects.toThrow(/msr/);
    await expect(tune({ data, modelId: 'test/popular', space: {}, validationRatio: 1, createModel: () => new TinyPopularity() })).rejects.toThrow(/validationRatio/);
  });

  it('uses the model epochs parameter as the resource when it has one', async () => {
    const epochsSeen: number[] = [];
    const res = await tune({
      data, modelId: 'test/popular', budget: 9, seed: 1, halving: true,
      space: { epochs: { type: 'int', min: 9, max: 9 }, bias: { type: 'choice', values: [0, 100] } },
      createModel: (_id, params) => {
        if (typeof params?.epochs === 'number' && 'bias' in params) epochsSeen.push(params.epochs);
        return new TinyPopularity({ epochs: 9, ...params });
      },
    });
    expect(res.resource).toBe('epochs');
    // Rungs at 1/9, 1/3, 1 of 9 epochs: 9 fits with 1 epoch, 3 with 3, 1 with 9.
    expect(epochsSeen).toEqual([...Array(9).fill(1), 3, 3, 3, 9]);
    expect(res.best.params.bias).toBe(0);
  });

  it('averages the objective over several validation carves of the same training part', async () => {
    const fitted: string[] = [];
    const res = await tune({
      data, modelId: 'test/popular', budget: 2, seed: 42, folds: 3, halving: false,
      space: { bias: { type: 'choice', values: [0, 100] } },
      createModel: (_id, params) => {
        const m = new TinyPopularity(params);
        const fit = m.fit.bind(m);
        m.fit = (d, o) => { fitted.push(Array.from(d.interactions.indices).join()); return fit(d, o); };
        return m;
      },
    });
    expect(res.validation.folds).toBe(3);
    // 2 configurations × 3 folds: three different validation training parts, each fitted twice.
    expect(fitted).toHaveLength(6);
    expect(new Set(fitted).size).toBe(3);
    expect(res.best.params.bias).toBe(0);
    await expect(tune({ data, modelId: 'test/popular', space: {}, folds: 0, createModel: () => new TinyPopularity() })).rejects.toThrow(/folds/);
  });
});

describe('withParams', () => {
  it('writes searched values at dotted paths without touching the fixed parameters', () => {
    const fixed = { members: [{ id: 'a', weight: 1 }, { id: 'b', weight: 1, params: { k: 3 } }], depth: 5 };
    const out = withParams(fixed, { 'members.1.weight': 0.25, 'members.1.params.k': 7, depth: 9, extra: true });
    expect(out).toEqual({ members: [{ id: 'a', weight: 1 }, { id: 'b', weight: 0.25, params: { k: 7 } }], depth: 9, extra: true });
    expect(fixed.members[1]).toEqual({ id: 'b', weight: 1, params: { k: 3 } });
    expect(() => withParams(fixed, { 'depth.x': 1 })).toThrow(/depth/);
    expect(() => withParams(fixed, { 'members.4.weight': 1 })).toThrow(/members\.4/);
  });
});
