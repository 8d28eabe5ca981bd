import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrTranspose } from '../../math/csr.js';
import { createModel, decodeArtifact, encodeArtifact, loadModel, registerModel } from '../registry.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { cgSolveRows, directSolveRow, gramPlusRidge } from './ials-kernel.js';
import { confidences, gramPlusRidgeGemm, IalsRecommender } from './ials.js';
import { allocateIals, createIalsPool, ialsBackend } from './ials-pool.js';
import { blockScores, plantedBlocks, tinyDataset } from './test-fixtures.js';
import { ialsFactory } from './ials.js';
registerModel(ialsFactory);

describe('iALS row solvers', () => {
  it('CG converges to the direct Cholesky solution of one row to 1e-4', () => {
    const rng = createRng(1);
    const f = 8, nItems = 30;
    const y = Float32Array.from({ length: nItems * f }, () => rng.normal() * 0.3);
    const gram = new Float32Array(f * f);
    gramPlusRidge(y, nItems, f, 0.1, gram);
    const items = Int32Array.of(1, 4, 7, 9, 20, 29);
    const conf = Float32Array.from(items, () => 1 + 5 * rng.next());
    const direct = directSolveRow(items, conf, y, gram, f);
    const x = new Float32Array(f);
    // f CG steps solve an f-dimensional SPD system exactly in exact arithmetic; a few more absorb rounding.
    cgSolveRows(Int32Array.of(0, items.length), items, conf, x, y, gram, f, 3 * f, 0, 1, new Float64Array(4 * f));
    for (let a = 0; a < f; a++) expect(Math.abs(x[a]! - direct[a]!)).toBeLessThan(1e-4);
    // Direct solution satisfies the normal equations A x = b.
    for (let a = 0; a < f; a++) {
      let ax = 0;
      for (let b = 0; b < f; b++) ax += gram[a * f + b]! * direct[b]!;
      let rhs = 0;
      items.forEach((i, k) => {
        let d = 0;
        for (let b = 0; b < f; b++) d += y[i * f + b]! * direct[b]!;
        ax += (conf[k]! - 1) * d * y[i * f + a]!;
        rhs += conf[k]! * y[i * f + a]!;
      });
      expect(ax).toBeCloseTo(rhs, 4);
    }
  });

  it('runs the same CG in the WebAssembly SIMD kernel as in TypeScript', async () => {
    const backend = ialsBackend();
    if (backend.backend !== 'wasm-simd') return; // the TypeScript path is what runs then, tested above
    const rng = createRng(2);
    const f = 16, nItems = 40, nUsers = 30;
    const pairs: [number, number, number][] = [];
    for (let u = 0; u < nUsers; u++) for (let i = 0; i < nItems; i++) if (rng.next() < 0.2) pairs.push([u, i, 1 + rng.int(5)]);
    const m = tinyDataset(nUsers, nItems, pairs).interactions;
    const t = csrTranspose(m);
    const p = { alpha: 2, confidence: 'linear' as const, epsilon: 1, binary: false };
    const { shared, wasm } = allocateIals(m, confidences(m, p), t, confidences(t, p), f, 3, 1);
    expect(wasm).toBeDefined();
    for (let k = 0; k < shared.x.length; k++) shared.x[k] = rng.next() * 0.1;
    for (let k = 0; k < shared.y.length; k++) shared.y[k] = rng.normal() * 0.3;
    const x0 = Float32Array.from(shared.x);
    gramPlusRidge(shared.y, nItems, f, 0.1, shared.gram);
    const viaGemm = new Float32Array(f * f);
    gramPlusRidgeGemm(shared.y, nItems, f, 0.1, viaGemm);
    for (let k = 0; k < f * f; k++) expect(viaGemm[k]).toBeCloseTo(shared.gram[k]!, 3);
    const pool = await createIalsPool(shared, 1, wasm);
    pool.half(0);
    await pool.close();
    cgSolveRows(m.indptr, m.indices, confidences(m, p), x0, Float32Array.from(shared.y), Float32Array.from(shared.gram), f, 3, 0, nUsers, new Float64Array(4 * f));
    for (let k = 0; k < x0.length; k++) expect(Math.abs(shared.x[k]! - x0[k]!)).toBeLessThan(1e-4 * (1 + Math.abs(x0[k]!)));
  });

  it('computes the confidences of both formulas', () => {
    const m = tinyDataset(1, 2, [[0, 0, 3], [0, 1, 1]]).interactions;
    expect(Array.from(confidences(m, { alpha: 2, confidence: 'linear', epsilon: 1, binary: false }))).toEqual([7, 3]);
    const log = confidences(m, { alpha: 2, confidence: 'log', epsilon: 0.5, binary: false });
    expect(log[0]).toBeCloseTo(1 + 2 * Math.log(1 + 3 / 0.5), 5);
    expect(Array.from(confidences(csrTranspose(m), { alpha: 2, confidence: 'linear', epsilon: 1, binary: true }))).toEqual([3, 3]);
  });
});

