import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { buildDataset } from '../data/dataset-builder.js';
import type { Post } from '../data/schemas.js';
import type { Recommender } from '../models/recommender.js';
import { fitPostTopics, topicTrends } from './trending-topics.js';

// Planted: three vocabularies; the popularity model (a stub) gives all its momentum to the football posts.
const vocab = {
  cooking: ['pasta', 'basil', 'recipe', 'oven', 'garlic', 'tomato'],
  football: ['goal', 'match', 'striker', 'penalty', 'league', 'keeper'],
  space: ['rocket', 'orbit', 'launch', 'nasa', 'moon', 'satellite'],
};
const posts: Post[] = [];
const rng = createRng(12345);
for (const [topic, words] of Object.entries(vocab)) {
  for (let i = 0; i < 40; i++) {
    const text = Array.from({ length: 6 }, () => words[rng.int(words.length)]).join(' ');
    posts.push({ id: `${topic}-${i}`, author: 'u', text: `${text} @someone`, created_at: i, tags: [] });
  }
}
const dataset = buildDataset({ users: [{ id: 'u' }], posts, follows: [], events: [] });

const popularity = (hot: string): Recommender =>
  ({
    fitted: true,
    recommend: () =>
      posts.map((p) => ({ item: dataset.items.index(p.id), score: p.id.startsWith(hot) ? 2 : 0.1 })).sort((a, b) => b.score - a.score),
  }) as unknown as Recommender;

describe('trending topics', () => {
  const topics = fitPostTopics(dataset, { k: 3, seed: 7, topWords: 6 });

  it('recovers the planted vocabularies as topics, without mentions, with positive coherence', () => {
    const found = topics.words.map((w) => Object.entries(vocab).find(([, v]) => w.slice(0, 4).every((x) => v.includes(x)))?.[0]);
    expect(new Set(found)).toEqual(new Set(['cooking', 'football', 'space']));
    for (const w of topics.words) expect(w.some((x) => x.startsWith('@'))).toBe(false);
    for (const c of topics.coherence) expect(c).toBeGreaterThan(0);
  });

  it('ranks first the topic whose posts have the momentum', () => {
    for (const hot of ['football', 'space'] as const) {
      const [first, ...rest] = topicTrends(popularity(hot), dataset, topics);
      expect(first!.words.slice(0, 3).every((w) => vocab[hot].includes(w))).toBe(true);
      expect(first!.label.split(' · ')).toEqual(first!.words.slice(0, 3));
      for (const r of rest) expect(r.score).toBeLessThan(first!.score);
    }
  });
});
