import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { kleinbergBursts, trending } from './trends.js';
import { expandQuery, parseQuery } from './query.js';
import { createWordVectors } from './word2vec/model.js';
import { tokenizeToStrings } from './tokenize.js';

const HOUR = 3_600_000;

describe('trending', () => {
  it('finds a planted burst and ignores steady chatter', () => {
    const rng = createRng(1);
    const posts: { time: number; tokens: string[] }[] = [];
    for (let h = 0; h < 24; h++) {
      for (let i = 0; i < 40; i++) posts.push({ time: h * HOUR + rng.int(HOUR), tokens: tokenizeToStrings(`#daily news about weather ${rng.int(5)}`) });
      if (h === 23) for (let i = 0; i < 15; i++) posts.push({ time: h * HOUR + rng.int(HOUR), tokens: tokenizeToStrings('#eclipse wow the eclipse tonight') });
      if (h % 6 === 0) posts.push({ time: h * HOUR + 5, tokens: tokenizeToStrings('#eclipse soon') });
    }
    const tags = trending(posts, { since: 0, until: 24 * HOUR, kind: 'hashtags', k: 3 });
    expect(tags.map((t) => t.term)).toEqual(['#eclipse']);
    expect(tags[0]!.count).toBe(15);
    const terms = trending(posts, { since: 0, until: 24 * HOUR, kind: 'terms', k: 3 });
    expect(terms.map((t) => t.term)).toContain('eclipse');
    expect(terms.map((t) => t.term)).not.toContain('weather');
  });

  it('Kleinberg automaton marks the burst windows', () => {
    const r = [2, 3, 2, 2, 20, 25, 22, 3, 2, 2];
    const d = r.map(() => 100);
    expect(Array.from(kleinbergBursts(r, d))).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
  });
});

describe('query understanding', () => {
  it('parses mentions, hashtags, terms and intent', () => {
    expect(parseQuery('@Alice')).toEqual({ mentions: ['alice'], hashtags: [], terms: [], intent: 'people' });
    expect(parseQuery('#MachineLearning #AI')).toEqual({ mentions: [], hashtags: ['machinelearning', 'ai'], terms: [], intent: 'hashtag' });
    expect(parseQuery('sooo good pizza in #NYC').intent).toBe('text');
    expect(parseQuery('sooo good pizza in #NYC').terms).toEqual(['soo', 'good', 'pizza', 'in']);
    expect(parseQuery('who to follow').intent).toBe('people');
    expect(parseQuery('@bob pizza').intent).toBe('text');
  });

  it('expands terms with their nearest words', () => {
    const wv = createWordVectors(['pizza', 'pasta', 'car', 'truck'], 2, Float32Array.from([1, 0, 0.9, 0.1, 0, 1, 0.1, 0.9]));
    const ex = expandQuery(['pizza', 'unknown'], wv, 1);
    expect(ex.map((e) => e.term)).toEqual(['pizza', 'unknown', 'pasta']);
    expect(ex[2]!.weight).toBeGreaterThan(0.9);
    expect(ex[2]!.from).toBe('pizza');
  });
});

describe('parseQuery operators', () => {
  it('reads phrases, negation, from:, since:, until: and lang:', () => {
    const p = parseQuery('"Sourdough Bread" recipe -rye -#gluten -"white flour" from:@Alice since:2024-05-01 until:1717200000000 lang:EN');
    expect(p.phrases).toEqual(['sourdough bread']);
    expect(p.terms).toEqual(['sourdough', 'bread', 'recipe']);
    expect(p.excluded).toEqual(['rye', '#gluten', 'white flour']);
    expect(p.from).toBe('Alice');
    expect(p.since).toBe(Date.parse('2024-05-01'));
    expect(p.until).toBe(1717200000000);
    expect(p.lang).toBe('en');
  });

  it('reads unbalanced quotes, FTS and regex syntax as plain text, and refuses a bad date by name', () => {
    expect(parseQuery('bread AND (rye "oops').terms).toEqual(['bread', 'and', 'rye', 'oops']);
    expect(parseQuery('^a.*b$ [x]').terms).toEqual(['a', 'b', 'x']);
    expect(parseQuery('well-known').excluded).toBeUndefined();
    expect(() => parseQuery('since:yesterday')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
