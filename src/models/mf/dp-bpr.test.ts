import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { createRdpAccountant } from '../../privacy/accountant.js';
import { stepsForEpochs } from '../../privacy/steps.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { registerModel } from '../registry.js';
import { DpBprRecommender, dpBprFactory, userBprGradient } from './dp-bpr.js';
import { plantedBlocks } from './test-fixtures.js';
registerModel(dpBprFactory);

describe('DP-BPR per-user gradient', () => {
  it('item side = gradient of the summed BPR loss, user side = gradient of the mean, by finite differences', () => {
    const rng = createRng(3), f = 3, nItems = 5;
    const p = Float32Array.from({ length: 2 * f }, () => rng.normal() * 0.5);
    const q = Float32Array.from({ length: nItems * f }, () => rng.normal() * 0.5);
    const b = Float32Array.from({ length: nItems }, () => rng.normal() * 0.5);
    const u = 1, pos = [0, 2, 4], neg = [3, 3, 1];
    const P = Float64Array.from(p), Q = Float64Array.from(q), B = Float64Array.from(b);
    const loss = (): number => {
      let l = 0;
      for (let t = 0; t < pos.length; t++) {
        let x = B[pos[t]!]! - B[neg[t]!]!;
        for (let a = 0; a < f; a++) x += P[u * f + a]! * (Q[pos[t]! * f + a]! - Q[neg[t]! * f + a]!);
        l += Math.log1p(Math.exp(-x));
      }
      return l;
    };
    const fd = (arr: Float64Array, k: number): number => {
      const v = arr[k]!, h = 1e-6;
      arr[k] = v + h; const up = loss();
      arr[k] = v - h; const down = loss();
      arr[k] = v;
      return (up - down) / (2 * h);
    };
    const gq = new Float32Array(nItems * f), gb = new Float32Array(nItems), gp = new Float32Array(f);
    const touched = new Int32Array(nItems), mark = new Uint8Array(nItems);
    const k = userBprGradient(p, q, b, f, u, pos, neg, gq, gb, gp, touched, mark);
    expect(Array.from(touched.slice(0, k)).sort()).toEqual([0, 1, 2, 3, 4]);
    for (let i = 0; i < nItems * f; i++) expect(gq[i]).toBeCloseTo(fd(Q, i), 5);
    for (let i = 0; i < nItems; i++) expect(gb[i]).toBeCloseTo(fd(B, i), 5);
    for (let a = 0; a < f; a++) expect(gp[a]).toBeCloseTo(fd(P, u * f + a) / pos.length, 5);
  });
});

describe('DP-BPR privacy', () => {
  const { train } = plantedBlocks(createRng(5), { users: 60, items: 30, groups: 3, pIn: 0.5, pOut: 0.02 });

  it('calibrates σ to the target ε by bisection and reports the ε the accountant gives for the steps taken', async () => {
    const model = new DpBprRecommender({ epsilon: 3, delta: 1e-4, sampleRate: 0.25, epochs: 5, factors: 4 });
    await model.fit(train, { seed: 1 });
    const spent = model.privacy!;
    expect(spent.steps).toBe(stepsForEpochs(5, 0.25));
    const acc = createRdpAccountant({ noiseMultiplier: spent.noiseMultiplier, sampleRate: 0.25, delta: 1e-4 });
    expect(spent.epsilon).toBe(acc.epsilonFor(spent.steps));
    expect(spent.epsilon).toBeLessThanOrEqual(3);
    expect(spent.epsilon).toBeGreaterThan(2.99);
    expect(DpBprRecommender.load(model.save()).privacy).toEqual(spent);
  });

  it('more noise for a smaller ε; an explicit σ wins; no noise is ε = ∞ (saved as null)', async () => {
    const sigma = async (params: Record<string, unknown>): Promise<DpBprRecommender> => {
      const m = new DpBprRecommender({ sampleRate: 0.25, epochs: 2, factors: 2, ...params });
      await m.fit(train, { seed: 1 });
      return m;
    };
    const [e1, e8, fixed, none] = await Promise.all([sigma({ epsilon: 1 }), sigma({ epsilon: 8 }), sigma({ epsilon: 1, noiseMultiplier: 0.7 }), sigma({})]);
    expect(e1.privacy!.noiseMultiplier).toBeGreaterThan(e8.privacy!.noiseMultiplier);
    expect(fixed.privacy!.noiseMultiplier).toBe(0.7);
    expect(none.privacy!.epsilon).toBe(Infinity);
    expect(none.save().state.epsilon).toBeNull();
    expect(DpBprRecommender.load(none.save()).privacy!.epsilon).toBe(Infinity);
  });
});

runRecommenderContract('mf/dp-bpr', { factors: 4, epochs: 300, sampleRate: 0.5, noiseMultiplier: 0, learningRate: 0.05 });
