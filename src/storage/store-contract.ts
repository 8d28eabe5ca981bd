/**
 * @module The Store contract suite: every backend runs these same vitest blocks (`runStoreContract`), the way
 * Gorse tests each storage backend against one suite. `open` must return a fresh, empty store each call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import type { Campaign, Impression, ServedPage, SponsoredImpression, Store, TimeBucket, TimeseriesMetric, WriteBatch, WriteResult } from './store.js';
import { emptyRefState, scanEventsRef, writeBatchRef } from './write-batch.ref.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

const users: User[] = [
  { id: 'alice', name: 'Alice', created_at: T0, features: { locale: 'en', age: 31 } },
  { id: 'bob', name: 'Bob', languages: ['en', 'zh-Hant'] },
  { id: 'carol' },
];
const posts: Post[] = [
  { id: 'p1', author: 'alice', text: 'Sourdough bread at dawn', created_at: T0 + 1 * MIN, tags: ['baking'] },
  { id: 'p2', author: 'bob', text: 'Marathon training log, week three', created_at: T0 + 2 * MIN, tags: ['running', 'sport'], lang: 'en' },
  { id: 'p3', author: 'alice', text: 'Reply: try rye flour', created_at: T0 + 3 * MIN, tags: [], reply_to: 'p1', features: { nsfw: false, score: 0.5 } },
  { id: 'p4', author: 'carol', text: 'Rainy day in the city', created_at: T0 + 4 * MIN, tags: ['weather'] },
];
const follows: Follow[] = [
  { follower: 'alice', followee: 'bob', created_at: T0 },
  { follower: 'carol', followee: 'bob' },
  { follower: 'bob', followee: 'alice' },
];
const events: Event[] = [
  { id: 'e1', user: 'bob', type: 'like', post: 'p1', timestamp: T0 + 10 * MIN },
  { id: 'e2', user: 'carol', type: 'view', post: 'p1', timestamp: T0 + 11 * MIN },
  { id: 'e3', user: 'bob', type: 'comment', post: 'p3', text: 'nice', timestamp: T0 + 12 * MIN },
  { id: 'e4', user: 'bob', type: 'rating', post: 'p2', value: 4.5, timestamp: T0 + 13 * MIN },
  { id: 'e5', user: 'alice', type: 'follow', target_user: 'carol', timestamp: T0 + 14 * MIN },
  { id: 'e6', user: 'bob', type: 'share', post: 'p4', timestamp: T0 + 15 * MIN },
];
const seed: WriteBatch = { users, posts, follows, events };

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Everything a store holds, for "exactly as before" comparisons. */
async function snapshot(store: Store): Promise<unknown> {
  return {
    counts: await store.counts(),
    users: await collect(store.scanUsers()),
    posts: await collect(store.scanPosts()),
    follows: await collect(store.scanFollows()),
    events: await collect(store.scanEvents()),
  };
}

async function expectCode(p: Promise<unknown>, code: string, params?: Record<string, unknown>): Promise<void> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(isResonateError(caught), `expected error ${code}, got ${String(caught)}`).toBe(true);
  const err = caught as { code: string; params: Record<string, unknown> };
  expect(err.code).toBe(code);
  if (params) expect(err.params).toMatchObject(params);
}

const byId = <T extends { id: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.id.localeCompare(b.id));

