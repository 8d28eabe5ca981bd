import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrMap } from '../../math/csr.js';
import { Sgd } from '../../nn/optim/sgd.js';
import type { Tensor } from '../../nn/tensor.js';
import { createRdpAccountant } from '../../privacy/accountant.js';
import { DpSgd } from '../../privacy/dp-sgd.js';
import { stepsForEpochs } from '../../privacy/steps.js';
import { runRecommenderContract } from '../contract/recommender-contract.js';
import { registerBuiltinModels } from '../builtin.js';
import { blockScores, plantedBlocks } from '../mf/test-fixtures.js';
import { createModel } from '../registry.js';
import { buildFeatures } from './two-tower.js';
import { dpTwoTowerParamsSchema, DpTwoTowerNet, DpTwoTowerRecommender, dpTwoTowerStep, drawVisit, visitLoss, type Visit } from './dp-two-tower.js';

registerBuiltinModels();

const small = { embeddingDim: 8, hidden: 16, outputDim: 8, textBuckets: 64, historyLength: 20, negatives: 8, positivesPerVisit: 6, secureRandomness: false };

/** A tiny planted world, its features and a fresh net. */
function world(seed: number) {
  const fx = plantedBlocks(createRng(seed), { users: 24, items: 12, groups: 3, pIn: 0.5, pOut: 0.05 });
  const p = dpTwoTowerParamsSchema.parse(small);
  const train = csrMap(fx.train.interactions, () => 1);
  const f = buildFeatures(fx.train, train, undefined, { ...p, maxFollowees: 0 });
  f.warm.fill(1);
  return { fx, p, train, f, net: (s = 1): DpTwoTowerNet => new DpTwoTowerNet(train.rows, train.cols, p, createRng(s)) };
}

function flatNorm(params: readonly Tensor[]): number {
  let sq = 0;
  for (const t of params) if (t.grad) for (const g of t.grad) sq += g * g;
  return Math.sqrt(sq);
}

describe('DP two-tower per-user loss', () => {
  it('the batch loss is the sum of its users\' losses (each example depends on its own user only)', () => {
    const { p, train, f, net } = world(2);
    const n = net();
    const users = Int32Array.of(0, 3, 5, 7);
    const visit = drawVisit(train, users, p.positivesPerVisit, Int32Array.of(0, 4, 5, 9), createRng(4));
    const whole = visitLoss(n, f, p, train, visit).item();
    let parts = 0;
    for (let b = 0; b < users.length; b++) {
      const one: Visit = { users: users.subarray(b, b + 1), indptr: Int32Array.of(0, visit.indptr[b + 1]! - visit.indptr[b]!), items: visit.items.subarray(visit.indptr[b]!, visit.indptr[b + 1]!), negatives: visit.negatives };
      parts += visitLoss(n, f, p, train, one).item();
    }
    expect(whole).toBeGreaterThan(0);
    expect(whole).toBeCloseTo(parts, 3);
  });

  it('draws at most positivesPerVisit distinct items of each user, all of them when fewer', () => {
    const { train } = world(2);
    const users = Int32Array.from({ length: 24 }, (_, u) => u);
    const v = drawVisit(train, users, 3, Int32Array.of(1), createRng(9));
    for (let b = 0; b < 24; b++) {
      const got = Array.from(v.items.subarray(v.indptr[b]!, v.indptr[b + 1]!));
      const has = Array.from(train.indices.subarray(train.indptr[b]!, train.indptr[b + 1]!));
      expect(got.length).toBe(Math.min(3, has.length));
      expect(new Set(got).size).toBe(got.length);
      for (const i of got) expect(has).toContain(i);
    }
  });
});

