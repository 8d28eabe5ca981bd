import { describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset-builder.js';
import type { Event, Post, User } from '../data/schemas.js';
import { ordered, tagTrends } from './trending.js';
import { tagBursts, topicBursts } from './trending-bursts.js';
import type { PostTopics } from './trending-topics.js';
import type { Recommender } from '../models/recommender.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const posts: Post[] = ['steady', 'burst', 'spam', 'ring'].map((tag) => ({ id: `p-${tag}`, author: 'author', text: `a post about ${tag}`, tags: [tag], created_at: NOW - 48 * HOUR }));
const users: User[] = [];
const events: Event[] = [];
let n = 0;
const like = (user: string, post: string, timestamp: number): void => {
  events.push({ id: `e${n++}`, user, type: 'like', post, timestamp });
};
// Long-standing accounts: each first seen four days ago.
for (let u = 0; u < 40; u++) like(`old${u}`, 'p-steady', NOW - 100 * HOUR - u);
// #steady: three accounts an hour, every hour of the day (the last hour too).
for (let h = 0; h < 24; h++) for (let k = 0; k < 3; k++) like(`old${(h * 3 + k) % 40}`, 'p-steady', NOW - h * HOUR - 60_000 * (k + 1));
// #burst: nothing, then twelve accounts in the last hour.
for (let k = 0; k < 12; k++) like(`old${k}`, 'p-burst', NOW - 60_000 * (k + 1));
// #spam: one account liking thirty times in the last hour.
for (let k = 0; k < 30; k++) like('old39', 'p-spam', NOW - 1000 * (k + 1));
// #ring: twelve accounts nobody saw before the last hour.
for (let k = 0; k < 12; k++) like(`fresh${k}`, 'p-ring', NOW - 60_000 * (k + 1));
for (const e of events) if (!users.some((u) => u.id === e.user)) users.push({ id: e.user });
const data = buildDataset({ users: [{ id: 'author' }, ...users], posts, follows: [], events });

describe('hashtag bursts', () => {
  const bursts = tagBursts(data, { newAccountHours: 72 });

  it('a planted burst is rising with a higher burst score than a steady tag', () => {
    const burst = bursts.get('burst')!, steady = bursts.get('steady')!;
    expect(burst.count).toBe(12);
    expect(burst.baseline).toBe(0);
    // σ of the earlier windows is 0, floored at 1: z = (12 − 0) / 1.
    expect(burst.z).toBe(12);
    expect(burst.rising).toBe(true);
    expect(steady.count).toBe(3);
    expect(steady.z).toBeLessThan(1);
    expect(steady.rising).toBe(false);
  });

  it('resists bot rings: one account counts once, fresh accounts not at all', () => {
    expect(bursts.get('spam')!.count).toBe(1);
    expect(bursts.get('spam')!.rising).toBe(false);
    expect(bursts.get('ring')).toBeUndefined();
    // Without the new-account rule the ring would rise.
    expect(tagBursts(data).get('ring')!.rising).toBe(true);
  });

  it('order=rising lists only rising tags by burst score; the default keeps the decayed popularity order', () => {
    // A popularity stub where #steady has all the (decayed) momentum.
    const model = { fitted: true, recommend: () => [{ item: data.items.index('p-steady'), score: 5 }, { item: data.items.index('p-burst'), score: 1 }] } as unknown as Recommender;
    const trends = tagTrends(model, data, bursts);
    expect(trends.map((t) => t.tag)).toEqual(['steady', 'burst']);
    expect(trends[1]).toMatchObject({ burst: 12, rising: true });
    expect(ordered(trends, 'rising').map((t) => t.tag)).toEqual(['burst']);
    expect(ordered(trends, 'score').map((t) => t.tag)).toEqual(['steady', 'burst']);
  });
});

describe('topic bursts', () => {
  it('count a post for its main topic: the planted burst topic rises, the steady one does not', () => {
    // Topic 0 = the steady post, topic 1 = the burst post (main topic by mixture).
    const topics: PostTopics = {
      k: 2, words: [['steady'], ['burst']], coherence: [1, 1],
      items: Int32Array.from([data.items.index('p-steady'), data.items.index('p-burst')]),
      mixtures: Float64Array.from([0.9, 0.1, 0.2, 0.8]),
    };
    const b = topicBursts(data, topics, { newAccountHours: 72 });
    expect(b.get(1)).toMatchObject({ count: 12, z: 12, rising: true });
    expect(b.get(0)!.rising).toBe(false);
    expect(b.get(0)!.z).toBeLessThan(b.get(1)!.z);
  });
});
