import { describe, expect, it } from 'vitest';
import { DocEmbedder, searchTokens } from './doc-embedder.js';
import { blendScore, calibratedBlend, fitBlend, reciprocalRankFusion, type BlendExample } from './fusion.js';
import { hashtagTask, hashtagWords, wordCounts } from './hashtag-task.js';
import { feedbackQuery, VectorIndex } from './vector-index.js';

/** Two planted topics: posts of one topic share words; `#tag` marks each topic's posts. */
function plantedPosts(n: number): string[] {
  const topics = [
    ['pasta', 'tomato', 'basil', 'garlic', 'olive', 'oven'],
    ['goal', 'striker', 'match', 'referee', 'league', 'stadium'],
  ];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = topics[i % 2]!;
    const words = Array.from({ length: 6 }, (_, j) => t[(i * 7 + j * 3) % t.length]!);
    out.push(`${words.join(' ')} ${i % 2 === 0 ? '#ItalianFood' : '#footballfan'}`);
  }
  return out;
}

describe('hashtagTask', () => {
  it('removes hashtags, makes each frequent tag a query of its words, and lists its carriers', () => {
    const texts = ['I love #ItalianFood so much', 'more #italianfood here', 'and #ItalianFood again', 'one #rare tag', 'only #1 digits', 'x #1', 'y #1', 'football fan here'];
    const task = hashtagTask(texts, { minRelevant: 3, validationShare: 0 });
    expect(task.docs[0]).toBe('I love  so much');
    expect(task.queries.map((q) => q.tag)).toEqual(['italianfood']); // #rare is too rare, #1 has no letter
    expect(task.queries[0]!.text).toBe('italian food');
    expect([...task.queries[0]!.relevant]).toEqual([0, 1, 2]);
    expect(task.queries[0]!.part).toBe('test');
  });

  it('segments a tag written without case boundaries into corpus words', () => {
    const words = wordCounts(['football is great', 'a fan of football', 'every fan']);
    expect(hashtagWords('footballfan', words)).toEqual(['football', 'fan']);
    expect(hashtagWords('FootballFan2024', words)).toEqual(['football', 'fan', '2024']);
  });
});

describe('fusion', () => {
  it('reciprocal-rank fusion sums 1 / (60 + rank)', () => {
    const fused = reciprocalRankFusion([[{ id: 1, score: 9 }, { id: 2, score: 5 }], [{ id: 2, score: 0.9 }, { id: 3, score: 0.5 }]]);
    expect(fused.map((h) => h.id)).toEqual([2, 1, 3]);
    expect(fused[0]!.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
    expect(fused[1]!.score).toBeCloseTo(1 / 61, 12);
  });

  it('the calibrated blend scores posts missing from the lexical list with their exact vector score', () => {
    const c = { lexical: { a: 1, b: -2 }, vector: { a: 10, b: -5 }, lexicalWeight: 0.5 };
    const vectors = new Map([[1, 0.1], [2, 0.9]]);
    const fused = calibratedBlend([{ id: 1, score: 3 }], [{ id: 2, score: 0.9 }], (id) => vectors.get(id) ?? 0, c);
    expect(fused.map((h) => h.id)).toEqual([2, 1]);
    expect(fused[0]!.score).toBeCloseTo(blendScore(0, 0.9, c), 12);
  });

  it('fitBlend learns that the informative retriever predicts relevance', () => {
    const examples: BlendExample[] = [];
    for (let i = 0; i < 200; i++) examples.push({ lexical: (i * 37) % 10, vector: i % 2 === 0 ? 0.9 : 0.1, relevant: i % 2 === 0 });
    const c = fitBlend(examples, (cal) => 1 - cal.lexicalWeight);
    expect(c.vector.a).toBeGreaterThan(1);
    expect(c.lexicalWeight).toBe(0);
  });
});

describe('VectorIndex', () => {
  const unit = (angle: number): Float32Array => Float32Array.from([Math.cos(angle), Math.sin(angle)]);

  it('returns the nearest vectors, and k of them under a filter whenever k pass it', () => {
    const index = new VectorIndex(2);
    index.addMany(Array.from({ length: 200 }, (_, i) => i), Float32Array.from(Array.from({ length: 200 }, (_, i) => [...unit(i / 100)]).flat()));
    expect(index.size).toBe(200);
    expect(index.search(unit(0.5), 3).map((h) => h.slot)).toEqual([50, 49, 51]);
    // Only multiples of 37 pass: 6 slots, all far from the query but all returned.
    const hits = index.search(unit(0.5), 6, { accept: (s) => s % 37 === 0 });
    expect(hits.map((h) => h.slot).sort((a, b) => a - b)).toEqual([0, 37, 74, 111, 148, 185]);
    expect(index.search(unit(0.5), 2, { accept: () => true, candidates: [3, 190, 60] }).map((h) => h.slot)).toEqual([60, 3]);
  });

  it('forgets removed and replaced vectors, and skips zero rows', () => {
    const index = new VectorIndex(2);
    index.addMany([0, 1, 2], Float32Array.from([1, 0, 0, 0, 0, 1]));
    expect(index.size).toBe(2);
    index.remove(0);
    index.add(2, unit(0));
    expect(index.search(unit(0), 5).map((h) => h.slot)).toEqual([2]);
    expect(index.score(0, unit(0))).toBe(0);
  });

  it('feedback moves the query towards the given posts', () => {
    const index = new VectorIndex(2);
    index.add(0, unit(Math.PI / 2));
    const q = feedbackQuery(index, unit(0), [0], 1)!;
    expect(q[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(q[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(feedbackQuery(index, null, [], 1)).toBeNull();
  });
});

describe('DocEmbedder', () => {
  it('puts posts of the same planted topic closer than posts of the other', async () => {
    const texts = plantedPosts(400);
    const trained = (await DocEmbedder.train(texts, { method: 'mean', dim: 16, epochs: 5, threads: 1, seed: 3 }))!;
    const { embedder, vectors } = trained;
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
    const row = (i: number): Float32Array => vectors.subarray(i * 16, (i + 1) * 16);
    expect(dot(row(0), row(2))).toBeGreaterThan(dot(row(0), row(1)));
    const q = embedder.embed('tomato and garlic')!;
    expect(dot(q, row(0))).toBeGreaterThan(dot(q, row(1)));
  });

  it('has no vector for a text without a known word (empty, unknown script, emoji)', async () => {
    const { embedder } = (await DocEmbedder.train(plantedPosts(100), { dim: 8, epochs: 1, threads: 1 }))!;
    for (const t of ['', '東京タワー', '🎉🎉', 'the of and']) expect(embedder.embed(t)).toBeNull();
    expect(searchTokens('The #ItalianFood @bob http://x.co/a is GREAT')).toEqual(['italian', 'food', '@bob', 'great']);
  });
});
