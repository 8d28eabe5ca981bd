import { describe, expect, it } from 'vitest';
import { cryptoRng } from './random-source.js';

describe('cryptoRng', () => {
  it('draws uniform numbers in [0, 1) (mean 1/2, variance 1/12) and integers in range, different on each instance', () => {
    const rng = cryptoRng(), n = 100_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      s += u; s2 += u * u;
    }
    // Standard errors: mean 0.0009, variance 0.0003.
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - (s / n) ** 2 - 1 / 12)).toBeLessThan(0.0015);
    const counts = new Int32Array(5);
    for (let i = 0; i < 50_000; i++) counts[rng.int(5)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    const a = Array.from({ length: 8 }, () => cryptoRng().uint32());
    expect(new Set(a).size).toBe(8);
  });
});
