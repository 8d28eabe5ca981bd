import { describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { pagesWithAuthorCap } from './author-cap.js';
import { blend, freshness } from './blend.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { explain, firstWords } from './explain.js';
import type { PostInfo } from './types.js';

describe('blend', () => {
  it('min-max normalises per source, weights and sums (CombSUM), best source first', () => {
    const out = blend([
      { name: 'a', weight: 1, candidates: [{ postId: 'p', score: 10, reason: { kind: 'trending' } }, { postId: 'q', score: 20, reason: { kind: 'trending' } }, { postId: 'r', score: 15, reason: { kind: 'trending' } }] },
      { name: 'b', weight: 0.5, candidates: [{ postId: 'p', score: 3, reason: { kind: 'recommended' } }, { postId: 's', score: 1, reason: { kind: 'recommended' } }] },
    ]);
    const by = new Map(out.map((o) => [o.postId, o]));
    // a: p → 0, q → 1, r → 0.5; b: p → 1 (×0.5), s → 0.
    expect(by.get('q')!.score).toBeCloseTo(1, 12);
    expect(by.get('r')!.score).toBeCloseTo(0.5, 12);
    expect(by.get('p')!.score).toBeCloseTo(0.5, 12);
    expect(by.get('p')!.sources).toEqual(['b', 'a']);
    expect(by.get('p')!.reason.kind).toBe('recommended');
    expect(by.get('s')!.score).toBe(0);
  });

  it('gives a source with equal scores 1 per post and keeps a post once per source', () => {
    const out = blend([{ name: 'a', weight: 2, candidates: [{ postId: 'p', score: 4, reason: { kind: 'trending' } }, { postId: 'p', score: 4, reason: { kind: 'trending' } }] }]);
    expect(out).toHaveLength(1);
    expect(out[0]!.score).toBe(2);
  });

  it('freshness halves towards a floor of ½', () => {
    expect(freshness(0, 24)).toBe(1);
    expect(freshness(24 * 3_600_000, 24)).toBeCloseTo(0.75, 12);
    expect(freshness(1e15, 24)).toBeCloseTo(0.5, 12);
    expect(freshness(NaN, 24)).toBe(1);
  });
});

describe('author cap', () => {
  it('holds the cap per page, defers the rest in rank order and loses nothing', () => {
    const ranked = ['a1', 'a2', 'a3', 'b1', 'a4', 'c1', 'b2', 'b3'];
    const pages = pagesWithAuthorCap(ranked, 3, 2, (x) => x[0]!);
    expect(pages).toEqual([['a1', 'a2', 'b1'], ['a3', 'a4', 'c1'], ['b2', 'b3']]);
    // A single-author tail makes short pages rather than breaking the cap.
    expect(pagesWithAuthorCap(['a1', 'a2', 'a3', 'a4', 'a5'], 4, 2, (x) => x[0]!)).toEqual([['a1', 'a2'], ['a3', 'a4'], ['a5']]);
  });

  it('cuts the same pages as re-scanning the whole waiting list for every page', () => {
    // The definition: each page scans every waiting post in order; the over-cap ones wait for the next page.
    const reference = (ranked: readonly string[], pageSize: number, cap: number): string[][] => {
      const pages: string[][] = [];
      let queue = ranked.slice();
      while (queue.length > 0) {
        const page: string[] = [], waiting: string[] = [], per = new Map<string, number>();
        for (const x of queue) {
          const n = per.get(x[0]!) ?? 0;
          if (page.length < pageSize && n < cap) {
            page.push(x);
            per.set(x[0]!, n + 1);
          } else waiting.push(x);
        }
        pages.push(page);
        queue = waiting;
      }
      return pages;
    };
    const rng = createRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const ranked = Array.from({ length: rng.int(60) }, (_, k) => `${'abcde'[rng.int(1 + rng.int(5))]}${k}`);
      const pageSize = 1 + rng.int(8), cap = 1 + rng.int(3);
      expect(pagesWithAuthorCap(ranked, pageSize, cap, (x) => x[0]!)).toEqual(reference(ranked, pageSize, cap));
    }
  });

  it('does not cap catalogue items (the __catalog__ author), only real authors', () => {
    const author = (x: string): string => (x.startsWith('m') ? '__catalog__' : x[0]!);
    expect(pagesWithAuthorCap(['m1', 'm2', 'a1', 'm3', 'a2', 'a3', 'm4'], 5, 2, author)).toEqual([['m1', 'm2', 'a1', 'm3', 'a2'], ['a3', 'm4']]);
  });
});

describe('cursor', () => {
  it('round-trips and refuses tampering or another user', () => {
    const c = encodeCursor('alice', { offset: 20, pageSize: 20, asOf: 1_700_000_000_000 });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('alice', c)).toEqual({ offset: 20, pageSize: 20, asOf: 1_700_000_000_000 });
    for (const [user, cur] of [['bob', c], ['alice', 'not-a-cursor'], ['alice', Buffer.from('{"o":-1}').toString('base64url')]] as const) {
      let code = '';
      try {
        decodeCursor(user, cur);
      } catch (e) {
        code = isResonateError(e) ? e.code : 'other';
      }
      expect(code).toBe('INVALID_INPUT');
    }
  });
});

describe('explanations', () => {
  const post: PostInfo = { id: 'p', author: 'alice', text: 'Morning jazz session in the park with friends today', tags: ['music', 'jazz'], createdAt: 0 };
  const ctx = { post: (id: string) => (id === 'p' ? post : undefined), trendingTag: (p: PostInfo) => (p.tags.includes('jazz') ? 'jazz' : undefined) };
  it('names the followee, quotes the liked post, names the trending tag', () => {
    expect(explain({ kind: 'follow', author: 'alice' }, post, ctx)).toBe('You follow @alice');
    expect(explain({ kind: 'because', postId: 'p' }, post, ctx)).toBe('Because you liked “Morning jazz session in the park…”');
    expect(explain({ kind: 'trending' }, post, ctx)).toBe('Trending in #jazz');
    expect(explain({ kind: 'trending' }, { ...post, tags: [] }, ctx)).toBe('Popular right now');
    expect(firstWords('  two words ')).toBe('two words');
  });
});

describe('applyRerank', () => {
  it('blends min-max scaled first-stage and ranker scores; unscored items get the mean', async () => {
    const { applyRerank } = await import('./second-stage.js');
    const items = [{ score: 10 }, { score: 20 }, { score: 30 }];
    applyRerank(items, Float32Array.from([1, NaN, 0]), 0.5);
    // first-stage scaled: 0, 0.5, 1; ranker scaled: 1, mean 0.5 → 0.5, 0
    expect(items.map((i) => i.score)).toEqual([0.5, 0.5, 0.5]);
    const b = [{ score: 1 }, { score: 2 }];
    applyRerank(b, Float32Array.from([3, 1]), 1);
    expect(b.map((i) => i.score)).toEqual([1, 0]);
  });
});
