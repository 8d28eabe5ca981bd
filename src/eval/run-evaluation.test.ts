import { describe, expect, it } from 'vitest';
import { IdMap } from '../core/id-map.js';
import { createRng } from '../core/rng.js';
import { datasetFromInteractions } from '../data/dataset-builder.js';
import type { Dataset } from '../data/dataset.js';
import { rowNnz } from '../math/csr.js';
import { runEvaluation, sampleStd, seedList } from './run-evaluation.js';
import { makeSplit } from './splits/make-split.js';
import { modelIds, registerModel } from '../models/registry.js';
import { Constant, Oracle, TinyPopularity } from './test-models.js';
import { dataFingerprint } from './fingerprint.js';
import type { ListModelFactory } from './list-model.js';
import { recommendLists } from './recommend-lists.js';

/** 40 users × 30 items; user u likes ~8 items drawn with a popularity skew (low indices more often). */
function toyData(seed = 1): Dataset {
  const rng = createRng(seed);
  const users = IdMap.from(Array.from({ length: 40 }, (_, u) => `u${u}`));
  const items = IdMap.from(Array.from({ length: 30 }, (_, i) => `i${i}`));
  const user: number[] = [], item: number[] = [], time: number[] = [];
  for (let u = 0; u < 40; u++) {
    const chosen = new Set<number>();
    while (chosen.size < 8) chosen.add(Math.floor(30 * rng.next() ** 2));
    for (const i of chosen) { user.push(u); item.push(i); time.push(Math.floor(rng.next() * 1e6)); }
  }
  return datasetFromInteractions({ users, items, user, item, time });
}

const data = toyData();
const pop = (): TinyPopularity => new TinyPopularity();