describe('mf/ials', () => {
  const fx = plantedBlocks(createRng(5), { users: 200, items: 48, groups: 4, pIn: 0.4, pOut: 0.02 });

  it('recovers a planted low-rank structure, the same with 1 and 2 threads', async () => {
    const one = new IalsRecommender({ factors: 4, iterations: 10, regularization: 1, alpha: 5, threads: 1 });
    await one.fit(fx.train, { seed: 3 });
    const s = blockScores(one, fx);
    expect(s.precision).toBeGreaterThan(0.93); // chance 0.25
    expect(s.heldOutHit).toBeGreaterThan(0.8); // chance ≈ 10/40
    const two = new IalsRecommender({ factors: 4, iterations: 10, regularization: 1, alpha: 5, threads: 2 });
    await two.fit(fx.train, { seed: 3 });
    expect(Array.from(two.userFactors)).toEqual(Array.from(one.userFactors));
    expect(Array.from(two.itemFactors)).toEqual(Array.from(one.itemFactors));
    // Items of one block are each other's nearest neighbours.
    const sim = one.similarItems(0, 5);
    expect(sim.every((r) => fx.itemGroup(r.item) === fx.itemGroup(0))).toBe(true);
  });

  it('folds in a new user from their items', async () => {
    const m = new IalsRecommender({ factors: 4, iterations: 10, regularization: 1, alpha: 5, threads: 1 });
    await m.fit(fx.train, { seed: 1 });
    const newUser = fx.train.users.size + 2;
    const liked = [2, 6, 10, 14]; // all of block 2
    m.partialFit(newUser, liked);
    const recs = m.recommend(newUser, { k: 5 });
    expect(recs.every((r) => fx.itemGroup(r.item) === 2 && !liked.includes(r.item))).toBe(true);
  });

  it('is seeded, validates params, saves/loads, honours abort and reports progress', async () => {
    expect(() => createModel('mf/ials', { factor: 3 })).toThrow(/factor/);
    expect(() => createModel('mf/ials', { confidence: 'cubic' })).toThrow(/confidence/);
    const a = createModel('mf/ials', { factors: 4, iterations: 2, threads: 1 });
    const b = createModel('mf/ials', { factors: 4, iterations: 2, threads: 1 });
    const seen: number[] = [];
    await a.fit(fx.train, { seed: 9, progress: (d) => seen.push(d) });
    await b.fit(fx.train, { seed: 9 });
    expect(seen).toEqual([1, 2]);
    expect(b.recommend([0, 1], { k: 3 })).toEqual(a.recommend([0, 1], { k: 3 }));
    const back = loadModel(decodeArtifact(encodeArtifact(a.save())));
    expect(back.recommend([0, 1], { k: 3 })).toEqual(a.recommend([0, 1], { k: 3 }));
    const c = new AbortController();
    const m = createModel('mf/ials', { factors: 4, iterations: 50, threads: 2 });
    const p = m.fit(fx.train, { signal: c.signal, progress: (d) => { if (d === 2) c.abort(); } });
    await expect(p).rejects.toThrow(/cancelled/);
  });
});

runRecommenderContract('mf/ials', { factors: 2, iterations: 10, regularization: 0.1, alpha: 10, threads: 1 });
runRecommenderContract('mf/ials', { factors: 8, iterations: 10, regularization: 5, alpha: 10, threads: 2 });
