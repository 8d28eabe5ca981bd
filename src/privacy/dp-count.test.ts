import { describe, expect, it } from 'vitest';
import { planCounts, releaseKnownCounts, releaseSelectedCounts, selectionThreshold } from './dp-count.js';
import { discreteLaplaceTail } from './discrete-noise.js';
import { seededRandom } from './random-source.js';
import { zcdpEpsilon } from './zcdp.js';

const bounds = { l0: 3, linf: 1 };

describe('planCounts', () => {
  it('laplace: scale L1/ε, cost ε pure plus δ of key selection', () => {
    const plan = planCounts({ epsilon: 2, delta: 1e-6, mechanism: 'laplace', bounds: { l0: 3, linf: 2 }, keys: 'unknown' });
    expect(plan.noiseScale).toBe(3);
    expect(plan.cost).toEqual({ epsilon: 2, rho: 0, delta: 1e-6 });
    const known = planCounts({ epsilon: 2, delta: 1e-6, mechanism: 'laplace', bounds, keys: 'known' });
    expect(known.threshold).toBeUndefined();
    expect(known.cost.delta).toBe(0);
  });

  it('gaussian: σ = L2/√(2ρ) with ρ the largest zCDP cost within (ε, δ/2), the other δ/2 for selection', () => {
    const plan = planCounts({ epsilon: 1, delta: 1e-6, mechanism: 'gaussian', bounds: { l0: 4, linf: 1 }, keys: 'unknown' });
    expect(plan.cost.epsilon).toBe(0);
    expect(plan.cost.delta).toBe(5e-7);
    expect(plan.noiseScale).toBeCloseTo(2 / Math.sqrt(2 * plan.cost.rho), 12);
    expect(zcdpEpsilon(plan.cost.rho, 5e-7)).toBeLessThanOrEqual(1);
    expect(zcdpEpsilon(plan.cost.rho * 1.01, 5e-7)).toBeGreaterThan(1);
  });

  it('refuses ε ≤ 0, δ outside (0, 1) and unknown mechanisms', () => {
    expect(() => planCounts({ epsilon: 0, delta: 1e-6, mechanism: 'laplace', bounds, keys: 'known' })).toThrow(/ε > 0/);
    expect(() => planCounts({ epsilon: 1, delta: 1, mechanism: 'laplace', bounds, keys: 'known' })).toThrow(/δ/);
    expect(() => planCounts({ epsilon: 1, delta: 1e-6, mechanism: 'uniform' as 'laplace', bounds, keys: 'known' })).toThrow(/unknown DP mechanism/);
  });
});

describe('selection threshold', () => {
  it('is the least τ with P(Z ≥ τ − linf) ≤ δ′ = 1 − (1 − δ)^(1/l0), near Google’s 1 − (l0/ε)·ln(2δ′)', () => {
    for (const epsilon of [1, 3, 8]) {
      const plan = planCounts({ epsilon, delta: 1e-6, mechanism: 'laplace', bounds, keys: 'unknown' });
      const perKey = -Math.expm1(Math.log1p(-1e-6) / 3);
      const tau = plan.threshold!;
      expect(discreteLaplaceTail(plan.noiseScale, tau - 1)).toBeLessThanOrEqual(perKey);
      expect(discreteLaplaceTail(plan.noiseScale, tau - 2)).toBeGreaterThan(perKey);
      const google = 1 - (3 / epsilon) * Math.log(2 * perKey);
      expect(Math.abs(tau - google)).toBeLessThan(2);
    }
  });

  it('grows with linf by linf', () => {
    const tail = (m: number): number => discreteLaplaceTail(2, m);
    expect(selectionThreshold(tail, { l0: 2, linf: 5 }, 1e-6) - selectionThreshold(tail, { l0: 2, linf: 1 }, 1e-6)).toBe(4);
  });
});

describe('releaseSelectedCounts', () => {
  it('drops keys whose noisy count is under τ and keeps large ones, largest first', () => {
    for (const mechanism of ['laplace', 'gaussian'] as const) {
      const plan = planCounts({ epsilon: 1, delta: 1e-6, mechanism, bounds, keys: 'unknown' });
      const tau = plan.threshold!;
      const counts = new Map<string, number>([['rare1', 1], ['rare2', 2], ['big', tau + 200], ['bigger', tau + 400]]);
      const random = seededRandom(17);
      for (let i = 0; i < 200; i++) {
        const out = releaseSelectedCounts(counts, plan, random);
        expect(out.map((c) => c.key)).toEqual(['bigger', 'big']);
        for (const c of out) expect(c.count).toBeGreaterThanOrEqual(tau);
      }
    }
  });

  it('a key near τ is released about half the time: the threshold acts on the noisy count', () => {
    const plan = planCounts({ epsilon: 1, delta: 1e-6, mechanism: 'laplace', bounds, keys: 'unknown' });
    const random = seededRandom(3);
    let kept = 0;
    for (let i = 0; i < 2000; i++) if (releaseSelectedCounts(new Map([['edge', plan.threshold!]]), plan, random).length === 1) kept++;
    expect(kept / 2000).toBeGreaterThan(0.45);
    expect(kept / 2000).toBeLessThan(0.7);
  });

  it('needs a plan for unknown keys', () => {
    const plan = planCounts({ epsilon: 1, delta: 1e-6, mechanism: 'laplace', bounds, keys: 'known' });
    expect(() => releaseSelectedCounts(new Map(), plan)).toThrow(/unknown keys/);
  });
});

describe('releaseKnownCounts', () => {
  it('noises every key, never below 0, unbiased on large counts', () => {
    const plan = planCounts({ epsilon: 1, delta: 1e-6, mechanism: 'laplace', bounds, keys: 'known' });
    const random = seededRandom(5);
    let sum = 0;
    for (let i = 0; i < 2000; i++) {
      const out = releaseKnownCounts({ users: 1000, none: 0 }, plan, random);
      expect(out.none).toBeGreaterThanOrEqual(0);
      sum += out.users;
    }
    expect(Math.abs(sum / 2000 - 1000)).toBeLessThan(0.5);
  });
});
