import { describe, expect, it } from 'vitest';
import { boundContributions, l1Sensitivity, l2Sensitivity, sampleWithoutReplacement, type Contribution } from './contribution-bounding.js';
import { seededRandom } from './random-source.js';

const many = (user: string, key: string, n: number): Contribution[] => Array.from({ length: n }, () => ({ user, key }));

describe('boundContributions', () => {
  it('a user with 1,000 events on one hashtag moves its count by at most linf', () => {
    const others = ['a', 'b', 'c'].flatMap((u) => many(u, 'garden', 2));
    const without = boundContributions(others, { l0: 3, linf: 1 }, seededRandom(1));
    const withHeavy = boundContributions([...others, ...many('spammer', 'garden', 1000)], { l0: 3, linf: 1 }, seededRandom(1));
    expect(without.get('garden')).toBe(3);
    expect(withHeavy.get('garden')! - without.get('garden')!).toBe(1);
    const linf2 = boundContributions([...others, ...many('spammer', 'garden', 1000)], { l0: 3, linf: 2 }, seededRandom(1));
    expect(linf2.get('garden')).toBe(3 * 2 + 2);
  });

  it('keeps at most l0 keys per user, a uniform sample of them', () => {
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9'];
    const hits = new Map<string, number>();
    const random = seededRandom(4);
    for (let trial = 0; trial < 2000; trial++) {
      const counts = boundContributions(keys.map((key) => ({ user: 'u', key })), { l0: 3, linf: 1 }, random);
      expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(3);
      for (const k of counts.keys()) hits.set(k, (hits.get(k) ?? 0) + 1);
    }
    // Each key is kept with probability 3/10: 600 of 2000 expected, sd ≈ 20.
    for (const k of keys) expect(Math.abs(hits.get(k)! - 600)).toBeLessThan(100);
  });

  it('changes the whole vector by at most L1 = l0·linf when one user is removed', () => {
    const base: Contribution[] = [...many('a', 'x', 3), ...many('b', 'y', 1), ...many('b', 'x', 5)];
    const heavy: Contribution[] = ['x', 'y', 'z', 'w', 'v'].flatMap((k) => many('h', k, 50));
    const bounds = { l0: 2, linf: 3 };
    const a = boundContributions(base, bounds, seededRandom(9));
    const b = boundContributions([...base, ...heavy], bounds, seededRandom(9));
    let l1 = 0, l2 = 0;
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      const d = Math.abs((b.get(k) ?? 0) - (a.get(k) ?? 0));
      l1 += d;
      l2 += d * d;
    }
    expect(l1).toBeLessThanOrEqual(l1Sensitivity(bounds));
    expect(Math.sqrt(l2)).toBeLessThanOrEqual(l2Sensitivity(bounds) + 1e-12);
    expect(l1Sensitivity(bounds)).toBe(6);
    expect(l2Sensitivity(bounds)).toBeCloseTo(Math.SQRT2 * 3, 12);
  });

  it('refuses bounds that are not whole numbers ≥ 1', () => {
    expect(() => boundContributions([], { l0: 0, linf: 1 })).toThrow(/l0/);
    expect(() => boundContributions([], { l0: 1, linf: 1.5 })).toThrow(/linf/);
  });
});

describe('sampleWithoutReplacement', () => {
  it('returns k distinct items, all of them when k ≥ n, and leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5];
    const s = sampleWithoutReplacement(items, 3, seededRandom(1));
    expect(new Set(s).size).toBe(3);
    expect(sampleWithoutReplacement(items, 9, seededRandom(1)).sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5]);
  });
});
