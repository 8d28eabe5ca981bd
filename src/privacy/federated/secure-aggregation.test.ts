import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { decode, encode, maskPartners, maskUpdate, simulatedKeyAgreement, unmaskSum } from './secure-aggregation.js';

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]! / n; my += y[i]! / n; }
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('secure aggregation by pairwise masks', () => {
  const rng = createRng(11);
  const m = 6, d = 3000;
  const updates = Array.from({ length: m }, () => Float32Array.from({ length: d }, () => rng.normal() * 0.1));
  const weights = [3, 1, 7, 2, 5, 4];
  const keys = simulatedKeyAgreement(5);

  /** The unmasked sum of the fixed-point encodings, which the masked sum must equal exactly. */
  const plainSum = Array.from({ length: d }, (_, c) => updates.reduce((s, u, k) => s + Math.round(weights[k]! * u[c]! * 2 ** 24), 0) / 2 ** 24);

  for (const neighbours of [undefined, 2, 3]) {
    it(`masks cancel exactly in the server's sum (${neighbours === undefined ? 'all pairs' : `${neighbours} neighbours`})`, () => {
      const uploads = updates.map((u, slot) => maskUpdate(u, weights[slot]!, slot, m, 4, keys, neighbours));
      const { sum, weight } = unmaskSum(uploads, d);
      expect(weight).toBe(22);
      expect(Array.from(sum)).toEqual(plainSum);
    });
  }

  it('a masked upload is uncorrelated with the update it carries, and a missing client leaves noise', () => {
    const uploads = updates.map((u, slot) => maskUpdate(u, 1, slot, m, 4, keys));
    const seen = Array.from(uploads[0]!.subarray(0, d), decode);
    expect(Math.abs(pearson(seen, updates[0]!))).toBeLessThan(0.08);
    // The masks spread each coordinate over the whole ring: decoded values reach far beyond the updates' ±1.
    expect(seen.filter((v) => Math.abs(v) > 1000).length).toBeGreaterThan(0.99 * d);
    const partial = unmaskSum(uploads.slice(1), d).sum;
    expect(Array.from(partial).filter((v) => Math.abs(v) > 1000).length).toBeGreaterThan(0.99 * d);
  });

  it('pairs share a seed both ways, which differs by round and pair', () => {
    expect(keys.pairSeed(3, 1, 4)).toBe(keys.pairSeed(3, 4, 1));
    expect(keys.pairSeed(3, 1, 4)).not.toBe(keys.pairSeed(4, 1, 4));
    expect(keys.pairSeed(3, 1, 4)).not.toBe(keys.pairSeed(3, 1, 5));
  });

  it('mask partners form a symmetric graph', () => {
    for (const k of [2, 4, 5]) {
      for (let a = 0; a < 9; a++) for (const b of maskPartners(a, 9, k)) expect(maskPartners(b, 9, k)).toContain(a);
    }
    expect(maskPartners(2, 5)).toEqual([0, 1, 3, 4]);
    expect(maskPartners(0, 9, 2)).toEqual([1, 8]);
  });

  it('fixed point round-trips and refuses values outside its range', () => {
    for (const v of [0, 1.5, -1.5, 1e-7, -8e6]) expect(decode(encode(v))).toBeCloseTo(v, 7);
    expect(() => encode(2 ** 23)).toThrow(/fixed-point/);
  });
});
