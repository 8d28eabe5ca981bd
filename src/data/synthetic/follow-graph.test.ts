import { describe, it, expect } from 'vitest';
import { createRng } from '../../core/rng.js';
import { buildFollowGraph, createFolloweeSampler, follows } from './follow-graph.js';
import { followeeDistributionRef } from './follow-graph.ref.js';
import { createPopulation } from './population.js';
import { resolveSyntheticConfig } from './synthetic-config.js';

const config = resolveSyntheticConfig({ users: 150, seed: 7 });
const pop = createPopulation(config, createRng(1));

function totalVariation(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i]! - q[i]!);
  return s / 2;
}

describe('follow graph', () => {
  it('draws followees from the documented distribution (matches the O(n) reference)', () => {
    const sample = createFolloweeSampler(pop);
    const rng = createRng(3);
    const draws = 60_000;
    for (const u of [0, 17, 99]) {
      const counts = new Float64Array(pop.size);
      for (let k = 0; k < draws; k++) counts[sample(u, rng)]! += 1;
      const empirical = counts.map((c) => c / draws);
      const exact = followeeDistributionRef(pop, u);
      // Sampling noise alone gives TV ≈ 0.02 here.
      expect(totalVariation(empirical, exact)).toBeLessThan(0.045);
      // The test has power: dropping the similarity factor moves the distribution far more.
      const fameOnly = Float64Array.from(pop.fame);
      const s = fameOnly.reduce((a, b) => a + b, 0);
      expect(totalVariation(exact, fameOnly.map((f) => f / s))).toBeGreaterThan(0.15);
    }
  });

  it('has sorted rows without self-follows or duplicates, and degrees within the cap', () => {
    const g = buildFollowGraph(pop, config, createRng(5));
    const cap = Math.floor((pop.size - 1) / 2);
    const problems: string[] = [];
    for (let u = 0; u < pop.size; u++) {
      const row = Array.from(g.indices.subarray(g.indptr[u]!, g.indptr[u + 1]!));
      if (row.length < 1 || row.length > cap) problems.push(`u${u}: degree ${row.length}`);
      for (let k = 1; k < row.length; k++) if (row[k]! <= row[k - 1]!) problems.push(`u${u}: row not strictly ascending`);
      if (row.includes(u)) problems.push(`u${u}: self-follow`);
      for (const v of row) if (!follows(g, u, v)) problems.push(`u${u}: follows(${v}) false`);
    }
    expect(problems).toEqual([]);
    expect(follows(g, 0, 0)).toBe(false);
  });
});