/** Registers the contract suite for one backend. */
export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('round trips', () => {
      it('stores and reads back users, posts, follows and events unchanged', async () => {
        const summary = await store.write(seed);
        expect(summary).toEqual({ users: 3, posts: 4, follows: 3, unfollows: 0, events: 6, duplicateEvents: 0, insertedEventIds: events.map((e) => e.id) });
        for (const u of users) expect(await store.getUser(u.id)).toEqual(u);
        for (const p of posts) expect(await store.getPost(p.id)).toEqual(p);
        expect(await store.getUser('nobody')).toBeUndefined();
        expect(await store.getPost('nothing')).toBeUndefined();
        expect(byId(await collect(store.scanUsers()))).toEqual(byId(users));
        expect(byId(await collect(store.scanPosts()))).toEqual(byId(posts));
        expect(await collect(store.scanEvents())).toEqual(events);
        const key = (f: Follow): string => `${f.follower}>${f.followee}`;
        expect((await collect(store.scanFollows())).sort((a, b) => key(a).localeCompare(key(b))))
          .toEqual([...follows].sort((a, b) => key(a).localeCompare(key(b))));
      });

      it('getPosts keeps the order asked for and skips unknown ids', async () => {
        await store.write(seed);
        expect((await store.getPosts(['p3', 'zz', 'p1'])).map((p) => p.id)).toEqual(['p3', 'p1']);
        expect(await store.getPosts([])).toEqual([]);
      });

      it('existingUsers / existingPosts return the subset that exists', async () => {
        await store.write(seed);
        expect(await store.existingUsers(['alice', 'zed', 'carol'])).toEqual(new Set(['alice', 'carol']));
        expect(await store.existingPosts(['p2', 'p9'])).toEqual(new Set(['p2']));
        expect(await store.existingUsers([])).toEqual(new Set());
      });

      it('follows and unfollows edit the graph', async () => {
        await store.write(seed);
        expect(await store.following('alice')).toEqual(['bob']);
        expect(await store.followers('bob')).toEqual(['alice', 'carol']);
        const s = await store.write({ unfollows: [{ follower: 'carol', followee: 'bob' }, { follower: 'carol', followee: 'alice' }] });
        expect(s.unfollows).toBe(1);
        expect(await store.followers('bob')).toEqual(['alice']);
        expect((await store.counts()).follows).toBe(2);
      });

      it('counts every table', async () => {
        expect(await store.counts()).toEqual({ users: 0, posts: 0, follows: 0, events: 0 });
        await store.write(seed);
        expect(await store.counts()).toEqual({ users: 3, posts: 4, follows: 3, events: 6 });
      });
    });

    describe('idempotence', () => {
      it('upserting the same rows twice changes nothing', async () => {
        await store.write(seed);
        const before = await snapshot(store);
        const again = await store.write({ users, posts, follows });
        expect(again.users).toBe(3);
        expect(await snapshot(store)).toEqual(before);
      });

      it('an upsert replaces the row and the search index follows', async () => {
        await store.write(seed);
        await store.write({ users: [{ id: 'bob', name: 'Robert' }], posts: [{ ...posts[0]!, text: 'Croissants at dawn', tags: ['pastry'] }] });
        expect((await store.getUser('bob'))?.name).toBe('Robert');
        expect((await store.getPost('p1'))?.text).toBe('Croissants at dawn');
        expect(await store.searchPosts('sourdough')).toEqual([]);
        expect((await store.searchPosts('croissants')).map((h) => h.post.id)).toEqual(['p1']);
        expect((await store.searchPosts('pastry')).map((h) => h.post.id)).toEqual(['p1']);
        expect((await store.counts()).posts).toBe(4);
      });

      it('a retried event batch never duplicates', async () => {
        await store.write(seed);
        const retry = await store.write({ events });
        expect(retry).toMatchObject({ events: 0, duplicateEvents: 6, insertedEventIds: [] });
        const mixed = await store.write({ events: [events[0]!, { id: 'e7', user: 'carol', type: 'like', post: 'p2', timestamp: T0 + 20 * MIN }] });
        expect(mixed).toMatchObject({ events: 1, duplicateEvents: 1, insertedEventIds: ['e7'] });
        expect((await store.counts()).events).toBe(7);
      });

      it('write names the events it stored: in batch order, once each, never a stored or repeated id', async () => {
        await store.write({ users, posts, events: [events[1]!, events[3]!] });
        // More than one multi-row statement's worth, mixing new ids, stored ids and in-batch repeats.
        const fresh: Event[] = Array.from({ length: 150 }, (_, i) => ({ id: `n${149 - i}`, user: 'carol', type: 'view', post: 'p2', timestamp: T0 + i }));
        const batch = [events[0]!, events[1]!, ...fresh.slice(0, 100), events[0]!, events[2]!, ...fresh.slice(40, 60), events[3]!, ...fresh.slice(100)];
        const s = await store.write({ events: batch });
        const want = [events[0]!.id, ...fresh.slice(0, 100).map((e) => e.id), events[2]!.id, ...fresh.slice(100).map((e) => e.id)];
        expect(s.insertedEventIds).toEqual(want);
        expect(s).toMatchObject({ events: want.length, duplicateEvents: batch.length - want.length });
        expect((await store.write({ events: batch })).insertedEventIds).toEqual([]);
        expect((await store.write({ users: [users[0]!] })).insertedEventIds).toEqual([]);
      });

      it('store.write from inside a transaction still names the events it stored', async () => {
        await store.write({ users, posts, events: [events[0]!] });
        const s = await store.transaction(async () => store.write({ events: [events[0]!, events[1]!, events[1]!] }));
        expect(s).toMatchObject({ events: 1, duplicateEvents: 2, insertedEventIds: ['e2'] });
      });

      it('a retry of a stored event is ignored even when re-stamped; its references are not checked again', async () => {
        await store.write(seed);
        const s = await store.write({ events: [{ ...events[0]!, timestamp: 1, request_id: 'r-retry' }] });
        expect(s).toMatchObject({ events: 0, duplicateEvents: 1 });
        expect((await store.userEvents('bob')).find((e) => e.id === 'e1')).toEqual(events[0]);
      });

      it('a stored event id reused for another fact is EVENT_ID_CONFLICT naming the ids; nothing of the batch is written', async () => {
        await store.write(seed);
        const before = await snapshot(store);
        const fresh: Event = { id: 'e-new', user: 'carol', type: 'like', post: 'p2', timestamp: T0 + 30 * MIN };
        const err = await store.write({ events: [fresh, { ...events[0]!, post: 'ghost' }, events[1]!, { ...events[2]!, type: 'share', value: 3 }] }).then(() => undefined, (e: unknown) => e);
        expect(err).toMatchObject({ code: 'EVENT_ID_CONFLICT', statusCode: 409, params: { count: 2, ids: `${events[0]!.id},${events[2]!.id}` } });
        expect((err as Error).message).toContain(JSON.stringify(events[2]!.id));
        expect(await snapshot(store)).toEqual(before);
        // Another user reusing the id is a conflict too, inside a transaction as well.
        await expectCode(store.transaction((tx) => tx.write({ events: [{ ...events[1]!, user: 'alice' }] })), 'EVENT_ID_CONFLICT');
        expect(await snapshot(store)).toEqual(before);
      });

      it('the same event twice in one batch is stored once; with different content it is DUPLICATE_ID', async () => {
        await store.write({ users, posts });
        const twice = await store.write({ events: [events[0]!, events[0]!] });
        expect(twice).toMatchObject({ events: 1, duplicateEvents: 1 });
        const before = await snapshot(store);
        await expectCode(store.write({ events: [events[1]!, { ...events[1]!, type: 'like' }] }), 'DUPLICATE_ID', { id: 'e2' });
        expect(await snapshot(store)).toEqual(before);
      });
    });

    describe('post authors', () => {
      it('the same author may edit a post; another author is POST_AUTHOR_IMMUTABLE and nothing of the batch is kept', async () => {
        await store.write(seed);
        const edited = { ...posts[0]!, text: 'Sourdough at noon', tags: ['bread'] };
        expect((await store.write({ posts: [edited] })).posts).toBe(1);
        expect(await store.getPost('p1')).toEqual(edited);
        const before = await snapshot(store);
        const hijack: WriteBatch = {
          users: [{ id: 'mallory' }],
          posts: [{ id: 'p9', author: 'mallory', text: 'new', created_at: T0, tags: [] }, { ...posts[1]!, author: 'mallory', text: 'pwned' }],
          events: [{ id: 'h1', user: 'mallory', type: 'like', post: 'p9', timestamp: T0 }],
        };
        await expectCode(store.write(hijack), 'POST_AUTHOR_IMMUTABLE', { field: 'posts[1].author', id: 'p2', author: 'bob', attempted: 'mallory' });
        expect(await snapshot(store)).toEqual(before);
        expect(await store.searchPosts('pwned')).toEqual([]);
        // An author known to the store but not the owner is refused the same way.
        await expectCode(store.write({ posts: [{ ...posts[3]!, author: 'alice' }] }), 'POST_AUTHOR_IMMUTABLE', { id: 'p4', author: 'carol' });
        expect((await store.getPost('p4'))?.author).toBe('carol');
      });

      it('one batch may not give a new post two authors', async () => {
        await store.write({ users });
        const p = { id: 'q1', author: 'alice', text: '', created_at: T0, tags: [] };
        await expectCode(store.write({ posts: [p, { ...p, author: 'bob' }] }), 'POST_AUTHOR_IMMUTABLE', { field: 'posts[1].author', author: 'alice' });
        expect(await store.getPost('q1')).toBeUndefined();
      });
    });

    describe('atomic batches', () => {
      it('a failed batch leaves the store exactly as before', async () => {
        await store.write(seed);
        const before = await snapshot(store);
        const bad: WriteBatch = {
          users: [{ id: 'dave', name: 'Dave' }, { id: 'alice', name: 'Changed' }],
          posts: [{ id: 'p5', author: 'dave', text: 'hello world', created_at: T0 + 30 * MIN, tags: [] }],
          follows: [{ follower: 'dave', followee: 'alice' }],
          unfollows: [{ follower: 'alice', followee: 'bob' }],
          events: [
            { id: 'n1', user: 'dave', type: 'like', post: 'p5', timestamp: T0 + 31 * MIN },
            { id: 'n2', user: 'dave', type: 'like', post: 'p1', timestamp: T0 + 32 * MIN },
            { id: 'n3', user: 'alice', type: 'view', post: 'p5', timestamp: T0 + 33 * MIN },
            { id: 'n4', user: 'dave', type: 'like', post: 'ghost', timestamp: T0 + 34 * MIN },
          ],
        };
        await expectCode(store.write(bad), 'UNKNOWN_REFERENCE', { field: 'events[3].post', id: 'ghost' });
        expect(await snapshot(store)).toEqual(before);
        expect(await store.searchPosts('hello')).toEqual([]);
      });

      it('rejects references to unknown users and posts, naming the field', async () => {
        await store.write(seed);
        await expectCode(store.write({ posts: [{ ...posts[0]!, id: 'p9', author: 'zed' }] }), 'UNKNOWN_REFERENCE', { field: 'posts[0].author' });
        await expectCode(store.write({ follows: [follows[0]!, { follower: 'alice', followee: 'zed' }] }), 'UNKNOWN_REFERENCE', { field: 'follows[1].followee' });
        await expectCode(store.write({ events: [{ id: 'x1', user: 'zed', type: 'like', post: 'p1', timestamp: T0 }] }), 'UNKNOWN_REFERENCE', { field: 'events[0].user' });
        await expectCode(
          store.write({ events: [{ id: 'x2', user: 'bob', type: 'follow', target_user: 'zed', timestamp: T0 }] }),
          'UNKNOWN_REFERENCE',
          { field: 'events[0].target_user' },
        );
        expect(await store.counts()).toEqual({ users: 3, posts: 4, follows: 3, events: 6 });
      });

      it('forgets users and posts of a failed batch: later references to them are still unknown', async () => {
        await store.write(seed);
        const failed = {
          users: [{ id: 'ghost-user' }],
          posts: [{ id: 'ghost-post', author: 'ghost-user', text: 'boo', created_at: T0, tags: [] }],
          events: [{ id: 'g1', user: 'ghost-user', type: 'like' as const, post: 'nowhere', timestamp: T0 }],
        };
        await expectCode(store.write(failed), 'UNKNOWN_REFERENCE', { field: 'events[0].post' });
        await expectCode(store.write({ events: [{ id: 'g2', user: 'ghost-user', type: 'view', post: 'p1', timestamp: T0 }] }), 'UNKNOWN_REFERENCE', { field: 'events[0].user' });
        await expectCode(store.write({ events: [{ id: 'g3', user: 'bob', type: 'view', post: 'ghost-post', timestamp: T0 }] }), 'UNKNOWN_REFERENCE', { field: 'events[0].post' });
        // The same inside a transaction whose savepoint rolls back while the outer transaction commits.
        await store.transaction(async (tx) => {
          await expectCode(tx.write(failed), 'UNKNOWN_REFERENCE');
          await expectCode(tx.write({ events: [{ id: 'g4', user: 'ghost-user', type: 'view', post: 'p1', timestamp: T0 }] }), 'UNKNOWN_REFERENCE');
        });
        expect(await store.counts()).toEqual({ users: 3, posts: 4, follows: 3, events: 6 });
      });

      it('names the bad row of a large batch and keeps none of it', async () => {
        await store.write(seed);
        const before = await snapshot(store);
        const many: Event[] = Array.from({ length: 150 }, (_, i) => ({ id: `m${i}`, user: 'bob', type: 'view', post: i === 100 ? 'ghost' : 'p1', timestamp: T0 + i }));
        await expectCode(store.write({ events: many }), 'UNKNOWN_REFERENCE', { field: 'events[100].post' });
        expect(await snapshot(store)).toEqual(before);
        const ok = await store.write({ events: [...many.slice(0, 100), ...many.slice(0, 70), ...many.slice(101)] });
        expect(ok).toMatchObject({ events: 149, duplicateEvents: 70 });
      });

      it('rows of one batch may refer to each other (users, then posts, then follows, then events)', async () => {
        const s = await store.write({
          events: [{ id: 'z1', user: 'u1', type: 'like', post: 'q1', timestamp: T0 }],
          follows: [{ follower: 'u1', followee: 'u1' }],
          posts: [{ id: 'q1', author: 'u1', text: '', created_at: T0, tags: [] }],
          users: [{ id: 'u1' }],
        });
        expect(s).toMatchObject({ users: 1, posts: 1, follows: 1, events: 1 });
      });
    });

    describe('deletes and ingest state', () => {
      it('retracts events, deletes posts with their events, and keeps ingest state with the rows', async () => {
        await store.write(seed);
        const r = await store.write({ deleteEvents: ['e4', 'missing'], deletePosts: ['p1'], state: [{ key: 'stream:cursor', value: '17' }, { key: 'gone', value: 'x' }] });
        expect(r).toMatchObject({ deletedEvents: 1, deletedPosts: 1 });
        expect(await store.existingPosts(['p1', 'p2'])).toEqual(new Set(['p2']));
        // e1 and e2 were on p1; e4 was retracted.
        expect((await collect(store.scanEvents())).map((e) => e.id)).toEqual(['e3', 'e5', 'e6']);
        expect(await store.readState(['stream:cursor', 'gone', 'none'])).toEqual(new Map([['stream:cursor', '17'], ['gone', 'x']]));
        await store.write({ state: [{ key: 'stream:cursor', value: '18' }, { key: 'gone', value: null }] });
        expect(await store.readState(['stream:cursor', 'gone'])).toEqual(new Map([['stream:cursor', '18']]));
        expect(await collect(store.scanIngestState())).toEqual([{ key: 'stream:cursor', value: '18' }]);
        // A deleted post can no longer be referenced, and can be written again.
        await expectCode(store.write({ events: [{ id: 'e9', user: 'bob', type: 'like', post: 'p1', timestamp: T0 }] }), 'UNKNOWN_REFERENCE');
        await store.write({ posts: [posts[0]!], events: [{ id: 'e9', user: 'bob', type: 'like', post: 'p1', timestamp: T0 }] });
        expect(await store.existingPosts(['p1'])).toEqual(new Set(['p1']));
      });

      it('a deleted post leaves a record: hidden like a takedown, refused edits can tell it, gone when written again or erased', async () => {
        await store.write(seed);
        expect(await store.getEvent('e4')).toEqual(events[3]);
        expect(await store.getEvent('none')).toBeUndefined();
        const before = Date.now();
        await store.write({ deletePosts: ['p1', 'p4', 'never'] });
        expect(await store.deletedPosts(['p1', 'p2', 'p4', 'never'])).toEqual(new Set(['p1', 'p4']));
        expect(await store.takenDown(['p1', 'p2', 'p4'])).toEqual(new Set(['p1', 'p4']));
        // Not a moderation takedown: the takedown list is unchanged.
        expect(await store.takedowns()).toEqual([]);
        const records = await collect(store.scanDeletedPosts());
        expect(records.map((d) => [d.id, d.author])).toEqual([['p1', 'alice'], ['p4', 'carol']]);
        expect(records[0]!.deleted_at).toBeGreaterThanOrEqual(before);
        expect(await store.getEvent('e1')).toBeUndefined();
        // Written again: no longer deleted.
        await store.write({ posts: [posts[0]!] });
        expect(await store.deletedPosts(['p1', 'p4'])).toEqual(new Set(['p4']));
        expect(await store.takenDown(['p1'])).toEqual(new Set());
        // Erasing the author removes the record (it names the author).
        await store.eraseUser('carol');
        expect(await collect(store.scanDeletedPosts())).toEqual([]);
        await store.writeRecords({ deletedPosts: [{ id: 'p9', author: 'alice', deleted_at: T0 }] });
        expect(await collect(store.scanDeletedPosts())).toEqual([{ id: 'p9', author: 'alice', deleted_at: T0 }]);
      });

      it('keeps mention edges with their post: read back, found by mentioned user, replaced, gone with the post or the user', async () => {
        await store.write(seed);
        const m1: Post = { id: 'm1', author: 'alice', text: '@bob @carol look', created_at: T0 + 5 * MIN, tags: [], mentions: ['bob', 'carol'] };
        const m2: Post = { id: 'm2', author: 'carol', text: 'hi @bob', created_at: T0 + 6 * MIN, tags: [], mentions: ['bob'] };
        await store.write({ posts: [m1, m2] });
        expect(await store.getPost('m1')).toEqual(m1);
        expect((await store.postsMentioning('bob', 10)).map((p) => p.id)).toEqual(['m2', 'm1']);
        expect((await store.postsMentioning('bob', 1)).map((p) => p.id)).toEqual(['m2']);
        expect((await store.postsMentioning('bob', 10, T0 + 6 * MIN)).map((p) => p.id)).toEqual(['m2']);
        expect((await store.postsMentioning('carol', 10)).map((p) => p.id)).toEqual(['m1']);
        expect((await store.exportUser('bob'))!.mentionedIn).toEqual(['m2', 'm1']);
        // An edit replaces the edges; a post without mentions has none.
        await store.write({ posts: [{ ...m1, mentions: ['carol'] }] });
        expect((await store.postsMentioning('bob', 10)).map((p) => p.id)).toEqual(['m2']);
        await store.write({ posts: [{ ...m1, mentions: undefined }] });
        expect(await store.postsMentioning('carol', 10)).toEqual([]);
        expect(await store.getPost('m1')).not.toHaveProperty('mentions');
        await store.write({ deletePosts: ['m2'] });
        expect(await store.postsMentioning('bob', 10)).toEqual([]);
        // Erasing a mentioned user takes their id out of others' mentions.
        await store.write({ posts: [{ ...m1, mentions: ['bob', 'carol'] }] });
        await store.eraseUser('carol');
        expect((await store.getPost('m1'))!.mentions).toEqual(['bob']);
        await store.eraseUser('bob');
        expect(await store.getPost('m1')).not.toHaveProperty('mentions');
      });

      it('writes the state in the transaction of its rows: nothing of either when the batch fails', async () => {
        await store.write({ users, state: [{ key: 'stream:cursor', value: '1' }] });
        await expectCode(store.write({ posts: [{ ...posts[0]!, author: 'nobody' }], state: [{ key: 'stream:cursor', value: '2' }] }), 'UNKNOWN_REFERENCE');
        expect(await store.readState(['stream:cursor'])).toEqual(new Map([['stream:cursor', '1']]));
        await expect(store.transaction(async (tx) => {
          await tx.write({ posts, state: [{ key: 'stream:cursor', value: '3' }] });
          throw new Error('killed');
        })).rejects.toThrow('killed');
        expect(await store.readState(['stream:cursor'])).toEqual(new Map([['stream:cursor', '1']]));
        expect((await store.counts()).posts).toBe(0);
      });
    });

    describe('transactions', () => {
      it('keeps every write of an async transaction', async () => {
        const result = await store.transaction(async (tx) => {
          await tx.write({ users });
          await new Promise((r) => setTimeout(r, 5));
          await tx.write({ posts });
          await store.write({ follows }); // the store itself, from inside: joins the transaction
          return 'done';
        });
        expect(result).toBe('done');
        expect(await store.counts()).toEqual({ users: 3, posts: 4, follows: 3, events: 0 });
      });

      it('keeps nothing when the function throws after several writes', async () => {
        await store.write({ users: [users[0]!] });
        const before = await snapshot(store);
        await expect(
          store.transaction(async (tx) => {
            await tx.write({ users });
            await new Promise((r) => setTimeout(r, 5));
            await tx.write({ posts, events });
            await store.write({ follows });
            throw new Error('interrupted');
          }),
        ).rejects.toThrow('interrupted');
        expect(await snapshot(store)).toEqual(before);
      });

      it('a failed batch inside a transaction is undone alone; the rest commits', async () => {
        await store.transaction(async (tx) => {
          await tx.write({ users });
          await expectCode(tx.write({ posts: [{ ...posts[0]!, author: 'zed' }] }), 'UNKNOWN_REFERENCE');
          await tx.write({ posts });
        });
        expect(await store.counts()).toMatchObject({ users: 3, posts: 4 });
      });

      it('a write from elsewhere waits for the open transaction and survives its rollback', async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => (release = r));
        const tx = store.transaction(async (w) => {
          await w.write({ users: [users[0]!] });
          await gate;
          throw new Error('rolled back');
        });
        const outside = store.write({ users: [users[1]!] });
        release();
        await expect(tx).rejects.toThrow('rolled back');
        await outside;
        expect((await collect(store.scanUsers())).map((u) => u.id)).toEqual(['bob']);
      });

      it('nested transactions roll back on their own', async () => {
        await store.transaction(async (tx) => {
          await tx.write({ users: [users[0]!] });
          await expect(
            store.transaction(async (inner) => {
              await inner.write({ users: [users[1]!] });
              throw new Error('inner');
            }),
          ).rejects.toThrow('inner');
        });
        expect((await collect(store.scanUsers())).map((u) => u.id)).toEqual(['alice']);
      });
    });

    describe('reads', () => {
      beforeEach(async () => {
        await store.write(seed);
      });

      it('userEvents: newest first, filtered by type and time, limited', async () => {
        expect((await store.userEvents('bob')).map((e) => e.id)).toEqual(['e6', 'e4', 'e3', 'e1']);
        expect((await store.userEvents('bob', { types: ['like', 'share'] })).map((e) => e.id)).toEqual(['e6', 'e1']);
        expect((await store.userEvents('bob', { before: T0 + 13 * MIN })).map((e) => e.id)).toEqual(['e3', 'e1']);
        expect((await store.userEvents('bob', { since: T0 + 12 * MIN, limit: 2 })).map((e) => e.id)).toEqual(['e6', 'e4']);
        expect(await store.userEvents('nobody')).toEqual([]);
      });

      it('eventsAbout: the events that target a user, newest first, filtered by type', async () => {
        expect((await store.eventsAbout('carol')).map((e) => e.id)).toEqual(['e5']);
        await store.write({ events: [{ id: 'b1', user: 'bob', type: 'block', target_user: 'carol', timestamp: T0 + 20 * MIN }] });
        expect((await store.eventsAbout('carol')).map((e) => e.id)).toEqual(['b1', 'e5']);
        expect((await store.eventsAbout('carol', { types: ['block', 'unblock'] })).map((e) => e.id)).toEqual(['b1']);
        expect(await store.eventsAbout('nobody')).toEqual([]);
      });

      it('eventsBetween: the half-open window [since, before), newest first', async () => {
        expect((await store.eventsBetween(T0 + 11 * MIN, T0 + 14 * MIN)).map((e) => e.id)).toEqual(['e4', 'e3', 'e2']);
        expect((await store.eventsBetween(T0, T0 + 20 * MIN, { types: ['follow'] })).map((e) => e.id)).toEqual(['e5']);
        expect((await store.eventsBetween(T0, T0 + 20 * MIN, { limit: 1 })).map((e) => e.id)).toEqual(['e6']);
      });

      it('postsBetween and postsByAuthors: newest first', async () => {
        expect((await store.postsBetween(T0 + 2 * MIN, T0 + 4 * MIN)).map((p) => p.id)).toEqual(['p3', 'p2']);
        expect((await store.postsBetween(T0, T0 + 10 * MIN, 2)).map((p) => p.id)).toEqual(['p4', 'p3']);
        expect((await store.postsByAuthors(['alice', 'carol'], 10)).map((p) => p.id)).toEqual(['p4', 'p3', 'p1']);
        expect((await store.postsByAuthors(['alice', 'carol'], 2)).map((p) => p.id)).toEqual(['p4', 'p3']);
        expect((await store.postsByAuthors(['alice'], 10, T0 + 2 * MIN)).map((p) => p.id)).toEqual(['p3']);
        expect(await store.postsByAuthors([], 10)).toEqual([]);
      });
    });

    describe('erasure, export and audit', () => {
      beforeEach(async () => {
        await store.write(seed);
      });

      it('erases a user: their posts, follows both ways, own events, events on their posts and aimed at them', async () => {
        const summary = await store.eraseUser('alice', { actor: 'test' });
        expect(summary).toEqual({ user: 'alice', posts: 2, replies: 0, follows: 2, events: 4, impressions: 0 });
        expect(await store.getUser('alice')).toBeUndefined();
        expect(await store.getPosts(['p1', 'p3'])).toEqual([]);
        expect(await store.followers('bob')).toEqual(['carol']);
        expect((await collect(store.scanEvents())).map((e) => e.id)).toEqual(['e4', 'e6']);
        expect(await store.searchPosts('sourdough')).toEqual([]);
        expect(await store.isErased('alice')).toBe(true);
        expect((await store.userFlags()).erased).toEqual(['alice']);
        expect(await store.auditLog()).toEqual([expect.objectContaining({ action: 'erase', subject: 'alice', actor: 'test' })]);
      });

      it('erasing an unknown user writes nothing; a new row for an erased id is a new user', async () => {
        const before = await snapshot(store);
        expect(await store.eraseUser('nobody')).toBeUndefined();
        expect(await snapshot(store)).toEqual(before);
        await store.eraseUser('carol');
        await expectCode(store.write({ events: [{ id: 'late', user: 'carol', type: 'like', post: 'p2', timestamp: T0 }] }), 'UNKNOWN_REFERENCE');
        await store.write({ users: [{ id: 'carol' }] });
        expect(await store.isErased('carol')).toBe(false);
      });

      it('deletes others\' replies to the erased posts when asked', async () => {
        await store.write({ posts: [{ id: 'r1', author: 'bob', text: 'agreed', created_at: T0 + 5 * MIN, tags: [], reply_to: 'p4' }] });
        expect(await store.eraseUser('carol', { replies: 'delete' })).toMatchObject({ posts: 1, replies: 1 });
        expect(await store.getPost('r1')).toBeUndefined();
      });

      it('exports everything stored about a user, audited', async () => {
        const out = await store.exportUser('bob', { actor: 'test' });
        expect(out?.user).toEqual(users[1]);
        expect(out?.posts.map((p) => p.id)).toEqual(['p2']);
        expect(out?.events.map((e) => e.id)).toEqual(['e1', 'e3', 'e4', 'e6']);
        expect(out?.following).toEqual(['alice']);
        expect(out?.followers).toEqual(['alice', 'carol']);
        expect(await store.exportUser('nobody')).toBeUndefined();
        expect((await store.auditLog())[0]).toMatchObject({ action: 'export', subject: 'bob', details: { posts: 1, events: 4 } });
      });

      it('keeps the smart-replies opt-out of a user, and clears it when written again without it', async () => {
        await store.write({ users: [{ id: 'bob', name: 'Bob', smartReplies: false }] });
        expect(await store.getUser('bob')).toEqual({ id: 'bob', name: 'Bob', smartReplies: false });
        const scanned: unknown[] = [];
        for await (const u of store.scanUsers()) if (u.id === 'bob') scanned.push(u);
        expect(scanned).toEqual([{ id: 'bob', name: 'Bob', smartReplies: false }]);
        await store.write({ users: [{ id: 'bob', name: 'Bob', smartReplies: true }] });
        expect(await store.getUser('bob')).toEqual({ id: 'bob', name: 'Bob', smartReplies: true });
      });

      it('keeps the personalization flag of a user', async () => {
        await store.write({ users: [{ id: 'bob', name: 'Bob', personalization: false }] });
        expect(await store.getUser('bob')).toEqual({ id: 'bob', name: 'Bob', personalization: false });
        expect((await store.userFlags()).unpersonalized).toEqual(['bob']);
        await store.write({ users: [{ id: 'bob', name: 'Bob' }] });
        expect((await store.userFlags()).unpersonalized).toEqual([]);
      });
    });

    describe('replies and takedowns', () => {
      beforeEach(async () => {
        await store.write(seed);
      });

      it('reads the replies of a post oldest first, bounded', async () => {
        await store.write({ posts: [
          { id: 'r2', author: 'carol', text: 'later', created_at: T0 + 9 * MIN, tags: [], reply_to: 'p1' },
          { id: 'r1', author: 'bob', text: 'earlier', created_at: T0 + 5 * MIN, tags: [], reply_to: 'p1' },
        ] });
        expect((await store.repliesTo('p1', 10)).map((p) => p.id)).toEqual(['p3', 'r1', 'r2']);
        expect((await store.repliesTo('p1', 2)).map((p) => p.id)).toEqual(['p3', 'r1']);
        expect(await store.repliesTo('p4', 10)).toEqual([]);
      });

      it('takes a post down once, audited; an unknown post is refused without a write', async () => {
        expect(await store.takeDown({ post: 'p2', at: T0 + 20 * MIN, actor: 'mod', reason: 'spam' })).toBe(true);
        expect(await store.takeDown({ post: 'p2', at: T0 + 30 * MIN, actor: 'other' })).toBe(true);
        expect(await store.takeDown({ post: 'nope', at: T0 })).toBe(false);
        expect(await store.takenDown(['p1', 'p2', 'nope'])).toEqual(new Set(['p2']));
        expect(await store.takedowns()).toEqual([{ post: 'p2', at: T0 + 20 * MIN, actor: 'mod', reason: 'spam' }]);
        expect(await store.auditLog()).toEqual([expect.objectContaining({ action: 'takedown', subject: 'p2', actor: 'mod', details: { reason: 'spam' } })]);
        expect(await collect(store.scanTakedowns())).toEqual([{ post: 'p2', at: T0 + 20 * MIN, actor: 'mod', reason: 'spam' }]);
        expect((await store.exportUser('bob'))?.takedowns).toEqual([{ post: 'p2', at: T0 + 20 * MIN, actor: 'mod', reason: 'spam' }]);
      });

      it('erasing the author drops the takedowns of their posts; copied records are kept', async () => {
        await store.takeDown({ post: 'p1', at: T0 + 20 * MIN });
        await store.writeRecords({ takedowns: [{ post: 'p4', at: T0 + 21 * MIN, reason: 'copied' }] });
        await store.eraseUser('alice');
        expect(await store.takedowns()).toEqual([{ post: 'p4', at: T0 + 21 * MIN, reason: 'copied' }]);
      });
    });

    describe('impression log', () => {
      const R1 = '0b8f2c1e-3d4a-4b5c-8d6e-7f8091a2b3c4';
      const R2 = '1c9f3d2e-4e5b-4c6d-9e7f-8091a2b3c4d5';
      const page = (requestId: string, userId: string, postIds: string[], at: number, offset = 0): ServedPage =>
        ({ requestId, userId, offset, at, items: postIds.map((postId, k) => ({ postId, source: 'in-network', score: 1 / (k + 1) })) });
      /** What the log reads back for a page of the blended ranking. */
      const served = (requestId: string, userId: string, postIds: string[], at: number): Impression[] =>
        postIds.map((postId, position) => ({ requestId, userId, postId, position, source: 'in-network', score: 1 / (position + 1), policy: 'blend', propensity: 1, at }));

      beforeEach(async () => {
        await store.write(seed);
      });

      it('appends pages idempotently and scans their items in logging order, filtered by time and user', async () => {
        const explored: ServedPage = { requestId: R2, userId: 'bob', offset: 20, at: T0 + 19 * MIN, experiment: 'exp:b', items: [{ postId: 'p4', source: 'fresh', score: 0.5, exploration: { policy: 'thompson', arm: 'fresh', propensity: 0.25 } }] };
        expect(await store.writeImpressions([page(R1, 'carol', ['p2', 'p1'], T0 + 20 * MIN)])).toBe(2);
        expect(await store.writeImpressions([page(R1, 'carol', ['p2', 'p1'], T0 + 20 * MIN), explored])).toBe(1);
        const first = served(R1, 'carol', ['p2', 'p1'], T0 + 20 * MIN);
        const second: Impression[] = [{ requestId: R2, userId: 'bob', postId: 'p4', position: 20, source: 'fresh', score: 0.5, policy: 'thompson', arm: 'fresh', propensity: 0.25, experiment: 'exp:b', at: T0 + 19 * MIN }];
        expect(await collect(store.scanImpressions())).toEqual([...first, ...second]);
        expect(await collect(store.scanImpressions({ since: T0 + 20 * MIN }))).toEqual(first);
        expect(await collect(store.scanImpressions({ before: T0 + 20 * MIN }))).toEqual(second);
        expect(await collect(store.scanImpressions({ userId: 'carol' }))).toEqual(first);
        expect(await store.knownRequestIds([R2, 'x', R1])).toEqual(new Set([R1, R2]));
      });

      it('keeps the request id an event answers; a malformed one reads back as none', async () => {
        await store.write({ events: [
          { id: 'c1', user: 'carol', type: 'like', post: 'p2', timestamp: T0 + 21 * MIN, request_id: R1 },
          { id: 'c2', user: 'carol', type: 'like', post: 'p1', timestamp: T0 + 22 * MIN, request_id: null },
        ] });
        const [c2, c1] = await store.userEvents('carol', { since: T0 + 21 * MIN });
        expect(c1).toMatchObject({ id: 'c1', request_id: R1 });
        expect(c2!.request_id).toBeUndefined();
      });

      it('erasure removes the impressions served to the user and of their posts; export lists the user\'s', async () => {
        await store.writeImpressions([page(R1, 'carol', ['p2', 'p1'], T0 + 20 * MIN), page(R2, 'bob', ['p1', 'p4'], T0 + 21 * MIN)]);
        expect((await store.exportUser('carol'))?.impressions.map((i) => i.postId)).toEqual(['p2', 'p1']);
        expect(await store.eraseUser('alice')).toMatchObject({ impressions: 2 });
        // The other items keep their positions.
        expect((await collect(store.scanImpressions())).map((i) => [i.userId, i.postId, i.position])).toEqual([['carol', 'p2', 0], ['bob', 'p4', 1]]);
        expect(await store.eraseUser('carol')).toMatchObject({ impressions: 2 });
        expect(await collect(store.scanImpressions())).toEqual([]);
      });

      it('scans more pages than one read, each item once, in logging order', async () => {
        const requestId = (i: number): string => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
        const pages = Array.from({ length: 5_001 }, (_, i) => page(requestId(i), i % 2 ? 'bob' : 'carol', ['p1', 'p2'], T0 + i));
        const many = Array.from({ length: 5_001 }, (_, i) => served(requestId(i), i % 2 ? 'bob' : 'carol', ['p1', 'p2'], T0 + i)).flat();
        expect(await store.writeImpressions(pages)).toBe(many.length);
        expect(await collect(store.scanImpressions())).toEqual(many);
      });
    });

    describe('sponsored campaigns', () => {
      const campaign = (id: string, over: Partial<Campaign> = {}): Campaign => ({
        id, postId: 'p1', targeting: { topics: ['bread'], hashtags: ['baking'] }, bid: 0.5, dailyBudget: 10, frequencyCap: 3,
        startAt: T0, endAt: null, status: 'active', createdAt: T0 + MIN, updatedAt: T0 + MIN, ...over,
      });
      const imp = (requestId: string, at: number, over: Partial<SponsoredImpression> = {}): SponsoredImpression => ({
        requestId, postId: 'p1', campaignId: 'c1', userId: 'bob', at, price: 0.4, cost: 0.02, ...over,
      });
      const REQ = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'] as const;

      it('puts, reads, lists, replaces and deletes campaigns', async () => {
        await store.write(seed);
        await store.putCampaign(campaign('c1'));
        await store.putCampaign(campaign('c2', { createdAt: T0 + 2 * MIN, endAt: T0 + 99 * MIN, status: 'paused', targeting: { topics: [], hashtags: [] } }));
        expect(await store.getCampaign('c1')).toEqual(campaign('c1'));
        expect((await store.campaigns()).map((c) => c.id)).toEqual(['c1', 'c2']);
        await store.putCampaign(campaign('c1', { bid: 0.75, updatedAt: T0 + 5 * MIN }));
        expect(await store.getCampaign('c1')).toMatchObject({ bid: 0.75, updatedAt: T0 + 5 * MIN });
        expect(await store.getCampaign('c2')).toEqual(campaign('c2', { createdAt: T0 + 2 * MIN, endAt: T0 + 99 * MIN, status: 'paused', targeting: { topics: [], hashtags: [] } }));
        expect(await store.deleteCampaign('c2')).toBe(true);
        expect(await store.deleteCampaign('c2')).toBe(false);
        expect(await store.getCampaign('c2')).toBeUndefined();
      });

      it('counts impressions, spend and clicks per campaign and UTC day; repeats are ignored', async () => {
        await store.write(seed);
        await store.putCampaign(campaign('c1'));
        const day2 = T0 + 86_400_000 + 5 * MIN;
        expect(await store.recordSponsoredImpressions([imp(REQ[0], T0 + 10 * MIN), imp(REQ[1], T0 + 11 * MIN, { userId: 'carol', cost: 0.03 }), imp(REQ[2], day2)])).toBe(3);
        expect(await store.recordSponsoredImpressions([imp(REQ[0], T0 + 10 * MIN)])).toBe(0);
        const clicked = await store.recordSponsoredClicks([{ requestId: REQ[0], postId: 'p1', at: T0 + 12 * MIN }, { requestId: REQ[0], postId: 'p1', at: T0 + 13 * MIN }, { requestId: REQ[1], postId: 'p2', at: T0 + 13 * MIN }]);
        expect(clicked.map((c) => [c.requestId, c.campaignId])).toEqual([[REQ[0], 'c1']]);
        const days = await store.campaignDays({ campaignId: 'c1' });
        expect(days.map((d) => [d.day, d.impressions, d.clicks])).toEqual([['2026-01-01', 2, 1], ['2026-01-02', 1, 0]]);
        expect(days[0]!.spend).toBeCloseTo(0.05, 10);
        expect((await store.campaignDays({ since: '2026-01-02' })).map((d) => d.day)).toEqual(['2026-01-02']);
        expect((await store.sponsoredImpressions({ userId: 'bob' })).map((s) => s.requestId)).toEqual([REQ[0], REQ[2]]);
        expect((await store.sponsoredImpressions({ since: T0 + 11 * MIN })).map((s) => s.requestId)).toEqual([REQ[1], REQ[2]]);
        expect(await store.sponsoredImpressions({ userId: 'bob', since: day2 })).toEqual([imp(REQ[2], day2)]);
      });

      it('erasing a user removes the sponsored impressions served to them; deleting a campaign removes its days', async () => {
        await store.write(seed);
        await store.putCampaign(campaign('c1'));
        await store.recordSponsoredImpressions([imp(REQ[0], T0 + 10 * MIN), imp(REQ[1], T0 + 11 * MIN, { userId: 'carol' })]);
        await store.eraseUser('carol');
        expect((await store.sponsoredImpressions()).map((s) => s.userId)).toEqual(['bob']);
        await store.deleteCampaign('c1');
        expect(await store.campaignDays()).toEqual([]);
      });
    });

    describe('time series', () => {
      const HOUR = 60 * MIN;
      const DAY = 24 * HOUR;
      const R1 = '2d0a4e3f-5f6c-4d7e-8f90-a1b2c3d4e5f6';
      const R2 = '3e1b5f40-6a7d-4e8f-9a01-b2c3d4e5f607';
      // The seed's six events fall in T0's first hour (bob ×4, carol, alice; like, comment and share engage).
      const later: Event[] = [
        { id: 't1', user: 'alice', type: 'like', post: 'p2', timestamp: T0 + 2 * HOUR + 5 * MIN },
        { id: 't2', user: 'carol', type: 'view', post: 'p2', timestamp: T0 + 2 * HOUR + 30 * MIN },
        { id: 't3', user: 'carol', type: 'like', post: 'p4', timestamp: T0 + 26 * HOUR },
      ];
      const page = (requestId: string, userId: string, postIds: string[], at: number): ServedPage =>
        ({ requestId, userId, offset: 0, at, items: postIds.map((postId) => ({ postId, source: 'in-network', score: 1 })) });
      const series = (metric: TimeseriesMetric, bucketMs: number, since = T0, before = T0 + 2 * DAY): Promise<TimeBucket[]> =>
        store.timeseries({ metric, bucketMs, since, before });

      beforeEach(async () => {
        await store.write({ ...seed, events: [...events, ...later] });
      });

      it('counts events, active users and engagement per hour and per day, by the events\' own timestamps', async () => {
        expect(await series('events', HOUR)).toEqual([{ start: T0, value: 6 }, { start: T0 + 2 * HOUR, value: 2 }, { start: T0 + 26 * HOUR, value: 1 }]);
        expect(await series('active_users', HOUR)).toEqual([{ start: T0, value: 3 }, { start: T0 + 2 * HOUR, value: 2 }, { start: T0 + 26 * HOUR, value: 1 }]);
        expect(await series('engagement', HOUR)).toEqual([{ start: T0, value: 3 }, { start: T0 + 2 * HOUR, value: 1 }, { start: T0 + 26 * HOUR, value: 1 }]);
        expect(await series('events', DAY)).toEqual([{ start: T0, value: 8 }, { start: T0 + DAY, value: 1 }]);
        expect(await series('active_users', DAY)).toEqual([{ start: T0, value: 3 }, { start: T0 + DAY, value: 1 }]);
        expect(await series('engagement', DAY)).toEqual([{ start: T0, value: 4 }, { start: T0 + DAY, value: 1 }]);
      });

      it('keeps to the half-open window [since, before)', async () => {
        expect(await series('events', HOUR, T0 + HOUR, T0 + 26 * HOUR)).toEqual([{ start: T0 + 2 * HOUR, value: 2 }]);
        expect(await series('events', HOUR, T0 + 26 * HOUR, T0 + 27 * HOUR)).toEqual([{ start: T0 + 26 * HOUR, value: 1 }]);
        expect(await series('events', HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR)).toEqual([]);
      });

      it('counts served impression items by the time their page was logged; an erased post\'s item no longer counts', async () => {
        await store.writeImpressions([page(R1, 'alice', ['p2', 'p4', 'p1'], T0 + 30 * MIN), page(R2, 'bob', ['p4', 'p1'], T0 + 3 * HOUR)]);
        expect(await series('impressions', HOUR)).toEqual([{ start: T0, value: 3 }, { start: T0 + 3 * HOUR, value: 2 }]);
        expect(await series('impressions', DAY)).toEqual([{ start: T0, value: 5 }]);
        await store.eraseUser('carol');
        expect(await series('impressions', DAY)).toEqual([{ start: T0, value: 3 }]);
      });

      it('gives the time range of the events and of the impression log', async () => {
        expect(await store.timeRange('events')).toEqual({ first: T0 + 10 * MIN, last: T0 + 26 * HOUR });
        expect(await store.timeRange('impressions')).toBeUndefined();
        await store.writeImpressions([page(R1, 'alice', ['p2'], T0 + 30 * MIN), page(R2, 'bob', ['p1'], T0 + 3 * HOUR)]);
        expect(await store.timeRange('impressions')).toEqual({ first: T0 + 30 * MIN, last: T0 + 3 * HOUR });
      });

      it('counts the events a post received, by type', async () => {
        expect(await store.postEventCounts('p2')).toEqual({ like: 1, view: 1, rating: 1 });
        expect(await store.postEventCounts('p1')).toEqual({ like: 1, view: 1 });
        expect(await store.postEventCounts('nothing')).toEqual({});
      });
    });

    describe('retention (deleteExpired)', () => {
      const page = (i: number, at: number): ServedPage => ({ requestId: `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`, userId: 'carol', offset: 0, at, items: [{ postId: 'p1', source: 'in-network', score: 1 }] });

      beforeEach(async () => {
        await store.write(seed);
      });

      it('deletes exactly the events before the cutoff, in chunks, and leaves the impressions alone', async () => {
        await store.writeImpressions([page(1, T0)]);
        // e1 … e6 are at T0 + 10 … 15 min: the cutoff T0 + 13 min takes e1, e2, e3 (chunks of 2: two transactions).
        expect(await store.deleteExpired({ events: T0 + 13 * MIN }, { chunkRows: 2 })).toEqual({ events: 3, impressionPages: 0 });
        expect((await collect(store.scanEvents())).map((e) => e.id)).toEqual(['e4', 'e5', 'e6']);
        expect((await store.counts()).events).toBe(3);
        expect(await collect(store.scanImpressions())).toHaveLength(1);
        // A second pass finds nothing more; the users and posts stay.
        expect(await store.deleteExpired({ events: T0 + 13 * MIN })).toEqual({ events: 0, impressionPages: 0 });
        expect(await store.counts()).toMatchObject({ users: 3, posts: 4, follows: 3 });
      });

      it('deletes the impression pages served before the cutoff and leaves the events alone', async () => {
        await store.writeImpressions(Array.from({ length: 7 }, (_, i) => page(i, T0 + i * MIN)));
        expect(await store.deleteExpired({ impressions: T0 + 5 * MIN }, { chunkRows: 2 })).toEqual({ events: 0, impressionPages: 5 });
        expect((await collect(store.scanImpressions())).map((i) => i.at)).toEqual([T0 + 5 * MIN, T0 + 6 * MIN]);
        expect((await store.counts()).events).toBe(events.length);
      });

      it('an event deleted by retention may be sent again and is stored again (its id is free)', async () => {
        await store.deleteExpired({ events: T0 + 11 * MIN });
        const again = await store.write({ events: [events[0]!] });
        expect(again).toMatchObject({ events: 1, duplicateEvents: 0 });
      });
    });

    describe('full-text search', () => {
      it('ranks a short post with the term twice above a long post with it once', async () => {
        await store.write({
          users: [{ id: 'a' }],
          posts: [
            { id: 'long', author: 'a', created_at: T0, tags: [], text: 'Kayak trip along the coast with friends, then lunch, a long walk on the beach and a late train home' },
            { id: 'short', author: 'a', created_at: T0, tags: [], text: 'kayak kayak!' },
            { id: 'none', author: 'a', created_at: T0, tags: [], text: 'Nothing to see here' },
          ],
        });
        const hits = await store.searchPosts('Kayak');
        expect(hits.map((h) => h.post.id)).toEqual(['short', 'long']);
        expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
        expect(hits[0]!.post.text).toBe('kayak kayak!');
        expect(await store.searchPosts('kayak', 1)).toHaveLength(1);
      });

      it('a post matching more of the terms ranks first; tags are searchable', async () => {
        await store.write(seed);
        expect((await store.searchPosts('running marathon'))[0]!.post.id).toBe('p2');
        expect((await store.searchPosts('weather')).map((h) => h.post.id)).toEqual(['p4']);
      });

      it('treats the query as plain terms: FTS syntax never errors; empty query gives nothing', async () => {
        await store.write(seed);
        for (const q of ['"unbalanced', 'bread AND (', 'NEAR(bread', 'text:bread', '*', '-bread', 'bread^', "o'clock \"bread\""]) {
          await expect(store.searchPosts(q)).resolves.toBeInstanceOf(Array);
        }
        expect((await store.searchPosts('bread AND (')).map((h) => h.post.id)).toEqual(['p1']);
        expect(await store.searchPosts('')).toEqual([]);
        expect(await store.searchPosts('   ?! ')).toEqual([]);
      });

      it('finds Chinese and Japanese words inside unspaced text, and keeps them found across an edit', async () => {
        await store.write({
          users: [{ id: 'a' }],
          posts: [
            { id: 'zh1', author: 'a', created_at: T0, tags: [], text: '我最近在学习机器学习，感觉很有意思。', lang: 'zh' },
            { id: 'zh2', author: 'a', created_at: T0, tags: [], text: '今天在学校的菜园里种了西红柿。', lang: 'zh' },
            { id: 'ja1', author: 'a', created_at: T0, tags: [], text: '駅の近くでおいしいパン屋さんを見つけた', lang: 'ja' },
            { id: 'mixed', author: 'a', created_at: T0, tags: [], text: 'Weekend notes: 西红柿 and basil', lang: 'en' },
          ],
        });
        expect((await store.searchPosts('机器学习')).map((h) => h.post.id)).toEqual(['zh1']);
        expect((await store.searchPosts('西红柿')).map((h) => h.post.id).sort()).toEqual(['mixed', 'zh2']);
        expect((await store.searchPosts('パン屋')).map((h) => h.post.id)).toEqual(['ja1']);
        // The stored text is the text written, not the segmented index text.
        expect((await store.searchPosts('菜园'))[0]!.post.text).toBe('今天在学校的菜园里种了西红柿。');
        await store.write({ posts: [{ id: 'zh2', author: 'a', created_at: T0, tags: [], text: '明天去公园跑步。', lang: 'zh' }] });
        expect(await store.searchPosts('菜园')).toEqual([]);
        expect((await store.searchPosts('公园')).map((h) => h.post.id)).toEqual(['zh2']);
      });
    });

    describe('scans', () => {
      it('scanEvents streams in ascending time order across pages, ties by arrival', async () => {
        await store.write({ users: [{ id: 'u' }], posts: [{ id: 'q', author: 'u', text: '', created_at: 0, tags: [] }] });
        const n = 4500;
        const batch: Event[] = [];
        // Times written in descending blocks with many ties: the scan must still come out sorted.
        for (let i = 0; i < n; i++) batch.push({ id: `ev${i}`, user: 'u', type: 'view', post: 'q', timestamp: T0 + (9 - Math.floor(i / 500)) * MIN });
        await store.write({ events: batch.slice(0, 2500) });
        await store.write({ events: batch.slice(2500) });
        const out = await collect(store.scanEvents());
        expect(out).toHaveLength(n);
        for (let k = 1; k < n; k++) expect(out[k]!.timestamp).toBeGreaterThanOrEqual(out[k - 1]!.timestamp);
        // Within one timestamp, insertion order is kept.
        expect(out.slice(0, 3).map((e) => e.id)).toEqual(['ev4000', 'ev4001', 'ev4002']);
        expect(new Set(out.map((e) => e.id)).size).toBe(n);
      });

      it('scans of users and posts cover every row once across pages', async () => {
        const many = Array.from({ length: 2100 }, (_, i) => ({ id: `u${i}` }));
        await store.write({ users: many });
        const ids = (await collect(store.scanUsers())).map((u) => u.id);
        expect(ids).toHaveLength(2100);
        expect(new Set(ids).size).toBe(2100);
      });
    });

    describe('against the reference twin (write-batch.ref.ts)', () => {
      it.each([7, 8, 9])('agrees on summaries, errors and contents over random batches (seed %i)', async (rngSeed) => {
        const rng = createRng(rngSeed);
        const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
        const userIds = Array.from({ length: 8 }, (_, i) => `u${i}`);
        const postIds = Array.from({ length: 12 }, (_, i) => `p${i}`);
        const types = ['view', 'like', 'share', 'rating', 'follow'] as const;
        /** Content is a function of the id, so retries repeat it; a rare mutation makes a conflicting duplicate. */
        const makeEvent = (n: number): Event => {
          const type = types[n % types.length]!;
          const e: Event = { id: `e${n}`, user: rng.next() < 0.004 ? 'ghost' : userIds[(n * 5) % 8]!, type, timestamp: 1000 + (n % 17) * 10 };
          if (type === 'follow') e.target_user = userIds[(n * 3) % 8]!;
          else e.post = rng.next() < 0.004 ? 'nopost' : postIds[(n * 7) % 12]!;
          if (type === 'rating') e.value = n % 5;
          if (rng.next() < 0.01) e.timestamp += 1;
          return e;
        };
        const initial: WriteBatch = { users: userIds.map((id) => ({ id })), posts: postIds.map((id, i) => ({ id, author: userIds[i % 8]!, text: '', created_at: 0, tags: [] })) };
        let ref = writeBatchRef(emptyRefState(), initial).state;
        await store.write(initial);
        let failures = 0;
        for (let round = 0; round < 60; round++) {
          const batch: WriteBatch = {
            users: Array.from({ length: rng.int(4) }, () => ({ id: pick(userIds), name: `n${rng.int(3)}` })),
            posts: Array.from({ length: rng.int(4) }, () => {
              // Mostly the owner editing (post i belongs to user i % 8); sometimes another author, or an unknown one.
              const k = rng.int(postIds.length), r = rng.next();
              const author = r < 0.93 ? userIds[k % 8]! : r < 0.97 ? pick(userIds) : 'ghost';
              return { id: postIds[k]!, author, text: `t${rng.int(5)}`, created_at: rng.int(100), tags: [] };
            }),
            follows: Array.from({ length: rng.int(3) }, () => ({ follower: pick(userIds), followee: pick(userIds) })),
            unfollows: Array.from({ length: rng.int(2) }, () => ({ follower: pick(userIds), followee: pick(userIds) })),
            events: Array.from({ length: rng.int(4) === 0 ? 130 + rng.int(80) : rng.int(20) }, () => makeEvent(rng.int(300))),
          };
          let expected: { summary?: WriteResult; error?: unknown } = {};
          try {
            const r = writeBatchRef(ref, batch);
            expected = { summary: r.summary };
            ref = r.state;
          } catch (e) {
            expected = { error: e };
          }
          let actual: { summary?: WriteResult; error?: unknown } = {};
          try {
            actual = { summary: await store.write(batch) };
          } catch (e) {
            actual = { error: e };
          }
          if (expected.error) {
            failures++;
            const want = expected.error as { code: string; params: Record<string, unknown> };
            expect(actual.error, `round ${round}: expected ${want.code} ${String(want.params.field ?? want.params.id)}`).toMatchObject({ code: want.code, params: want.params });
          } else {
            expect(actual.error, `round ${round}`).toBeUndefined();
            expect(actual.summary, `round ${round}`).toEqual(expected.summary);
          }
          expect(await store.counts()).toEqual({ users: ref.users.size, posts: ref.posts.size, follows: ref.follows.size, events: ref.events.length });
        }
        const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
          const out: T[] = [];
          for await (const x of it) out.push(x);
          return out;
        };
        expect(await all(store.scanEvents())).toEqual(scanEventsRef(ref));
        const byKey = <T>(xs: T[], key: (x: T) => string): T[] => [...xs].sort((a, b) => key(a).localeCompare(key(b)));
        expect(byKey(await all(store.scanUsers()), (u) => u.id)).toEqual(byKey([...ref.users.values()], (u) => u.id));
        expect(byKey(await all(store.scanPosts()), (p) => p.id)).toEqual(byKey([...ref.posts.values()], (p) => p.id));
        const fk = (f: Follow): string => `${f.follower}>${f.followee}`;
        expect(byKey(await all(store.scanFollows()), fk)).toEqual(byKey([...ref.follows.values()], fk));
        // The random walk must have exercised both outcomes.
        expect(failures).toBeGreaterThan(5);
        expect(ref.events.length).toBeGreaterThan(50);
      });
    });

  });
}
