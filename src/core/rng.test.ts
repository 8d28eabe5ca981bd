import { describe, expect, it } from 'vitest';
import { AliasTable, createRng, dirichlet, sampleIndex } from './rng.js';

describe('rng', () => {
  it('repeats exactly for a seed and differs across seeds', () => {
    const a = createRng(7), b = createRng(7), c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('draws uniform values in [0, 1) with mean ≈ 1/2 and normals with mean 0, variance 1', () => {
    const r = createRng(1);
    let s = 0, sn = 0, sn2 = 0, outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (u < 0 || u >= 1) outside++;
      s += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(outside).toBe(0);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('gamma has mean equal to its shape (also below 1)', () => {
    const r = createRng(3);
    for (const shape of [0.3, 1, 4.5]) {
      let s = 0;
      const n = 50_000;
      for (let i = 0; i < n; i++) s += r.gamma(shape);
      expect(s / n).toBeCloseTo(shape, 1);
    }
  });

  it('dirichlet sums to one; alias and linear samplers match the weights', () => {
    const r = createRng(5);
    const d = dirichlet(r, [0.5, 0.5, 2]);
    expect(d.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 10);
    const w = [1, 2, 3, 4];
    const table = new AliasTable(w);
    const counts = [0, 0, 0, 0], counts2 = [0, 0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      counts[table.sample(r)]!++;
      counts2[sampleIndex(r, w)]!++;
    }
    for (let i = 0; i < 4; i++) {
      expect(counts[i]! / n).toBeCloseTo(w[i]! / 10, 2);
      expect(counts2[i]! / n).toBeCloseTo(w[i]! / 10, 2);
    }
  });

  it('shuffle is a permutation', () => {
    const a = createRng(9).shuffle(Array.from({ length: 100 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