describe('runEvaluation', () => {
  it('part: validation fits on the validation carve of the training part and scores its held-out part, never the test part', async () => {
    const perUser = { msr: { filterBy: 'user' as const } };
    const outer = makeSplit(data, 'msr', 42, perUser, false);
    const carve = makeSplit(outer.train, 'msr', 42, perUser, false);
    const fitted: number[] = [];
    const make = (truth: typeof outer.test) => (): Oracle => {
      const m = new Oracle(truth);
      const fit = m.fit.bind(m);
      m.fit = (d) => { fitted.push(d.interactions.indices.length); return fit(d); };
      return m;
    };
    const onCarve = await runEvaluation({ data, protocol: 'msr', protocolOptions: perUser, k: 5, models: ['test/oracle'], part: 'validation', createModel: make(carve.test) });
    expect(fitted).toEqual([carve.train.interactions.indices.length]);
    expect(onCarve.models[0]!.metrics['recall@5']).toBeCloseTo(1, 12);
    expect(onCarve.protocol.description).toMatch(/^VALIDATION carve/);
    // An oracle of the test part is no oracle on the carve: what it knows is not what is scored.
    const testOracle = await runEvaluation({ data, protocol: 'msr', protocolOptions: perUser, k: 5, models: ['test/oracle'], part: 'validation', createModel: make(outer.test) });
    expect(testOracle.models[0]!.metrics['recall@5']).toBeLessThan(0.5);
  });

  it('scores an oracle perfectly and a popularity model in between', async () => {
    // Per user, so that every user has ⌊0.75·8⌋ = 6 train and 2 test items.
    const perUser = { msr: { filterBy: 'user' as const } };
    const truth = makeSplit(data, 'msr', 42, perUser, false).test;
    const result = await runEvaluation({
      data, protocol: 'msr', protocolOptions: perUser, k: 5, models: ['test/oracle', 'test/popular'],
      createModel: (id) => (id === 'test/oracle' ? new Oracle(truth) : pop()),
    });
    const [oracle, popular] = result.models;
    expect(oracle!.id).toBe('test/oracle');
    // Each user has 2 test items (⌊0.75·8⌋ = 6 train): precision@5 = 2/5, recall = NDCG = MAP = 1.
    expect(oracle!.metrics['precision@5']).toBeCloseTo(0.4, 12);
    expect(oracle!.metrics['recall@5']).toBeCloseTo(1, 12);
    expect(oracle!.metrics['ndcg@5']).toBeCloseTo(1, 12);
    expect(oracle!.metrics['map@5']).toBeCloseTo(1, 12);
    expect(oracle!.metrics.auc).toBeCloseTo(1, 12);
    expect(oracle!.atK['1']!.precision).toBeCloseTo(1, 12);
    expect(popular!.metrics['ndcg@5']).toBeGreaterThan(0);
    expect(popular!.metrics['ndcg@5']).toBeLessThan(1);
    expect(popular!.metrics.auc).toBeGreaterThan(0.5); // the skew makes popularity informative
    expect(popular!.metrics['coverage@5']).toBeGreaterThan(0);
    expect(result.evaluatedUsers).toBe(40);
    expect(result.protocol.ranking).toBe('full');
    expect(result.data).toEqual({ fingerprint: dataFingerprint(data), users: 40, items: 30, interactions: 320 });
    expect(result.data.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(result.seeds).toEqual([42]);
    expect(result.ks).toEqual([1, 5, 10, 20, 50]);
    expect(Object.keys(result.models[0]!.std)).toContain('ndcg@5');
  });

  it('runs several seeds and reports the spread', async () => {
    const result = await runEvaluation({ data, models: [{ id: 'test/popular', label: 'pop' }], k: 10, seeds: 3, createModel: pop });
    expect(result.seeds).toEqual([42, 43, 44]);
    const m = result.models[0]!;
    expect(m.label).toBe('pop');
    // Different random splits give different scores, so the spread is positive.
    expect(m.std['ndcg@10']).toBeGreaterThan(0);
    expect(m.fitSeconds).toBeGreaterThanOrEqual(0);
    expect(m.params).toEqual({ bias: 0 });
  });

  it('maxUsers scores a seeded sample of the test users', async () => {
    const all = await runEvaluation({ data, models: ['p'], createModel: pop });
    const a = await runEvaluation({ data, models: ['p'], createModel: pop, maxUsers: 5 });
    const b = await runEvaluation({ data, models: ['p'], createModel: pop, maxUsers: 5 });
    expect(all.evaluatedUsers).toBeGreaterThan(5);
    expect(a.evaluatedUsers).toBe(5);
    expect(a.models[0]!.metrics).toEqual(b.models[0]!.metrics);
  });

  it('is deterministic for a seed', async () => {
    const a = await runEvaluation({ data, models: ['p'], createModel: pop });
    const b = await runEvaluation({ data, models: ['p'], createModel: pop });
    expect(a.models[0]!.metrics).toEqual(b.models[0]!.metrics);
  });

  it('labels sampled ranking and ranks the held-out item among 1 + n candidates', async () => {
    const truth = makeSplit(data, 'loo', 42, {}, false).test;
    const result = await runEvaluation({
      data, protocol: 'loo', k: 10, sampledNegatives: 5, models: ['test/oracle', 'test/popular'],
      createModel: (id) => (id === 'test/oracle' ? new Oracle(truth) : pop()),
    });
    expect(result.sampledNegatives).toBe(5);
    expect(result.protocol.ranking).toBe('sampled');
    expect(result.protocol.description).toMatch(/SAMPLED/);
    // The oracle puts the one test item first: hit@1 = 1.
    expect(result.models[0]!.metrics['hit@10']).toBe(1);
    expect(result.models[0]!.atK['1']!.hit).toBe(1);
    // With 6 candidates, a list never exceeds 6 items, so popularity hits within 10 always.
    expect(result.models[1]!.metrics['hit@10']).toBe(1);
    expect(result.models[1]!.atK['1']!.hit).toBeLessThan(1);
    expect(result.evaluatedUsers).toBe(40);
  });

  it('gives ties no side in sampled ranking: a constant scorer hits at 1 about 1/(n + 1) of the time', async () => {
    const result = await runEvaluation({ data, protocol: 'loo', sampledNegatives: 5, seeds: 3, models: ['c'], createModel: () => new Constant() });
    const hit1 = result.models[0]!.atK['1']!.hit!;
    expect(hit1).toBeGreaterThan(0.02);
    expect(hit1).toBeLessThan(0.4); // 1/6 expected; 1 if the held-out item won ties
    expect(result.models[0]!.metrics.auc).toBeCloseTo(0.5, 0);
  });

  it('evaluates warm users only by default on a temporal split', async () => {
    const result = await runEvaluation({ data, protocol: 'temporal', models: ['p'], createModel: pop });
    const split = makeSplit(data, 'temporal');
    let warm = 0;
    for (let u = 0; u < 40; u++) if (rowNnz(split.test, u) > 0 && rowNnz(split.train.interactions, u) > 0) warm++;
    expect(warm).toBeGreaterThan(10);
    expect(result.evaluatedUsers).toBe(warm);
  });

  it("expands 'all' to every registered model that builds with default parameters", async () => {
    registerModel({ id: 'test/tiny-popular', description: 'test', version: 1, create: (p) => new TinyPopularity(p), load: () => new TinyPopularity() });
    // Like a hybrid without members: cannot be built without parameters, so 'all' leaves it out.
    registerModel({ id: 'test/needs-params', description: 'test', version: 1, create: (p) => { if (!p?.members) throw new Error('members required'); return new TinyPopularity(); }, load: () => new TinyPopularity() });
    const result = await runEvaluation({ data, models: 'all', beyondAccuracy: false });
    expect(result.models.map((m) => m.id)).toEqual(modelIds().filter((id) => id !== 'test/needs-params'));
    expect(result.models.map((m) => m.id)).toContain('test/tiny-popular');
  });

  it('measures intra-list diversity with given item vectors', async () => {
    // Every item the same vector → cosine 1 → ILD 0; orthogonal one-hot vectors → ILD 1.
    const same = await runEvaluation({ data, models: ['p'], createModel: pop, itemVectors: () => [1, 1] });
    expect(same.models[0]!.metrics['ild@10']).toBeCloseTo(0, 12);
    const oneHot = await runEvaluation({ data, models: ['p'], createModel: pop, itemVectors: (i) => Array.from({ length: 30 }, (_, j) => (i === j ? 1 : 0)) });
    expect(oneHot.models[0]!.metrics['ild@10']).toBeCloseTo(1, 12);
  });

  it('rejects bad options', async () => {
    await expect(runEvaluation({ data, models: [], createModel: pop })).rejects.toThrow(/models/);
    await expect(runEvaluation({ data, models: ['p'], k: 0, createModel: pop })).rejects.toThrow(/k/);
    await expect(runEvaluation({ data, models: ['p'], protocol: 'x' as 'msr', createModel: pop })).rejects.toThrow(/protocol/);
    await expect(runEvaluation({ data, models: ['nope/none'] })).rejects.toThrow(/unknown model/);
  });
});

describe('runEvaluation with list models', () => {
  /** A list model answering each user's lab-popularity list asynchronously, recording what it was asked. */
  function asyncPopular(calls: { depth: number; k: number; closed: number; fitted: Dataset[] }): ListModelFactory {
    return () => {
      const inner = pop();
      return {
        params: { kind: 'async-popular' },
        async fit(train, options) {
          calls.fitted.push(train);
          await inner.fit(train, options);
        },
        recommendLists(users, depth, { k }) {
          calls.depth = depth;
          calls.k = k;
          return Promise.resolve(recommendLists(inner, users, depth));
        },
        close() {
          calls.closed++;
          return Promise.resolve();
        },
      };
    };
  }

  it('fits a list model on the same split and scores its lists like the registry model they equal', async () => {
    const calls = { depth: 0, k: 0, closed: 0, fitted: [] as Dataset[] };
    const result = await runEvaluation({ data, k: 5, seeds: 2, models: ['lists', 'p'], createModel: pop, listModels: { lists: asyncPopular(calls) } });
    const [lists, plain] = result.models;
    expect(lists!.id).toBe('lists');
    expect(lists!.params).toEqual({ kind: 'async-popular' });
    expect(calls).toMatchObject({ depth: 50, k: 5, closed: 2 });
    expect(calls.fitted).toHaveLength(2);
    for (const key of ['ndcg@5', 'precision@5', 'map@5', 'coverage@5']) expect(lists!.metrics[key]).toBeCloseTo(plain!.metrics[key]!, 12);
    expect(lists!.atK['50']).toEqual(plain!.atK['50']);
    // Lists are not full rankings: no AUC for them.
    expect(lists!.metrics.auc).toBeUndefined();
    expect(plain!.metrics.auc).toBeGreaterThan(0);
  });

  it('closes a list model whose recommendations fail, and refuses sampled candidates', async () => {
    let closed = 0;
    const failing: ListModelFactory = () => ({
      params: {},
      fit: () => Promise.resolve(),
      recommendLists: () => Promise.reject(new Error('boom')),
      close: () => { closed++; return Promise.resolve(); },
    });
    await expect(runEvaluation({ data, models: ['f'], listModels: { f: failing } })).rejects.toThrow(/boom/);
    expect(closed).toBe(1);
    await expect(runEvaluation({ data, models: ['f'], sampledNegatives: 5, listModels: { f: failing } })).rejects.toThrow(/sampled/);
  });
});

describe('helpers', () => {
  it('seed lists and sample std', () => {
    expect(seedList(3)).toEqual([42, 43, 44]);
    expect(seedList([7, 9])).toEqual([7, 9]);
    expect(sampleStd([1])).toBe(0);
    expect(sampleStd([1, 3])).toBeCloseTo(Math.SQRT2, 12);
  });
});
