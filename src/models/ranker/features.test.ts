import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../data/dataset-builder.js';
import { DENSE_DIM, DENSE_FEATURES, FeatureState, TEXT_OFFSET, type RankerTextSignals } from './features.js';

const T0 = Date.UTC(2026, 0, 1);
const data = buildDataset({
  users: [{ id: 'u' }, { id: 'a' }],
  posts: ['i0', 'i1', 'i2'].map((id) => ({ id, author: 'a', text: id, tags: [], created_at: T0 })),
  follows: [],
  events: [],
});
const [i0, i1, i2] = ['i0', 'i1', 'i2'].map((id) => data.items.index(id)) as [number, number, number];
const vec = (cols: number[], vals: number[]): { cols: Int32Array; vals: Float32Array } => ({ cols: Int32Array.from(cols), vals: Float32Array.from(vals) });
// Unit vectors: i0 = e0, i1 = (e0 + e1)/√2, i2 = e2.
const vectors = new Map([[i0, vec([0], [1])], [i1, vec([0, 1], [Math.SQRT1_2, Math.SQRT1_2])], [i2, vec([2], [1])]]);
const mixtures = new Map([[i0, [1, 0]], [i1, [0.25, 0.75]], [i2, [0, 1]]]);
const text: RankerTextSignals = {
  sentiment: (i) => [0.5, -0.25, 0][i]!,
  offensive: (i) => [0, 0.9, 0.1][i]!,
  vector: (i) => vectors.get(i)!,
  topics: (i) => mixtures.get(i),
};
const u = data.users.index('u');

function features(state: FeatureState, item: number): Record<string, number> {
  const out = new Float32Array(DENSE_DIM);
  state.write(u, item, T0, out, 0);
  return Object.fromEntries(DENSE_FEATURES.slice(TEXT_OFFSET).map((name, k) => [name, out[TEXT_OFFSET + k]!]));
}

describe('ranker text features', () => {
  it('are the post signals, θ_u · θ_i and cos(Σ engaged vectors, v_i), computed from what the user engaged with so far', () => {
    const s = new FeatureState(data, text);
    // Before any engagement: no profile, so no match.
    expect(features(s, i1)).toEqual({ sentiment: -0.25, offensive: expect.closeTo(0.9, 6), topicMatch: 0, embeddingSimilarity: 0 });
    s.observe(u, i0);
    // θ_u = [1, 0]: match with i1 = 0.25; cos(e0, (e0 + e1)/√2) = 1/√2.
    const f1 = features(s, i1);
    expect(f1.topicMatch).toBeCloseTo(0.25, 6);
    expect(f1.embeddingSimilarity).toBeCloseTo(Math.SQRT1_2, 6);
    s.observe(u, i2);
    // θ_u = [0.5, 0.5]: match with i1 = 0.5; Σ v = e0 + e2, cos with i1 = (1/√2) / √2 = 0.5.
    const f2 = features(s, i1);
    expect(f2.topicMatch).toBeCloseTo(0.5, 6);
    expect(f2.embeddingSimilarity).toBeCloseTo(0.5, 6);
    expect(features(s, i0).sentiment).toBeCloseTo(0.5, 6);
  });

  it('are all 0 without text signals (the ablation)', () => {
    const s = new FeatureState(data);
    s.observe(u, i0);
    expect(Object.values(features(s, i1))).toEqual([0, 0, 0, 0]);
  });
});
