import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { createModel, registerModel } from '../registry.js';
import { bprLoss, bprStep } from './bpr.js';
import { blockScores, plantedBlocks } from './test-fixtures.js';
import { bprFactory } from './bpr.js';
registerModel(bprFactory);

describe('BPR gradient', () => {
  it('each SGD step equals −lr × the finite-difference gradient of the per-triple loss', () => {
    const rng = createRng(4);
    const f = 5, lr = 1e-3, reg = 0.1;
    const p = Float32Array.from({ length: 2 * f }, () => rng.normal() * 0.5);
    const q = Float32Array.from({ length: 3 * f }, () => rng.normal() * 0.5);
    const b = Float32Array.from({ length: 3 }, () => rng.normal() * 0.5);
    const u = 1, i = 0, j = 2;
    // Central differences in float64 copies of every parameter the triple touches.
    const P = Float64Array.from(p), Q = Float64Array.from(q), B = Float64Array.from(b);
    const h = 1e-5;
    const grad = (arr: Float64Array, k: number): number => {
      const v = arr[k]!;
      arr[k] = v + h; const up = bprLoss(P, Q, B, f, u, i, j, reg);
      arr[k] = v - h; const down = bprLoss(P, Q, B, f, u, i, j, reg);
      arr[k] = v;
      return (up - down) / (2 * h);
    };
    const expected = {
      p: Array.from({ length: f }, (_, a) => p[u * f + a]! - lr * grad(P, u * f + a)),
      qi: Array.from({ length: f }, (_, a) => q[i * f + a]! - lr * grad(Q, i * f + a)),
      qj: Array.from({ length: f }, (_, a) => q[j * f + a]! - lr * grad(Q, j * f + a)),
      bi: b[i]! - lr * grad(B, i),
      bj: b[j]! - lr * grad(B, j),
    };
    bprStep(p, q, b, f, u, i, j, lr, reg);
    for (let a = 0; a < f; a++) {
      expect(p[u * f + a]).toBeCloseTo(expected.p[a]!, 6);
      expect(q[i * f + a]).toBeCloseTo(expected.qi[a]!, 6);
      expect(q[j * f + a]).toBeCloseTo(expected.qj[a]!, 6);
    }
    expect(b[i]).toBeCloseTo(expected.bi, 6);
    expect(b[j]).toBeCloseTo(expected.bj, 6);
    // The untouched user row stays as it was.
    expect(p[0]).toBe(Float32Array.from(P)[0]);
  });
});

describe('mf/bpr', () => {
  it('learns planted blocks with uniform and popularity negatives', async () => {
    const fx = plantedBlocks(createRng(5), { users: 200, items: 48, groups: 4, pIn: 0.4, pOut: 0.02 });
    for (const negativeSampler of ['uniform', 'popularity']) {
      const m = createModel('mf/bpr', { factors: 8, epochs: 40, learningRate: 0.05, regularization: 0.01, negativeSampler });
      await m.fit(fx.train, { seed: 2 });
      const s = blockScores(m, fx);
      expect(s.precision, negativeSampler).toBeGreaterThan(0.9); // chance 0.25
      expect(s.heldOutHit, negativeSampler).toBeGreaterThan(0.8); // chance ≈ 10/40
    }
  });
});

runRecommenderContract('mf/bpr', { factors: 4, epochs: 200, learningRate: 0.05, regularization: 0.001 });
