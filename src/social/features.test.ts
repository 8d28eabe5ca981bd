import { describe, expect, it } from 'vitest';
import { candidatePool, FEATURE_NAMES, N_FEATURES } from './features.js';
import { followGraphFromEdges } from './follow-graph.js';
import { viewerExclusions } from './exclusions.js';
import { buildGenerators } from './signals.js';

// 0 → 1, 2;  1 → 3, 4;  2 → 3: viewer 0's friends of friends are 3 and 4.
const graph = followGraphFromEdges(5, [0, 0, 1, 1, 2], [1, 2, 3, 4, 3]);
const gens = buildGenerators({ graph });
const column = FEATURE_NAMES.indexOf('profile-similarity');

describe('who-to-follow features', () => {
  it('carry the interest-profile similarity the caller gives, per (viewer, candidate)', () => {
    const sim = (u: number, v: number): number => (u === 0 ? [0, 0, 0, 0.75, 0.25][v]! : 0);
    const pool = candidatePool(gens, graph, 0, 10, viewerExclusions(graph, 0), sim);
    const of = (v: number): number => pool.features[pool.users.indexOf(v) * N_FEATURES + column]!;
    expect(column).toBe(N_FEATURES - 1);
    expect(of(3)).toBe(0.75);
    expect(of(4)).toBe(0.25);
  });

  it('leave it at 0 without profiles', () => {
    const pool = candidatePool(gens, graph, 0, 10, viewerExclusions(graph, 0));
    for (let i = 0; i < pool.users.length; i++) expect(pool.features[i * N_FEATURES + column]).toBe(0);
  });
});
