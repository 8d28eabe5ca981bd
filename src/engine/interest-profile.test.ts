import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { buildDataset } from '../data/dataset-builder.js';
import type { Event, Post } from '../data/schemas.js';
import type { PostTopics } from '../feed/trending-topics.js';
import type { Store } from '../storage/store.js';
import { profileSummary, rankerTextSignals } from './interest-profile.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const posts: Post[] = [
  { id: 'p1', author: 'zed', text: 'jazz trio live tonight', tags: ['jazz'], created_at: T0, features: { sentiment_score: 0.8 } },
  { id: 'p2', author: 'zed', text: 'jazz saxophone solo', tags: ['#Jazz'], created_at: T0, features: { sentiment_score: 0.4, offensive: 0.1 } },
  { id: 'p3', author: 'zed', text: 'football match goal', tags: ['football'], created_at: T0, features: { sentiment_score: -0.5 } },
  { id: 'p4', author: 'zed', text: 'football league derby', tags: ['football'], created_at: T0 },
];
const like = (id: string, user: string, post: string, timestamp: number): Event => ({ id, user, type: 'like', post, timestamp });
// ann liked both jazz posts in the snapshot; bo liked the football posts (so they are snapshot posts with engagement).
const data = buildDataset({
  users: [{ id: 'ann' }, { id: 'bo' }, { id: 'zed' }],
  posts,
  follows: [],
  events: [like('e1', 'ann', 'p1', T0 + DAY), like('e2', 'ann', 'p2', T0 + 2 * DAY), like('e3', 'bo', 'p3', T0 + 3 * DAY), like('e4', 'bo', 'p4', T0 + 3 * DAY)],
});
// Hand-made topics: jazz words and football words; no post was fitted on them, so every post is folded in.
const topics: PostTopics = { k: 2, words: [['jazz', 'trio', 'saxophone', '#jazz'], ['football', 'match', 'goal', '#football']], coherence: [0.5, 0.5], items: new Int32Array(0), mixtures: new Float64Array(0) };

/** The two Store reads the live profile makes: events since the snapshot, and rows of posts it does not hold. */
function storeWith(events: Event[]): Store {
  return { userEvents: () => Promise.resolve(events), getPosts: () => Promise.resolve([]) } as unknown as Store;
}

describe('interest profile', () => {
  it('has the topic mixture, hashtags and sentiment of the snapshot history', async () => {
    const s = await profileSummary(data, storeWith([]), 'ann', DEFAULT_CONFIG.weights, topics, data.now + DAY);
    expect(s.posts).toBe(2);
    expect(s.topics.map((t) => [t.topic, t.share])).toEqual([[0, 1]]);
    expect(s.hashtags.map((h) => [h.tag, h.weight, h.posts])).toEqual([['jazz', 2, 2]]);
    expect(s.hashtags[0]!.explanation).toBe('you engaged with 2 posts about #jazz in the last 30 days');
    // Weighted mean of the stored sentiment scores: (0.8 + 0.4) / 2.
    expect(s.sentiment.mean).toBeCloseTo(0.6, 6);
    expect(s.sentiment.label).toBe('positive');
    expect(s.centroid.map((c) => c.term)).toContain('#jazz');
  });

  it('takes a new like in at the next read, without retraining', async () => {
    const after = await profileSummary(data, storeWith([like('e5', 'ann', 'p3', data.now + 10)]), 'ann', DEFAULT_CONFIG.weights, topics, data.now + DAY);
    expect(after.posts).toBe(3);
    // Topic mixture: two jazz posts ([1, 0]) and one football post ([0, 1]), equal weights: [2/3, 1/3].
    expect(after.topics.map((t) => t.topic)).toEqual([0, 1]);
    expect(after.topics[0]!.share).toBeCloseTo(2 / 3, 9);
    expect(after.topics[1]!.share).toBeCloseTo(1 / 3, 9);
    expect(after.topics[1]!.explanation).toBe('you engaged with 1 post about football · match · goal in the last 30 days');
    expect(after.hashtags.map((h) => [h.tag, h.weight])).toEqual([['jazz', 2], ['football', 1]]);
    expect(after.sentiment.mean).toBeCloseTo((0.8 + 0.4 - 0.5) / 3, 6);
  });

  it('counts outside the window as such', async () => {
    const s = await profileSummary(data, storeWith([]), 'ann', DEFAULT_CONFIG.weights, topics, data.now + 90 * DAY);
    expect(s.hashtags[0]!.explanation).toBe('you engaged with 2 posts about #jazz (none in the last 30 days)');
    expect(s.topics[0]!.recentPosts).toBe(0);
  });

  it('gives the ranker stored sentiment and offensive probability, unit vectors and folded-in topics', () => {
    const t = rankerTextSignals(data, topics);
    const p2 = data.items.index('p2'), p4 = data.items.index('p4');
    expect(t.sentiment(p2)).toBeCloseTo(0.4, 6);
    expect(t.offensive(p2)).toBeCloseTo(0.1, 6);
    expect(t.offensive(p4)).toBe(0);
    expect(Array.from(t.topics(p2)!)).toEqual([1, 0]);
    const v = t.vector(p4);
    expect(v.vals.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
  });
});
