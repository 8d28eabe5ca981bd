import { describe, expect, it } from 'vitest';
import { EXACT_MAX_PLAYERS, shapleyValues } from './shapley.js';

const has = (s: number, i: number): boolean => (s & (1 << i)) !== 0;

describe('shapleyValues', () => {
  it('gives each player of an additive game its own term', () => {
    const w = [3, -1, 0.5];
    const r = shapleyValues(3, (s) => 10 + w.reduce((acc, x, i) => acc + (has(s, i) ? x : 0), 0));
    expect(r.values).toEqual([3, -1, 0.5].map((x) => expect.closeTo(x, 12)));
    expect(r.baseline).toBe(10);
    expect(r.total).toBe(12.5);
  });

  it('splits a pure interaction equally (v = x·y: each gets xy/2)', () => {
    // v(S) = a·b when both present, 0 otherwise: φ = ab/2 each, by symmetry and efficiency.
    const r = shapleyValues(2, (s) => (has(s, 0) && has(s, 1) ? 6 : 0));
    expect(r.values[0]).toBeCloseTo(3, 12);
    expect(r.values[1]).toBeCloseTo(3, 12);
  });

  it('matches the hand-computed glove game', () => {
    // Player 0 holds a left glove, players 1 and 2 right gloves; a pair is worth 1. Known answer: (2/3, 1/6, 1/6).
    const r = shapleyValues(3, (s) => (has(s, 0) && (has(s, 1) || has(s, 2)) ? 1 : 0));
    expect(r.values[0]).toBeCloseTo(2 / 3, 12);
    expect(r.values[1]).toBeCloseTo(1 / 6, 12);
    expect(r.values[2]).toBeCloseTo(1 / 6, 12);
  });

  it('matches a product game worked out by hand: v = (x0 + x1)·m2, with m2 = 0.5 when absent and 0.8 present', () => {
    // v(∅)=0, v({0})=2·0.5=1, v({1})=4·0.5=2, v({2})=0, v({0,1})=3, v({0,2})=1.6, v({1,2})=3.2, v(N)=4.8.
    // φ0 = (1/3)(1−0) + (1/6)(3−2) + (1/6)(1.6−0) + (1/3)(4.8−3.2) = 1/3 + 1/6 + 0.2667 + 0.5333 = 1.3
    const x = [2, 4];
    const r = shapleyValues(3, (s) => (x[0]! * +has(s, 0) + x[1]! * +has(s, 1)) * (has(s, 2) ? 0.8 : 0.5));
    expect(r.values[0]).toBeCloseTo(1.3, 10);
    expect(r.values.reduce((a, b) => a + b, 0)).toBeCloseTo(4.8, 12);
  });

  it('is efficient, and the sampled estimate is within a few standard errors of the exact one', () => {
    const n = EXACT_MAX_PLAYERS + 2;
    const w = Array.from({ length: n }, (_, i) => (i % 3) - 1 + i / 10);
    // A game with interactions: a weighted sum scaled by how many players are present.
    const game = (s: number): number => {
      let sum = 0, count = 0;
      for (let i = 0; i < n; i++) {
        if (!has(s, i)) continue;
        sum += w[i]!;
        count++;
      }
      return sum * (1 + count / n);
    };
    const r = shapleyValues(n, game, { samples: 3000, seed: 7 });
    expect(r.exact).toBe(false);
    expect(r.values.reduce((a, b) => a + b, 0)).toBeCloseTo(r.total - r.baseline, 9);
    // Symmetric closed form: φ_i = w_i·(1 + E[count with i]/n) + Σ_{j≠i} w_j·P(j before i)/n = w_i(1 + (n+1)/(2n)) + (W − w_i)/(2n).
    const total = w.reduce((a, b) => a + b, 0);
    w.forEach((wi, i) => {
      const expected = wi * (1 + (n + 1) / (2 * n)) + (total - wi) / (2 * n);
      expect(Math.abs(r.values[i]! - expected)).toBeLessThanOrEqual(4 * r.standardErrors[i]! + 1e-9);
    });
  });

  it('refuses an impossible player count', () => {
    expect(() => shapleyValues(-1, () => 0)).toThrow(/players/);
    expect(() => shapleyValues(31, () => 0)).toThrow(/players/);
  });
});
