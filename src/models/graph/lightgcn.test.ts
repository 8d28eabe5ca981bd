import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IdMap } from '../../core/id-map.js';
import { createRng } from '../../core/rng.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import { csrFromCoo, csrToDense } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel } from '../registry.js';
import { registerBuiltinModels } from '../builtin.js';
import { blockScores, plantedBlocks } from '../mf/test-fixtures.js';
import { backpropagate, bprBatchGrad, LightgcnRecommender, propagate, sampleEpoch } from './lightgcn.js';
import { carveValidation } from '../shared/holdout.js';
import { normalizedAdjacency } from './normalized-adjacency.js';
import { spmm } from './spmm.js';
import { spmmRef } from './spmm.ref.js';

registerBuiltinModels();

describe('spmm', () => {
  it('matches the dense reference on random sparse matrices', () => {
    const rng = createRng(1);
    for (const [rows, cols, d] of [[7, 5, 3], [30, 40, 64], [1, 9, 1]] as const) {
      const r: number[] = [], c: number[] = [], v: number[] = [];
      for (let k = 0; k < rows * cols * 0.3; k++) { r.push(rng.int(rows)); c.push(rng.int(cols)); v.push(rng.normal()); }
      const a = csrFromCoo(rows, cols, r, c, v);
      const x = Float32Array.from({ length: cols * d }, () => rng.normal());
      const out = new Float32Array(rows * d);
      spmm(a, x, d, out);
      const ref = spmmRef(a, x, d);
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(ref[i]!, 4);
    }
  });
});

describe('normalizedAdjacency', () => {
  it('is D^-1/2 A D^-1/2 of the bipartite graph (hand-computed), symmetric, without self-loops', () => {
    // u0–i0, u0–i1, u1–i1: degrees u0 2, u1 1, i0 1, i1 2 (nodes 0,1 users; 2,3 items).
    const r = csrFromCoo(2, 2, [0, 0, 1], [0, 1, 1]);
    const a = csrToDense(normalizedAdjacency(r));
    const expected = [
      0, 0, 1 / Math.sqrt(2), 1 / 2,
      0, 0, 0, 1 / Math.sqrt(2),
      1 / Math.sqrt(2), 0, 0, 0,
      1 / 2, 1 / Math.sqrt(2), 0, 0,
    ];
    expected.forEach((e, k) => expect(a[k]).toBeCloseTo(e, 6));
  });

  it('adds symmetrised follow edges with their weight, one edge for a mutual follow', () => {
    const r = csrFromCoo(2, 1, [0, 1], [0, 0]);
    const follows = csrFromCoo(2, 2, [0, 1], [1, 0]); // mutual
    const a = csrToDense(normalizedAdjacency(r, { follows, socialWeight: 0.5 }));
    // Degrees: u0 = 1 + 0.5, u1 = 1 + 0.5, i0 = 2.
    expect(a[0 * 3 + 1]).toBeCloseTo(0.5 / 1.5, 6);
    expect(a[1 * 3 + 0]).toBeCloseTo(0.5 / 1.5, 6);
    expect(a[0 * 3 + 2]).toBeCloseTo(1 / Math.sqrt(1.5 * 2), 6);
    expect(a[0]).toBe(0);
  });
});

describe('LightGCN gradient', () => {
  it('backpropagation through K layers equals the finite-difference gradient of the batch loss', () => {
    const rng = createRng(3);
    const nU = 4, nI = 5, d = 3, K = 3;
    const pairs: [number, number][] = [[0, 0], [0, 1], [1, 1], [1, 2], [2, 3], [3, 4], [3, 0], [2, 2]];
    const r = csrFromCoo(nU, nI, pairs.map((p) => p[0]), pairs.map((p) => p[1]));
    const adj = normalizedAdjacency(r, { follows: csrFromCoo(nU, nU, [0], [3]) });
    const n = nU + nI;
    const us = Int32Array.from([0, 1, 2, 0]), is = Int32Array.from([1, 2, 3, 0]), js = Int32Array.from([3, 4, 0, 2]);
    const tmp: [Float32Array, Float32Array] = [new Float32Array(n * d), new Float32Array(n * d)];
    const lossAt = (e: Float32Array): number => {
      const f = new Float32Array(n * d);
      propagate(adj, e, d, K, f, tmp);
      return bprBatchGrad(f, d, nU, us, is, js, new Float32Array(n * d));
    };
    const e0 = Float32Array.from({ length: n * d }, () => rng.normal());
    const f = new Float32Array(n * d), gF = new Float32Array(n * d), g0 = new Float32Array(n * d);
    propagate(adj, e0, d, K, f, tmp);
    bprBatchGrad(f, d, nU, us, is, js, gF);
    backpropagate(adj, gF, d, K, g0, tmp);
    const h = 1e-2;
    for (let k = 0; k < n * d; k++) {
      const v = e0[k]!;
      e0[k] = v + h; const up = lossAt(e0);
      e0[k] = v - h; const down = lossAt(e0);
      e0[k] = v;
      expect(g0[k]).toBeCloseTo((up - down) / (2 * h), 3);
    }
  });
});

