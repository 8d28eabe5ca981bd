import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPostTexts } from './load-posts.js';
import { runSearchEvaluation } from './run-search-evaluation.js';

/** Eight planted topics, each with its own words and hashtag (on a third of its posts); the tag's words appear in another third. */
function plantedCorpus(): string[] {
  const topics = ['pasta tomato basil garlic olive oven', 'goal striker match referee league stadium', 'rocket orbit launch nasa moon crater',
    'guitar chord album concert drummer stage', 'vaccine doctor clinic nurse patient fever', 'budget senate vote election ballot party',
    'puppy kitten leash vet collar bark', 'stock market shares investor dividend trading'];
  const tags = ['#FoodLovers', '#football', '#SpaceRace', '#LiveMusic', '#HealthCare', '#politics', '#PetLife', '#WallStreet'];
  const out: string[] = [];
  for (let i = 0; i < 480; i++) {
    const t = i % 8, words = topics[t]!.split(' ');
    const pick = Array.from({ length: 5 }, (_, j) => words[(i * 5 + j * 7) % words.length]!);
    if (Math.floor(i / 8) % 3 === 0) pick.push(tags[t]!.slice(1).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase());
    out.push(`${pick.join(' ')}${i % 3 === 0 ? ` ${tags[t]}` : ''}`);
  }
  return out;
}

describe('runSearchEvaluation', () => {
  it('scores BM25, vector and hybrid on the hashtag task with the result.json shape', async () => {
    const result = await runSearchEvaluation({ texts: plantedCorpus(), models: 'all', k: 10, seeds: 1 });
    expect(result.protocol.name).toBe('hashtag-search');
    expect(result.models.map((m) => m.id)).toEqual(['search/bm25', 'search/vector', 'search/hybrid']);
    for (const m of result.models) {
      expect(Object.keys(m.metrics)).toEqual(expect.arrayContaining(['ndcg@10', 'recall@100']));
      expect(m.atK['100']!.recall).toBeGreaterThanOrEqual(m.atK['10']!.recall!);
    }
    const [bm25, vector, hybrid] = result.models;
    // Only the posts that also hold the tag's words match it lexically; the planted topic words carry the rest.
    expect(vector!.metrics['recall@100']!).toBeGreaterThan(bm25!.metrics['recall@100']!);
    expect(hybrid!.metrics['recall@100']!).toBeGreaterThanOrEqual(vector!.metrics['recall@100']!);
  }, 60_000);

  it('refuses unknown models and bad params before any work', async () => {
    await expect(runSearchEvaluation({ texts: plantedCorpus(), models: ['search/nope'] })).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
    await expect(runSearchEvaluation({ texts: plantedCorpus(), models: [{ id: 'search/hybrid', params: { fusion: 'max' } }] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('loadPostTexts', () => {
  it('reads one post per line, skipping empty lines, and refuses unknown formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'search-eval-'));
    writeFileSync(join(dir, 'posts.txt'), 'first #a\n\nsecond\r\n');
    expect(await loadPostTexts(`text:${join(dir, 'posts.txt')}`)).toEqual(['first #a', 'second']);
    await expect(loadPostTexts(`words:${join(dir, 'posts.txt')}`)).rejects.toMatchObject({ code: 'UNKNOWN_OPTION' });
  });
});
