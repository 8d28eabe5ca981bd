import { describe, expect, it } from 'vitest';
import { applyAuthorDecay, authorDecayFactor, boostNewAuthor, capPerTopic, diversify, mmrRerank, tagJaccard } from './diversity.js';

const post = (postId: string, score: number, author: string, tags: string[] = []) => ({ postId, score, author, tags });

describe('author-diversity decay', () => {
  it('multiplies the k-th further post of an author by max(floor, decay^k)', () => {
    expect(authorDecayFactor(0, 0.5, 0.3)).toBe(1);
    expect(authorDecayFactor(1, 0.5, 0.3)).toBe(0.5);
    expect(authorDecayFactor(2, 0.5, 0.3)).toBe(0.3); // 0.25 is under the floor
  });

  it('decays in list order and sorts again', () => {
    const items = [post('p1', 1, 'a'), post('p2', 0.9, 'a'), post('p3', 0.8, 'b'), post('p4', 0.7, 'a')];
    const factors = applyAuthorDecay(items, 0.5, 0.3);
    expect(items.map((i) => i.postId)).toEqual(['p1', 'p3', 'p2', 'p4']);
    expect(items.map((i) => i.score)).toEqual([1, 0.8, 0.45, 0.7 * 0.3]);
    expect([...factors]).toEqual([['p2', 0.5], ['p4', 0.3]]);
  });

  it('leaves catalogue items (the __catalog__ author) alone', () => {
    const items = [post('m1', 1, '__catalog__'), post('m2', 0.9, '__catalog__')];
    expect(applyAuthorDecay(items, 0.5, 0.3).size).toBe(0);
    expect(items.map((i) => i.score)).toEqual([1, 0.9]);
  });

  it('is off at decay 1', () => {
    const items = [post('p1', 1, 'a'), post('p2', 0.9, 'a')];
    expect(applyAuthorDecay(items, 1, 0.3).size).toBe(0);
    expect(items.map((i) => i.score)).toEqual([1, 0.9]);
  });
});

describe('MMR re-ranking', () => {
  it('Jaccard of tag sets', () => {
    expect(tagJaccard(['x', 'y'], ['y', 'z'])).toBeCloseTo(1 / 3, 12);
    expect(tagJaccard([], [])).toBe(0);
  });

  // rel (min-max of 1, .9, .5, 0) = 1, .9, .5, 0. At λ = .5: A (.5) first; then B .45 − .5·1 = −.05,
  // C .25 − 0 = .25, D 0 − .5·.5 = −.25 → C; then B −.05 before D −.25.
  const list = () => [post('A', 1, 'a', ['x']), post('B', 0.9, 'b', ['x']), post('C', 0.5, 'c', ['y']), post('D', 0, 'd', ['x', 'y'])];

  it('picks by λ·rel − (1 − λ)·max sim, worked by hand', () => {
    const items = list();
    mmrRerank(items, 0.5, 10);
    expect(items.map((i) => i.postId)).toEqual(['A', 'C', 'B', 'D']);
    expect(items.map((i) => i.score)).toEqual([1, 0.5, 0.9, 0]); // scores unchanged
  });

  it('λ = 0 is pure novelty (ties to the earlier post), λ = 1 keeps the order', () => {
    const novel = list();
    mmrRerank(novel, 0, 10);
    expect(novel.map((i) => i.postId)).toEqual(['A', 'C', 'D', 'B']);
    const same = list();
    mmrRerank(same, 1, 10);
    expect(same.map((i) => i.postId)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('reorders only the head', () => {
    const items = list();
    mmrRerank(items, 0.5, 3);
    // head A, B, C: rel 1, .8, 0 → A; B .4 − .5 = −.1, C 0 → C; B; D stays last.
    expect(items.map((i) => i.postId)).toEqual(['A', 'C', 'B', 'D']);
    const short = list();
    mmrRerank(short, 0.5, 2);
    expect(short.map((i) => i.postId)).toEqual(['A', 'B', 'C', 'D']);
  });

  it('diversify decays authors, then reorders', () => {
    const items = [post('p1', 1, 'a', ['x']), post('p2', 0.95, 'a', ['y']), post('p3', 0.9, 'b', ['x'])];
    const factors = diversify(items, { authorDecay: 0.5, authorFloor: 0.25, mmrLambda: 1, mmrTop: 10, dppTheta: 1, topicCap: 0, newAuthorSlot: 0 });
    expect(items.map((i) => i.postId)).toEqual(['p1', 'p3', 'p2']);
    expect(factors.get('p2')).toBe(0.5);
  });
});

describe('cap per topic', () => {
  it('moves a post over its first tag’s cap to the next window, keeping order', () => {
    const items = [post('a', 5, 'u', ['x']), post('b', 4, 'u', ['x']), post('c', 3, 'u', ['x']), post('d', 2, 'u', ['y']), post('e', 1, 'u')];
    capPerTopic(items, 2, 3);
    // Window 1 takes a, b (x twice), skips c, takes d; window 2: c, e.
    expect(items.map((i) => i.postId)).toEqual(['a', 'b', 'd', 'c', 'e']);
  });

  it('leaves untagged posts alone and is off at 0', () => {
    const items = [post('a', 3, 'u'), post('b', 2, 'u'), post('c', 1, 'u')];
    capPerTopic(items, 1, 3);
    expect(items.map((i) => i.postId)).toEqual(['a', 'b', 'c']);
    const off = [post('a', 3, 'u', ['x']), post('b', 2, 'u', ['x'])];
    capPerTopic(off, 0, 2);
    expect(off.map((i) => i.postId)).toEqual(['a', 'b']);
  });
});

describe('new-author boost slot', () => {
  const context = { pageSize: 3, isNewAuthor: (a: string) => a.startsWith('new') };

  it('brings the best new author’s post onto the first page at the slot', () => {
    const items = [post('a', 5, 'old1'), post('b', 4, 'old2'), post('c', 3, 'old3'), post('d', 2, 'old4'), post('e', 1, 'new1'), post('f', 0.5, 'new2')];
    expect(boostNewAuthor(items, 2, context)).toBe('e');
    expect(items.map((i) => i.postId)).toEqual(['a', 'e', 'b', 'c', 'd', 'f']);
  });

  it('does nothing when the first page already has a new author, or nobody is new', () => {
    const has = [post('a', 5, 'old1'), post('b', 4, 'new1'), post('c', 3, 'old3'), post('d', 2, 'new2')];
    expect(boostNewAuthor(has, 1, context)).toBeUndefined();
    expect(has.map((i) => i.postId)).toEqual(['a', 'b', 'c', 'd']);
    const none = [post('a', 5, 'old1'), post('b', 4, 'old2'), post('c', 3, 'old3'), post('d', 2, 'old4')];
    expect(boostNewAuthor(none, 1, context)).toBeUndefined();
  });
});
