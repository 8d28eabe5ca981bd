import { describe, expect, it } from 'vitest';
import type { Csr } from '../math/csr.js';
import type { Dataset } from './dataset.js';
import { buildDataset } from './dataset-builder.js';
import { datasetWithout } from './dataset-without.js';
import type { Event, Follow, Post } from './schemas.js';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

/**
 * Six users; u2 writes most posts (p0..p5 of p0..p7), follows and is followed by others, and engages; the latest
 * event is u0's, so `now` survives the erasure. u5 has no post and no follow.
 */
function network(): { users: { id: string }[]; posts: Post[]; follows: Follow[]; events: Event[] } {
  const posts = Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, author: i < 6 ? 'u2' : 'u3', text: `post ${i}`, tags: [`t${i}`], created_at: T0 + i * HOUR }) as Post);
  const follows = [['u0', 'u2'], ['u2', 'u0'], ['u2', 'u1'], ['u1', 'u3'], ['u3', 'u2'], ['u4', 'u0'], ['u4', 'u2']].map(([follower, followee]) => ({ follower, followee }) as Follow);
  const events: Event[] = [];
  const add = (user: string, post: string, type: string, h: number): void => { events.push({ id: `e${events.length}`, user, post, type, timestamp: T0 + (10 + h) * HOUR } as Event); };
  add('u0', 'p0', 'like', 1); add('u1', 'p1', 'view', 2); add('u2', 'p6', 'like', 3); add('u3', 'p0', 'like', 4);
  add('u1', 'p7', 'like', 5); add('u2', 'p7', 'view', 6); add('u4', 'p3', 'like', 7); add('u3', 'p6', 'view', 8);
  add('u5', 'p6', 'like', 9); add('u0', 'p7', 'like', 10); add('u1', 'p0', 'hide', 11); add('u0', 'p6', 'view', 12);
  add('u0', 'p6', 'like', 20);
  return { users: Array.from({ length: 6 }, (_, u) => ({ id: `u${u}` })), posts, follows, events };
}

const rows = (m: Csr): number[][] => Array.from({ length: m.rows }, (_, r) => Array.from(m.indices.subarray(m.indptr[r]!, m.indptr[r + 1]!)));

function expectSameEntries(got: Dataset, want: Dataset): void {
  for (const key of ['interactions', 'negatives', 'follows'] as const) {
    expect(Array.from(got[key].indptr), key).toEqual(Array.from(want[key].indptr));
    expect(Array.from(got[key].indices), key).toEqual(Array.from(want[key].indices));
    expect(Array.from(got[key].data), key).toEqual(Array.from(want[key].data));
  }
  expect(Array.from(got.interactionTimes)).toEqual(Array.from(want.interactionTimes));
  for (const key of ['user', 'item', 'type', 'weight', 'time'] as const) expect(Array.from(got.log[key]), key).toEqual(Array.from(want.log[key]));
  expect(got.now).toBe(want.now);
}

describe('datasetWithout', () => {
  it('erasing the author of most posts, a follower and followee, equals a build without them', () => {
    const { users, posts, follows, events } = network();
    const data = buildDataset({ users, posts, follows, events });
    const u2 = data.users.index('u2');
    const gone = posts.filter((p) => p.author === 'u2').map((p) => data.items.index(p.id));
    const without = datasetWithout(data, { users: [u2], items: gone });
    const goneIds = new Set(posts.filter((p) => p.author === 'u2').map((p) => p.id));
    const rebuilt = buildDataset({
      users,
      posts,
      follows: follows.filter((f) => f.follower !== 'u2' && f.followee !== 'u2'),
      events: events.filter((e) => e.user !== 'u2' && !goneIds.has(e.post!)),
    });
    expectSameEntries(without, rebuilt);
    // Neither as follower nor as followee.
    expect(rows(without.follows)[u2]).toEqual([]);
    expect(rows(without.follows).some((r) => r.includes(u2))).toBe(false);
    expect(rows(data.follows).some((r) => r.includes(u2))).toBe(true);
    for (const i of gone) {
      expect(without.itemTexts[i]).toBe('');
      expect(without.itemTags[i]).toEqual([]);
      expect(without.itemAuthors[i]).toBe(-1);
      expect(without.itemCreatedAt[i]).toBeNaN();
      // The snapshot it came from is not written to.
      expect(data.itemTexts[i]).not.toBe('');
    }
    const kept = data.items.index('p6');
    expect(without.itemTexts[kept]).toBe('post 6');
    expect(without.itemAuthors[kept]).toBe(data.users.index('u3'));
  });

  it('shares with the snapshot what the removal does not touch', () => {
    const { users, posts, follows, events } = network();
    const data = buildDataset({ users, posts, follows, events });
    const u5 = data.users.index('u5');
    const without = datasetWithout(data, { users: [u5], items: [] });
    // u5 has a like but no hide, no follow, no post.
    expect(without.negatives).toBe(data.negatives);
    expect(without.follows).toBe(data.follows);
    expect(without.itemTexts).toBe(data.itemTexts);
    expect(without.itemAuthors).toBe(data.itemAuthors);
    expect(without.interactions).not.toBe(data.interactions);
    expect(rows(without.interactions)[u5]).toEqual([]);
    const rebuilt = buildDataset({ users, posts, follows, events: events.filter((e) => e.user !== 'u5') });
    expectSameEntries(without, rebuilt);
  });

  it('erasing posts alone drops everyone\'s events on them, first and last entries included', () => {
    const { users, posts, follows, events } = network();
    const data = buildDataset({ users, posts, follows, events });
    const gone = ['p0', 'p7'].map((id) => data.items.index(id));
    const without = datasetWithout(data, { users: [], items: gone });
    const rebuilt = buildDataset({ users, posts, follows, events: events.filter((e) => e.post !== 'p0' && e.post !== 'p7') });
    expectSameEntries(without, rebuilt);
    expect(without.follows).toBe(data.follows);
  });
});
