import { describe, expect, it } from 'vitest';
import { HashtagSuggester, MAX_DRAFT_CHARS, hashtagsIn } from './hashtag-suggester.js';

const docs = [
  { text: 'fresh basil pasta tonight', tags: ['cooking'], author: 'ana' },
  { text: 'pasta with tomato and basil', tags: ['Cooking'], author: 'ben' },
  { text: 'slow roasted tomato soup', tags: ['cooking', 'soup'], author: 'ben' },
  { text: 'winter soup recipe', tags: ['soup'], author: 'cal' },
  { text: 'what a goal in the final', tags: ['football'], author: 'eve' },
  { text: 'the final whistle, what a match', tags: ['football'], author: 'fay' },
  { text: 'match day again', tags: ['football', 'matchday'], author: 'eve' },
  { text: 'match day with friends', tags: ['matchday'], author: 'ana' },
];

describe('HashtagSuggester', () => {
  it('suggests the tag whose posts share the draft’s words, with the words as the reason', () => {
    const s = HashtagSuggester.fit(docs);
    const [first] = s.suggest('basil and tomato for the pasta');
    expect(first!.tag).toBe('cooking');
    expect(first!.reason).toMatch(/basil/);
    expect(s.suggest('a great goal in the final match')[0]!.tag).toBe('football');
  });

  it('computes the naive Bayes posterior by hand on a two-tag case', () => {
    // Tags a (2 posts: "x y", "x") and b (2 posts: "z", "z"); V = 3, α = 1. Draft "x":
    // P(a) = P(b) = ½; P(x|a) = (2+1)/(3+3) = ½; P(x|b) = (0+1)/(2+3) = ⅕ → P(a|x) = ½ / (½ + ⅕) = 5/7.
    const s = HashtagSuggester.fit(
      [{ text: 'xx yy', tags: ['a'] }, { text: 'xx', tags: ['a'] }, { text: 'zz', tags: ['b'] }, { text: 'zz', tags: ['b'] }],
      { alpha: 1, minTagCount: 1 },
    );
    const got = s.suggest('xx');
    expect(got.map((g) => g.tag)).toEqual(['a', 'b']);
    expect(got[0]!.score).toBeCloseTo(5 / 7, 12);
    expect(got[1]!.score).toBeCloseTo(2 / 7, 12);
  });

  it('personalizes by the author’s own tags and leaves out tags already in the draft', () => {
    const s = HashtagSuggester.fit(docs, { authorWeight: 0.9 });
    // An empty draft: without an author the prior decides; ana's history (cooking, matchday) lifts her tags.
    const ana = s.suggest('', { author: 'ana', limit: 2 }).map((x) => x.tag);
    expect(ana.sort()).toEqual(['cooking', 'matchday']);
    expect(s.suggest('basil pasta #cooking').map((x) => x.tag)).not.toContain('cooking');
  });

  it('ignores tags used fewer than minTagCount times and refuses an oversized draft by name', () => {
    const s = HashtagSuggester.fit([...docs, { text: 'basil basil basil', tags: ['once'] }]);
    expect(s.suggest('basil', { limit: 50 }).map((x) => x.tag)).not.toContain('once');
    expect(() => s.suggest('a'.repeat(MAX_DRAFT_CHARS + 1))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('reads hashtags written in a text', () => {
    expect(hashtagsIn('Loving it #Pasta and #basil_2024 @ana')).toEqual(['pasta', 'basil_2024']);
  });
});
