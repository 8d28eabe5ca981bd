import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { cupedDifference } from './cuped.js';
import { difference, ratioSample, ratioVariance, Z95 } from './intervals.js';

describe('delta-method intervals of a ratio over users', () => {
  it('matches the hand-computed case', () => {
    // Users (likes, impressions): (1, 2), (0, 2), (3, 4). R = 4/8 = 0.5, N̄ = 8/3,
    // L = (1 − 1, 0 − 1, 3 − 2) / (8/3) = (0, −3/8, 3/8); Var(L) = (9/64 + 9/64) / 2 = 9/64; Var(R) = 9/64 / 3 = 3/64.
    const s = ratioSample([1, 0, 3], [2, 2, 4]);
    expect(s.value).toBe(0.5);
    expect(s.linearized).toEqual([0, -3 / 8, 3 / 8]);
    expect(ratioVariance(s)).toBeCloseTo(3 / 64, 15);
    const d = difference(ratioSample([1, 0, 3], [2, 2, 4]), ratioSample([1, 1], [4, 4]));
    // Control: R = 0.25 with both users at the ratio, so Var = 0: the difference's SE is √(3/64).
    expect(d.value).toBeCloseTo(0.25, 15);
    expect(d.high - d.value).toBeCloseTo(Z95 * Math.sqrt(3 / 64), 12);
  });

  it('covers the true difference about 95 % of the time (clustered data)', () => {
    const rng = createRng(3);
    let covered = 0;
    const runs = 400;
    for (let r = 0; r < runs; r++) {
      // Each user has their own click rate (Beta-like spread): impressions of one user are correlated.
      const arm = (rate: number): ReturnType<typeof ratioSample> => {
        const y: number[] = [], n: number[] = [];
        for (let u = 0; u < 200; u++) {
          const k = 1 + rng.int(20), p = Math.min(1, rate * 2 * rng.next());
          let c = 0;
          for (let i = 0; i < k; i++) if (rng.next() < p) c++;
          y.push(c);
          n.push(k);
        }
        return ratioSample(y, n);
      };
      const d = difference(arm(0.2), arm(0.1));
      if (d.low <= 0.1 && 0.1 <= d.high) covered++;
    }
    // Binomial(400, 0.95): 3 SD below is 0.95 − 0.033.
    expect(covered / runs).toBeGreaterThan(0.91);
    expect(covered / runs).toBeLessThan(0.99);
  });
});

describe('CUPED', () => {
  /** Per-user metric Y = δ·treated + ρX + √(1 − ρ²)ε (a per-user mean: N = 1), X the pre-period covariate. */
  function planted(rho: number, effect: number, seed: number): { t: { y: number[]; x: number[] }; c: { y: number[]; x: number[] } } {
    const rng = createRng(seed);
    const make = (delta: number): { y: number[]; x: number[] } => {
      const x: number[] = [], y: number[] = [];
      for (let u = 0; u < 20_000; u++) {
        const xu = rng.normal();
        x.push(xu);
        y.push(delta + rho * xu + Math.sqrt(1 - rho * rho) * rng.normal());
      }
      return { x, y };
    };
    return { t: make(effect), c: make(0) };
  }

  it('cuts the variance by ρ² and keeps the effect', () => {
    for (const rho of [0.3, 0.7, 0.9]) {
      const { t, c } = planted(rho, 0.05, 11);
      const ones = (n: number): number[] => new Array<number>(n).fill(1);
      const r = cupedDifference({ sample: ratioSample(t.y, ones(t.y.length)), covariate: t.x }, { sample: ratioSample(c.y, ones(c.y.length)), covariate: c.x });
      expect(Math.abs(r.varianceReduction - rho * rho)).toBeLessThan(0.02);
      expect(r.theta).toBeCloseTo(rho, 1);
      expect(r.difference.low).toBeLessThan(0.05);
      expect(r.difference.high).toBeGreaterThan(0.05);
    }
  });

  it('changes nothing when the covariate is unrelated', () => {
    const rng = createRng(5);
    const ys = Array.from({ length: 5000 }, () => rng.normal()), xs = Array.from({ length: 5000 }, () => rng.normal());
    const ones = new Array<number>(2500).fill(1);
    const r = cupedDifference({ sample: ratioSample(ys.slice(0, 2500), ones), covariate: xs.slice(0, 2500) }, { sample: ratioSample(ys.slice(2500), ones), covariate: xs.slice(2500) });
    expect(Math.abs(r.varianceReduction)).toBeLessThan(0.01);
  });
});
