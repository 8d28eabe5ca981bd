import { describe, expect, it } from 'vitest';
import type { Event } from '../data/schemas.js';
import { dampingOf, DAMPING, DAMPING_FLOOR, foldSafety, hidesPost, mutedWordHits, negativeProfile } from './safety.js';

let n = 0;
const ev = (e: Omit<Event, 'id' | 'user'> & { user?: string }): Event => ({ id: `e${n++}`, user: 'me', ...e });

describe('foldSafety', () => {
  it('folds mutes, blocks and words in time order (the latest of mute and unmute wins), whatever order they come in', () => {
    const events = [
      ev({ type: 'unmute', target_user: 'bob', timestamp: 3 }),
      ev({ type: 'mute', target_user: 'bob', timestamp: 1 }),
      ev({ type: 'mute', target_user: 'cy', timestamp: 2 }),
      ev({ type: 'block', target_user: 'dan', timestamp: 2 }),
      ev({ type: 'block', target_user: 'eli', timestamp: 2 }),
      ev({ type: 'unblock', target_user: 'eli', timestamp: 5 }),
      ev({ type: 'mute', text: '  #Spoilers ', timestamp: 4 }),
      ev({ type: 'mute', text: 'crypto', timestamp: 4 }),
      ev({ type: 'unmute', text: 'CRYPTO', timestamp: 6 }),
      ev({ type: 'report', target_user: 'fox', timestamp: 7 }),
      ev({ type: 'mute', target_user: 'zed', user: 'someone-else', timestamp: 1 }),
    ];
    const r = foldSafety('me', events.reverse());
    expect([...r.muted].sort()).toEqual(['cy', 'fox']);
    expect([...r.blocked]).toEqual(['dan']);
    expect([...r.hiddenAuthors].sort()).toEqual(['cy', 'dan', 'fox']);
    expect(r.mutedWords).toEqual(['#spoilers']);
  });

  it('a block aimed at the user hides the blocker (latest of block and unblock wins); the user\'s own list is unchanged', () => {
    const about = [
      ev({ user: 'ann', type: 'block', target_user: 'me', timestamp: 1 }),
      ev({ user: 'bo', type: 'block', target_user: 'me', timestamp: 1 }),
      ev({ user: 'bo', type: 'unblock', target_user: 'me', timestamp: 2 }),
      ev({ user: 'cat', type: 'block', target_user: 'someone-else', timestamp: 1 }),
    ];
    const r = foldSafety('me', [], about.reverse());
    expect([...r.blockedBy]).toEqual(['ann']);
    expect([...r.hiddenAuthors]).toEqual(['ann']);
    expect(r.blocked.size).toBe(0);
  });

  it('hides posts of hidden authors and posts a muted word or hashtag hits', () => {
    const r = foldSafety('me', [ev({ type: 'block', target_user: 'dan', timestamp: 1 }), ev({ type: 'mute', text: 'final score', timestamp: 1 }), ev({ type: 'mute', text: '#nba', timestamp: 1 })]);
    expect(hidesPost(r, { author: 'dan', text: 'hello', tags: [] })).toBe(true);
    expect(hidesPost(r, { author: 'amy', text: 'The FINAL score was 3-1', tags: [] })).toBe(true);
    expect(hidesPost(r, { author: 'amy', text: 'the final, score', tags: [] })).toBe(false);
    expect(hidesPost(r, { author: 'amy', text: 'hoops', tags: ['#NBA'] })).toBe(true);
    expect(hidesPost(r, { author: 'amy', text: 'loving #nba tonight', tags: [] })).toBe(true);
    expect(hidesPost(r, { author: 'amy', text: 'nba talk without the hash', tags: [] })).toBe(false);
  });

  it('a bare muted word hits the word, its hashtag and the tag, never a longer word', () => {
    expect(mutedWordHits(['cats'], { text: 'I love cats!', tags: [] })).toBe(true);
    expect(mutedWordHits(['cats'], { text: 'so #cats', tags: [] })).toBe(true);
    expect(mutedWordHits(['cats'], { text: 'x', tags: ['cats'] })).toBe(true);
    expect(mutedWordHits(['cats'], { text: 'catscan and bobcats', tags: [] })).toBe(false);
    expect(mutedWordHits(['café'], { text: 'Un CAFÉ noir', tags: [] })).toBe(true);
  });
});

describe('negative profile', () => {
  it('multiplies the damping of each signal on author, distinct tags and the serving source, floored', () => {
    const rules = foldSafety('me', [
      ev({ type: 'show_less', post: 'p1', text: 'popular/trending', timestamp: 1 }),
      ev({ type: 'hide', post: 'p2', timestamp: 2 }),
    ]);
    const posts: Record<string, { author: string; tags: string[] }> = { p1: { author: 'ann', tags: ['#Jazz', 'jazz', 'live'] }, p2: { author: 'ann', tags: ['rock'] } };
    const profile = negativeProfile(rules, (id) => posts[id]);
    expect(profile.authors.get('ann')).toBeCloseTo(DAMPING.show_less.author * DAMPING.hide.author);
    expect(profile.tags.get('jazz')).toBeCloseTo(DAMPING.show_less.tag);
    expect(profile.tags.get('rock')).toBeCloseTo(DAMPING.hide.tag);
    // Hand computed: another post by ann tagged jazz, served by trending and in-network: 0.3·0.6 (ann) · 0.6 (jazz) · max(0.8, 1).
    expect(dampingOf(profile, { author: 'ann', tags: ['jazz'] }, ['popular/trending', 'in-network'])).toBeCloseTo(0.3 * 0.6 * 0.6);
    expect(dampingOf(profile, { author: 'bo', tags: ['jazz'] }, ['popular/trending'])).toBeCloseTo(0.6 * 0.8);
    expect(dampingOf(profile, { author: 'bo', tags: ['pop'] }, ['in-network'])).toBe(1);
    const many = foldSafety('me', Array.from({ length: 10 }, (_, k) => ev({ type: 'show_less', post: 'p1', timestamp: k })));
    expect(dampingOf(negativeProfile(many, (id) => posts[id]), { author: 'ann', tags: [] })).toBe(DAMPING_FLOOR);
  });
});
