import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { buildDataset } from '../../data/dataset-builder.js';
import { runFollowEvaluation } from './run-follow-evaluation.js';

/** Friendships listed both ways inside 3 communities of 20 users (p 0.4), rarely across (p 0.01). */
function communityFollows(): { follower: string; followee: string }[] {
  const rng = createRng(5);
  const out: { follower: string; followee: string }[] = [];
  for (let a = 0; a < 60; a++) {
    for (let b = a + 1; b < 60; b++) {
      if (rng.next() < (Math.floor(a / 20) === Math.floor(b / 20) ? 0.4 : 0.01)) out.push({ follower: `u${a}`, followee: `u${b}` }, { follower: `u${b}`, followee: `u${a}` });
    }
  }
  return out;
}

describe('runFollowEvaluation', () => {
  const data = buildDataset({ follows: communityFollows() });

  it('scores every follow model with the item result shape, far above chance on planted communities', async () => {
    const result = await runFollowEvaluation({ data, models: 'all', k: 10, seeds: 2 });
    expect(result.models.map((m) => m.id)).toEqual([
      'follow/common-neighbours', 'follow/adamic-adar', 'follow/personalized-pagerank', 'follow/salsa', 'follow/embedding', 'follow/default',
    ]);
    expect(result.protocol.name).toBe('follow-links');
    expect(result.seeds).toEqual([42, 43]);
    for (const m of result.models) {
      expect(Object.keys(m.metrics)).toEqual(expect.arrayContaining(['recall@10', 'ndcg@10', 'mrr@10']));
      // Chance: 10 picks among ~45 non-followed accounts of which ~2.5 are hidden friends → recall ≈ 0.22.
      expect(m.metrics['recall@10']).toBeGreaterThan(0.4);
      expect(m.atK['20']!.recall).toBeGreaterThanOrEqual(m.atK['10']!.recall!);
    }
  });

  it('refuses unknown models and data without follows', async () => {
    await expect(runFollowEvaluation({ data, models: ['follow/nope'] })).rejects.toMatchObject({ code: 'MODEL_UNKNOWN' });
    const noFollows = buildDataset({ users: [{ id: 'a' }, { id: 'b' }] });
    await expect(runFollowEvaluation({ data: noFollows, models: 'all' })).rejects.toMatchObject({ code: 'DATASET_EMPTY' });
  });
});