describe('sampling and validation split', () => {
  it('draws |R| triples per epoch with positives and non-positives of the user, the same for a seed', () => {
    const fx = plantedBlocks(createRng(2), { users: 30, items: 12, groups: 3, pIn: 0.5, pOut: 0.05 });
    const r = fx.train.interactions;
    const a = sampleEpoch(r, 5, 0), b = sampleEpoch(r, 5, 0), c = sampleEpoch(r, 5, 1);
    expect(a.us.length).toBeLessThanOrEqual(r.indptr[r.rows]!);
    expect(a.us.length).toBeGreaterThan(0.8 * r.indptr[r.rows]!);
    expect(Array.from(a.js)).toEqual(Array.from(b.js));
    expect(Array.from(a.js)).not.toEqual(Array.from(c.js));
    const dense = csrToDense(r);
    for (let t = 0; t < a.us.length; t++) {
      expect(dense[a.us[t]! * r.cols + a.is[t]!]).toBeGreaterThan(0);
      expect(dense[a.us[t]! * r.cols + a.js[t]!]).toBe(0);
    }
  });

  it('carves a validation share from each user, disjoint from what stays in training', () => {
    const r = csrFromCoo(3, 10, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3, 4, 5]);
    const { train, valid } = carveValidation(r, 0.2, createRng(1));
    expect(valid.indptr[1]! - valid.indptr[0]!).toBe(2); // ⌈0.2·10⌉
    expect(valid.indptr[2]! - valid.indptr[1]!).toBe(0); // a single interaction stays in training
    expect(valid.indptr[3]! - valid.indptr[2]!).toBe(1);
    expect(train.indptr[3]! + valid.indptr[3]!).toBe(13);
  });
});

describe('graph/lightgcn', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lightgcn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fast = { factors: 16, learningRate: 0.02, batchSize: 256, validationFraction: 0 };

  it('learns planted blocks', async () => {
    const fx = plantedBlocks(createRng(5), { users: 200, items: 48, groups: 4, pIn: 0.4, pOut: 0.02 });
    const m = createModel('graph/lightgcn', { ...fast, epochs: 30 });
    await m.fit(fx.train, { seed: 2 });
    const s = blockScores(m, fx);
    expect(s.precision).toBeGreaterThan(0.9); // chance 0.25
    expect(s.heldOutHit).toBeGreaterThan(0.8);
  });

  it('with social edges, a user with no interactions gets their friends\' taste', async () => {
    const fx = plantedBlocks(createRng(6), { users: 120, items: 40, groups: 2, pIn: 0.4, pOut: 0.02 });
    // One extra user (index 120) with no interactions follows five users of group 0 (even indices).
    const tr = fx.train.interactions;
    const user: number[] = [], item: number[] = [];
    for (let u = 0; u < tr.rows; u++) for (let p = tr.indptr[u]!; p < tr.indptr[u + 1]!; p++) { user.push(u); item.push(tr.indices[p]!); }
    const data = datasetFromInteractions({
      users: IdMap.from(Array.from({ length: 121 }, (_, u) => `u${u}`)),
      items: fx.train.items,
      user, item, weight: user.map(() => 1),
    });
    // Friends in group g: users g, g + 2, … (plantedBlocks puts user u in group u mod 2).
    const followsOf = (g: number) => csrFromCoo(121, 121, [120, 120, 120, 120, 120], [g, g + 2, g + 4, g + 6, g + 8]);
    const top = async (socialEdges: boolean, g: number) => {
      const m = createModel('graph/lightgcn', { ...fast, epochs: 30, socialEdges });
      await m.fit({ ...data, follows: followsOf(g) }, { seed: 3 });
      return m.recommend(120, { k: 10 });
    };
    for (const g of [0, 1]) {
      const recs = await top(true, g);
      expect(recs.filter((r) => fx.itemGroup(r.item) === g).length, `friends in group ${g}`).toBeGreaterThanOrEqual(9);
    }
    // Without social edges the follow graph plays no part: the same list whoever the user follows.
    expect(await top(false, 0)).toEqual(await top(false, 1));
  });

  it('stops early on the validation score and resumes a checkpoint exactly', async () => {
    const fx = plantedBlocks(createRng(7), { users: 100, items: 30, groups: 3, pIn: 0.4, pOut: 0.03 });
    const params = { factors: 8, learningRate: 0.02, batchSize: 128, validationFraction: 0.2, evalEvery: 2, patience: 100 };
    const whole = new LightgcnRecommender({ ...params, epochs: 8 });
    await whole.fit(fx.train, { seed: 4 });
    const path = join(dir, 'run.safetensors');
    const first = new LightgcnRecommender({ ...params, epochs: 4, checkpointPath: path });
    await first.fit(fx.train, { seed: 4 });
    const resumed = new LightgcnRecommender({ ...params, epochs: 8, checkpointPath: path });
    await resumed.fit(fx.train, { seed: 4 });
    expect(resumed.trainingInfo.resumedFrom).toBe(4);
    expect(resumed.recommend([0, 1, 2, 50], { k: 5 })).toEqual(whole.recommend([0, 1, 2, 50], { k: 5 }));
    // A huge learning rate wrecks the model: validation stops improving and patience 1 ends training early.
    const stopped = new LightgcnRecommender({ ...params, learningRate: 3, epochs: 200, patience: 1 });
    const seen: number[] = [];
    await stopped.fit(fx.train, { seed: 4, progress: (done) => seen.push(done) });
    expect(stopped.trainingInfo.epochs).toBeLessThan(200);
    expect(stopped.trainingInfo.bestEpoch).toBeLessThan(stopped.trainingInfo.epochs);
    expect(seen[0]).toBe(1);
  });
});

runRecommenderContract('graph/lightgcn', { factors: 8, epochs: 80, learningRate: 0.05, batchSize: 16, validationFraction: 0 });
