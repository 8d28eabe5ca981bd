import { describe, expect, it } from 'vitest';
import { parseFrame, type CommitEvent } from './jetstream-frame.js';
import { followKey, mapCommits, type MappingLookups } from './jetstream-mapping.js';

const A = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa', B = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb';
let t = 1_780_000_000_000_000;
const commit = (did: string, operation: 'create' | 'update' | 'delete', collection: string, rkey: string, record?: Record<string, unknown>): CommitEvent => ({
  kind: 'commit', did, time_us: (t += 10), commit: { operation, collection, rkey, ...(record ? { record } : {}) },
});
const empty: MappingLookups = { existingUsers: async () => new Set(), existingPosts: async () => new Set(), readState: async () => new Map() };

describe('Jetstream frames', () => {
  it('parses commits, identity and account events, and refuses malformed ones', () => {
    expect(parseFrame(JSON.stringify({ did: A, time_us: 5, kind: 'identity', identity: {} }))).toEqual({ ok: true, event: { kind: 'identity', did: A, time_us: 5 } });
    expect(parseFrame(JSON.stringify({ did: A, time_us: 5, kind: 'commit', commit: { operation: 'delete', collection: 'app.bsky.feed.post', rkey: 'x' } })).ok).toBe(true);
    for (const bad of ['', '{', 'null', '[]', '{"did":"x","time_us":1,"kind":"commit"}', JSON.stringify({ did: A, time_us: -1, kind: 'account' }), JSON.stringify({ did: A, time_us: 1.5, kind: 'account' }),
      JSON.stringify({ did: A, time_us: 1, kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.post', rkey: 'x' } }),
      JSON.stringify({ did: A, time_us: 1, kind: 'commit', commit: { operation: 'burn', collection: 'app.bsky.feed.post', rkey: 'x', record: {} } }),
      JSON.stringify({ did: A, time_us: 1, kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.post', rkey: 'a/b', record: {} } }),
      JSON.stringify({ did: A, time_us: 1, kind: 'other' })]) {
      expect(parseFrame(bad), bad).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('Jetstream mapping', () => {
  it('nets each record to its last operation within a batch', async () => {
    const mapped = await mapCommits([
      commit(A, 'create', 'app.bsky.graph.follow', 'f1', { subject: B }),
      commit(A, 'delete', 'app.bsky.graph.follow', 'f1'),
      commit(A, 'create', 'app.bsky.feed.post', 'p1', { text: 'one' }),
      commit(A, 'update', 'app.bsky.feed.post', 'p1', { text: 'two' }),
      commit(B, 'create', 'app.bsky.feed.like', 'l1', { subject: { uri: `at://${A}/app.bsky.feed.post/p1` } }),
      commit(B, 'delete', 'app.bsky.feed.like', 'l1'),
    ], empty, { languages: [] });
    expect(mapped.batch.follows).toEqual([]);
    expect(mapped.batch.unfollows).toEqual([]);
    expect(mapped.batch.posts!.map((p) => p.text)).toEqual(['two']);
    expect(mapped.batch.events).toEqual([]);
    expect(mapped.batch.deleteEvents).toEqual([`at://${B}/app.bsky.feed.like/l1`]);
    expect(mapped.batch.users!.map((u) => u.id)).toEqual([A]);
  });

  it('removes a follow made in an earlier batch through the remembered followee', async () => {
    const uri = `at://${A}/app.bsky.graph.follow/f9`;
    const lookups: MappingLookups = { ...empty, readState: async (keys) => new Map(keys.filter((k) => k === followKey(uri)).map((k) => [k, B])) };
    const mapped = await mapCommits([commit(A, 'delete', 'app.bsky.graph.follow', 'f9'), commit(A, 'delete', 'app.bsky.graph.follow', 'unknown')], lookups, { languages: [] });
    expect(mapped.batch.unfollows).toEqual([{ follower: A, followee: B }]);
    expect(mapped.batch.state).toEqual([{ key: followKey(uri), value: null }]);
    expect(mapped.unknownReferences).toBe(1);
  });

  it('cleans text and skips records that do not parse', async () => {
    const mapped = await mapCommits([
      commit(A, 'create', 'app.bsky.feed.post', 'p1', { text: 'a\u0000b\ud800c' }),
      commit(A, 'create', 'app.bsky.feed.post', 'p2', { text: 42 }),
      commit(A, 'create', 'app.bsky.feed.like', 'l1', { subject: 'not a post' }),
      commit(A, 'create', 'app.bsky.graph.follow', 'f1', { subject: A }),
    ], empty, { languages: [] });
    expect(mapped.batch.posts!.map((p) => p.text)).toEqual(['ab\ufffdc']);
    expect(mapped.invalid).toBe(3);
  });
});
