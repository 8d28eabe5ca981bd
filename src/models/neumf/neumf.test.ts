import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrFromCoo, csrToDense } from '../../math/csr.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel } from '../registry.js';
import { registerBuiltinModels } from '../builtin.js';
import { blockScores, plantedBlocks } from '../mf/test-fixtures.js';
import { NeumfNet, NeumfRecommender, pointwiseInstances } from './neumf.js';

registerBuiltinModels();

describe('NeuMF network', () => {
  it('computes hᵀ[p ⊙ q; ReLU-MLP([p′; q′])] + b by hand', () => {
    const net = new NeumfNet(2, 3, { factors: 2, layers: [4, 3, 2], initStd: 0.5 }, createRng(1));
    const u = 1, i = 2;
    const row = (t: Float32Array, r: number, w: number): number[] => Array.from(t.subarray(r * w, (r + 1) * w));
    const gmf = row(net.gmfUser.weight.data, u, 2).map((x, a) => x * row(net.gmfItem.weight.data, i, 2)[a]!);
    let h = [...row(net.mlpUser.weight.data, u, 2), ...row(net.mlpItem.weight.data, i, 2)];
    for (const layer of net.mlp.layers) {
      const [o, n] = layer.weight.shape as [number, number];
      h = Array.from({ length: o }, (_, r) => Math.max(0, layer.bias!.data[r]! + h.reduce((s, x, c) => s + x * layer.weight.data[r * n + c]!, 0)));
    }
    const z = [...gmf, ...h];
    const expected = net.out.bias!.data[0]! + z.reduce((s, x, c) => s + x * net.out.weight.data[c]!, 0);
    expect(net.forward(Int32Array.of(u), Int32Array.of(i)).data[0]).toBeCloseTo(expected, 5);
  });

  it('draws 4 non-interacted negatives per positive, shuffled, the same for a seed', () => {
    const r = csrFromCoo(3, 8, [0, 0, 1, 2, 2, 2], [1, 2, 3, 0, 5, 7]);
    const a = pointwiseInstances(r, 4, createRng(2)), b = pointwiseInstances(r, 4, createRng(2));
    expect(a.users.length).toBe(30);
    expect(Array.from(a.items)).toEqual(Array.from(b.items));
    const dense = csrToDense(r);
    let pos = 0;
    for (let k = 0; k < 30; k++) {
      expect(dense[a.users[k]! * 8 + a.items[k]!]).toBe(a.labels[k]);
      pos += a.labels[k]!;
    }
    expect(pos).toBe(6);
    expect(Array.from(a.labels.subarray(0, 6))).not.toEqual([1, 0, 0, 0, 0, 1]);
  });
});

describe('neural/neumf', () => {
  it('learns planted blocks, early-stopping on carved validation', async () => {
    const fx = plantedBlocks(createRng(5), { users: 200, items: 48, groups: 4, pIn: 0.4, pOut: 0.02 });
    const m = new NeumfRecommender({ factors: 4, layers: [16, 8, 4], epochs: 20, learningRate: 0.01, batchSize: 128, validationFraction: 0.1, patience: 3 });
    await m.fit(fx.train, { seed: 2 });
    const s = blockScores(m, fx);
    // Pointwise log loss also fits the off-block noise (pOut), so NeuMF stays below BPR's 0.9 here; chance is 0.25.
    expect(s.precision).toBeGreaterThan(0.7);
    expect(s.heldOutHit).toBeGreaterThan(0.6);
    expect(m.trainingInfo.bestEpoch).toBeGreaterThan(0);
    expect(m.trainingInfo.validation).toBeGreaterThan(0.3);
  });

  it('produces the same model for a seed', async () => {
    const fx = plantedBlocks(createRng(6), { users: 40, items: 20, groups: 2, pIn: 0.4, pOut: 0.05 });
    const fit = async () => { const m = createModel('neural/neumf', { epochs: 2, validationFraction: 0 }); await m.fit(fx.train, { seed: 9 }); return m.recommend([0, 1, 2], { k: 5 }); };
    expect(await fit()).toEqual(await fit());
  });
});

runRecommenderContract('neural/neumf', { factors: 2, layers: [4, 2], epochs: 30, learningRate: 0.02, batchSize: 32, validationFraction: 0 });
