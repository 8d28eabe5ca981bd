import { describe, expect, it, vi } from 'vitest';
import { buildDataset } from '../data/dataset-builder.js';
import type { LinUcb } from '../policy/linucb.js';
import { userContext, writeContext, type UserContext } from './exploration-context.js';
import { Explorer, type Explorable } from './explorer.js';

const H = 3_600_000;
const user: UserContext = { activity: 0.5, tags: new Map([['jazz', 3], ['food', 4]]), norm: 5 };
const candidate = (source: string, tags: string[], ageMs: number, scores: Record<string, number>): Explorable & { id: string } => ({ id: `${source}-${tags.join()}`, source, tags, ageMs, sourceScores: scores });

describe('exploration context', () => {
  it('is [1, activity, freshness, hashtag cosine, per-source scores] (hand-computed)', () => {
    const out = new Float64Array(7);
    writeContext(out, 0, user, candidate('fresh', ['#Jazz', 'news'], 24 * H, { fresh: 0.8, trending: 0.25 }), ['in-network', 'fresh', 'trending'], 24);
    // freshness 2^(−24/24) = 0.5; cosine: jazz count 3 over ‖(3,4)‖ = 5 times √2 post tags.
    expect(Array.from(out)).toEqual([1, 0.5, 0.5, expect.closeTo(3 / (5 * Math.SQRT2), 12), 0, 0.8, 0.25]);
    writeContext(out, 0, user, candidate('x', [], NaN, {}), ['in-network', 'fresh', 'trending'], 24);
    expect(Array.from(out)).toEqual([1, 0.5, 0, 0, 0, 0, 0]);
  });

  it('the user part comes from the snapshot: activity ln(1 + n) / ln(1001), hashtag counts of their posts', () => {
    const posts = [{ id: 'a', author: 'w', text: '', created_at: 1, tags: ['jazz'] }, { id: 'b', author: 'w', text: '', created_at: 2, tags: ['jazz', 'food'] }];
    const like = (id: string, user: string, post: string) => ({ id, user, type: 'like' as const, post, timestamp: 10 });
    const data = buildDataset({ users: [{ id: 'u' }, { id: 'v' }, { id: 'w' }], posts, events: [like('1', 'u', 'a'), like('2', 'u', 'b'), like('3', 'v', 'a')] });
    const u = userContext(data, data.users.index('u'));
    expect(u.activity).toBeCloseTo(Math.log(3) / Math.log(1001), 12);
    expect([...u.tags]).toEqual(expect.arrayContaining([['jazz', 2], ['food', 1]]));
    expect(u.norm).toBeCloseTo(Math.sqrt(5), 12);
    expect(userContext(data, -1)).toEqual({ activity: 0, tags: new Map(), norm: 0 });
  });
});

describe('Explorer with a contextual policy', () => {
  it('offers up to 8 posts per source with their contexts, marks the choice, and learns its context on feedback', () => {
    let clock = 0;
    const arms = ['in-network', 'fresh'];
    const explorer = new Explorer({ every: 10, policy: { id: 'linucb', params: { epsilon: 0 } }, rewardWindowSeconds: 60, arms, now: () => clock });
    expect(explorer.dim).toBe(6);
    const candidates = [
      ...Array.from({ length: 10 }, (_, k) => candidate('in-network', ['food'], k * H, { 'in-network': 1 - k / 10 })),
      candidate('fresh', ['food', 'jazz'], 0, { fresh: 1 }),
      candidate('unknown-source', [], 0, {}),
    ];
    const pick = explorer.picker(() => user, 24);
    const choose = vi.spyOn(explorer.policy, 'choose');
    const chosen = pick(candidates)!;
    // 8 in-network posts and the fresh one; a source that is not an arm is not offered.
    expect(Array.from(choose.mock.calls[0]![0].arms)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(choose.mock.calls[0]![0].contexts!.length).toBe(9 * 6);
    // Untrained LinUCB: θ = 0, A⁻¹ = I, so the longest context wins: the fresh post's (hashtag match 7/(5√2) against 0.8).
    expect(chosen.source).toBe('fresh');
    expect(chosen.exploration).toEqual({ policy: 'linucb', arm: 'fresh', propensity: 1 });
    explorer.served('alice', [{ postId: 'p1', exploration: chosen.exploration }]);
    expect(explorer.feedback('alice', 'p1', 1)).toBe(true);
    const model = (explorer.policy as LinUcb).model;
    const x = new Float64Array(6);
    writeContext(x, 0, user, chosen, arms, 24);
    // After one update of arm 1 with reward 1: b = x, and θ = A⁻¹x = x / (1 + ‖x‖²).
    const sq = x.reduce((s, v) => s + v * v, 0);
    for (let j = 0; j < 6; j++) expect(model.theta[6 + j]).toBeCloseTo(x[j]! / (1 + sq), 12);
    expect(Array.from(model.theta.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    clock += 1;
    expect(explorer.forget('alice')).toBe(0);
  });
});
