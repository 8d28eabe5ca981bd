import { describe, expect, it } from 'vitest';
import { loadEvaluationData, parseDataSpec, parseSyntheticSpec } from './load-data.js';

describe('evaluation data specs', () => {
  it('reads synthetic:users=N,seed=S and refuses other keys', () => {
    expect(parseDataSpec('synthetic:users=50,seed=7')).toEqual({ format: 'synthetic', path: 'users=50,seed=7' });
    expect(parseSyntheticSpec('users=50,seed=7')).toEqual({ users: 50, seed: 7 });
    expect(parseSyntheticSpec('')).toEqual({ users: 2000, seed: 42 });
    expect(() => parseSyntheticSpec('posts=3')).toThrow(/synthetic:users=N,seed=S/);
  });

  it('generates the synthetic network with its follows, the same for the same seed', async () => {
    const a = await loadEvaluationData('synthetic:users=60,seed=7');
    const b = await loadEvaluationData('synthetic:users=60,seed=7');
    expect(a.users.size).toBeGreaterThanOrEqual(60);
    expect(a.interactions.indices.length).toBeGreaterThan(0);
    expect(a.follows.indices.length).toBeGreaterThan(0);
    expect(Array.from(b.interactions.indices)).toEqual(Array.from(a.interactions.indices));
  });
});
