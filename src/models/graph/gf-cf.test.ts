import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { blockScores, plantedBlocks, tinyDataset } from '../mf/test-fixtures.js';
import { createModel, decodeArtifact, encodeArtifact, loadModel, registerModel } from '../registry.js';
import { gfCfFactory, GfCfRecommender } from './gf-cf.js';

registerModel(gfCfFactory);

describe('graph/gf-cf', () => {
  // u0: {0,1}, u1: {1,2}, u2: {0,1,2}: user degrees 2, 2, 3, item degrees 2, 3, 2.
  // P̃_ij = Σ_u r_ui r_uj / (d_u √(d_i d_j)): P̃_00 = (½ + ⅓)/2 = 5/12, P̃_01 = (½ + ⅓)/√6, P̃_02 = (⅓)/2 = 1/6,
  // P̃_11 = (½ + ½ + ⅓)/3 = 4/9. P̃'s top eigenvector is √d_i / √Σd (eigenvalue 1), so with k = 1 the ideal filter
  // adds α·d_i^{-½}·(√d_i √d_j / 7)·d_j^{½} = α·d_j / 7 to every row: a popularity term.
  const hand = tinyDataset(3, 3, [[0, 0], [0, 1], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2]]);
  const p = [5 / 12, 5 / 6 / Math.sqrt(6), 1 / 6, 5 / 6 / Math.sqrt(6), 4 / 9, 5 / 6 / Math.sqrt(6), 1 / 6, 5 / 6 / Math.sqrt(6), 5 / 12];

  it('is the normalised item–item graph when α = 0', async () => {
    const m = new GfCfRecommender({ alpha: 0 });
    await m.fit(hand);
    const b = (m as unknown as { b: Float32Array }).b;
    for (let k = 0; k < 9; k++) expect(b[k]).toBeCloseTo(p[k]!, 6);
  });

  it('adds α·d_j/Σd with one factor (the top singular vector is √d)', async () => {
    const m = new GfCfRecommender({ alpha: 0.5, factors: 1 });
    await m.fit(hand);
    const b = (m as unknown as { b: Float32Array }).b, d = [2, 3, 2];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(b[i * 3 + j]).toBeCloseTo(p[i * 3 + j]! + 0.5 * d[j]! / 7, 5);
    // user 0 (items 0, 1) gets item 2: B_02 + B_12 = 1/6 + (5/6)/√6 + 2·(0.5·2/7)
    expect(m.recommend(0, { k: 3 })).toEqual([{ item: 2, score: expect.closeTo(1 / 6 + 5 / 6 / Math.sqrt(6) + 2 / 7, 5) }]);
  });

  it('adds α·I when every direction is kept (V Vᵀ = I)', async () => {
    const m = new GfCfRecommender({ alpha: 0.3, factors: 3 });
    await m.fit(hand);
    const b = (m as unknown as { b: Float32Array }).b;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(b[i * 3 + j]).toBeCloseTo(p[i * 3 + j]! + (i === j ? 0.3 : 0), 5);
  });

  it('recovers planted blocks', async () => {
    const fx = plantedBlocks(createRng(3), { users: 120, items: 60, groups: 4, pIn: 0.5, pOut: 0.02 });
    const m = createModel('graph/gf-cf', { factors: 8 });
    await m.fit(fx.train);
    const s = blockScores(m, fx);
    expect(s.precision).toBeGreaterThan(0.95);
    expect(s.heldOutHit).toBeGreaterThan(0.8);
  });

  it('validates params, refuses huge catalogues, and saves/loads through the registry', async () => {
    expect(() => createModel('graph/gf-cf', { nope: 1 })).toThrow(/nope/);
    expect(() => createModel('graph/gf-cf', { alpha: -1 })).toThrow(/alpha/);
    await expect(new GfCfRecommender({ maxItems: 2 }).fit(hand)).rejects.toThrow(/maxItems/);
    const m = new GfCfRecommender({ factors: 2 });
    await m.fit(hand);
    const back = loadModel(decodeArtifact(encodeArtifact(m.save())));
    expect(back.recommend([0, 1, 2], { k: 2 })).toEqual(m.recommend([0, 1, 2], { k: 2 }));
  });
});

runRecommenderContract('graph/gf-cf', { factors: 4 }, { cancellable: true });