describe('DP two-tower DP-SGD', () => {
  it("clips each user's gradient over all weights to C (and leaves a smaller one alone)", () => {
    const { p, train, f, net } = world(3);
    const negatives = Int32Array.of(0, 1, 2, 6, 11);
    for (const u of [0, 1, 4, 9]) {
      const visit = drawVisit(train, Int32Array.of(u), p.positivesPerVisit, negatives, createRng(u));
      // Expected batch qN = 1, σ = 0 and lr = 0: the step's gradient is this one user's clipped gradient.
      const once = (clip: number): { norm: number; raw: number } => {
        const n = net(5);
        const dp = new DpSgd({ optimizer: new Sgd(n.parameters(), { lr: 0 }), clip, noiseMultiplier: 0, sampleRate: 1, datasetSize: 1, delta: 1e-5, rng: createRng(1) });
        const raw = dpTwoTowerStep(dp, n, f, p, train, visit).meanNorm;
        return { norm: flatNorm(n.parameters()), raw };
      };
      const { raw } = once(1e9);
      expect(raw).toBeGreaterThan(0.05);
      for (const clip of [raw / 10, raw / 2, raw * 3]) {
        const { norm } = once(clip);
        expect(norm).toBeLessThanOrEqual(clip * (1 + 1e-5));
        expect(norm).toBeCloseTo(Math.min(raw, clip), 4);
      }
    }
  });

  it('with σ = 0 and a huge C equals non-private training (summed batch loss / qN, SGD with momentum) step for step', () => {
    const { p, train, f, net } = world(4);
    const a = net(7), b = net(7);
    const q = 0.25, N = train.rows;
    // SGD, not Adam: Adam's m/√v turns float rounding in a near-zero gradient into a full step.
    const dp = new DpSgd({ optimizer: new Sgd(a.parameters(), { lr: 0.5, momentum: 0.9 }), clip: 1e9, noiseMultiplier: 0, sampleRate: q, datasetSize: N, delta: 1e-5, rng: createRng(3) });
    const plain = new Sgd(b.parameters(), { lr: 0.5, momentum: 0.9 });
    // The reference sees every weight's dense gradient, as DP-SGD's step gives (so momentum moves all rows).
    for (const t of b.parameters()) t.ensureGrad();
    const rng = createRng(8);
    for (let s = 0; s < 4; s++) {
      const visit = drawVisit(train, dp.sampleBatch(), p.positivesPerVisit, Int32Array.from({ length: 6 }, () => rng.int(train.cols)), rng);
      expect(visit.users.length).toBeGreaterThan(0);
      dpTwoTowerStep(dp, a, f, p, train, visit);
      plain.zeroGrad();
      const loss = visitLoss(b, f, p, train, visit);
      // Gradient of (Σ_u loss_u) / qN.
      loss.backward();
      scaleAllGrads(b.parameters(), 1 / (q * N));
      plain.step();
    }
    const pa = a.parameters(), pb = b.parameters(), p0 = net(7).parameters();
    let maxDiff = 0, moved = 0;
    for (let i = 0; i < pa.length; i++) {
      for (let j = 0; j < pa[i]!.size; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(pa[i]!.data[j]! - pb[i]!.data[j]!));
        moved = Math.max(moved, Math.abs(pa[i]!.data[j]! - p0[i]!.data[j]!));
      }
    }
    expect(moved).toBeGreaterThan(0.01);
    expect(maxDiff).toBeLessThan(1e-5);
  });
});

/** Multiplies dense and sparse-row gradients by `c`. */
function scaleAllGrads(params: readonly Tensor[], c: number): void {
  for (const t of params) {
    if (t.grad) for (let i = 0; i < t.grad.length; i++) t.grad[i] = t.grad[i]! * c;
    for (const s of t.sparseGrad) for (let i = 0; i < s.rows.length; i++) s.rows[i] = s.rows[i]! * c;
  }
}

describe('neural/dp-two-tower', () => {
  const fx = plantedBlocks(createRng(5), { users: 600, items: 40, groups: 4, pIn: 0.4, pOut: 0.02 });

  it('reports the ε the accountant gives for its σ, q and steps (≤ the target), kept through save and load', async () => {
    const m = new DpTwoTowerRecommender({ ...small, epsilon: 3, delta: 1e-4, sampleRate: 0.25, epochs: 2 });
    await m.fit(fx.train, { seed: 1 });
    const spent = m.privacy!;
    expect(spent.steps).toBe(stepsForEpochs(2, 0.25));
    expect(spent.epsilon).toBe(createRdpAccountant({ noiseMultiplier: spent.noiseMultiplier, sampleRate: 0.25, delta: 1e-4 }).epsilonFor(spent.steps));
    expect(spent.epsilon).toBeLessThanOrEqual(3);
    expect(spent.epsilon).toBeGreaterThan(2.99);
    expect(DpTwoTowerRecommender.load(m.save()).privacy).toEqual(spent);
    const none = new DpTwoTowerRecommender({ ...small, epochs: 1 });
    await none.fit(fx.train, { seed: 1 });
    expect(none.privacy!.epsilon).toBe(Infinity);
    expect(none.save().state.epsilon).toBeNull();
  });

  it('at ε = 8 beats the popularity ranking on planted blocks', async () => {
    const m = new DpTwoTowerRecommender({ ...small, epsilon: 8, epochs: 20 });
    await m.fit(fx.train, { seed: 2 });
    const pop = createModel('popular/all-time', {});
    await pop.fit(fx.train, { seed: 2 });
    const dp = blockScores(m, fx), base = blockScores(pop, fx);
    expect(m.privacy!.epsilon).toBeLessThanOrEqual(8);
    // Popularity ignores the user: about 1/4 of its top 5 fall in the user's block.
    expect(base.precision).toBeLessThan(0.45);
    expect(dp.precision).toBeGreaterThan(base.precision + 0.2);
    expect(dp.heldOutHit).toBeGreaterThan(base.heldOutHit);
  });
});

runRecommenderContract('neural/dp-two-tower', { ...small, noiseMultiplier: 0, epochs: 40, sampleRate: 0.5, learningRate: 0.02, temperature: 0.5 });
