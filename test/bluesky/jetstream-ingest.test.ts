/**
 * Jetstream ingestion from a local replay server: the mapping of each record kind, creates / updates / deletes,
 * hostile frames counted and skipped, reconnection, and a kill -9 mid-stream resumed without gaps or duplicates.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JetstreamIngester, CURSOR_KEY, type IngesterOptions } from '../../src/bluesky/jetstream-ingester.js';
import { JETSTREAM_COLLECTIONS } from '../../src/bluesky/jetstream-mapping.js';
import { openStore } from '../../src/storage/open-store.js';
import type { Store } from '../../src/storage/store.js';
import { jetstreamFrames, startReplayServer, T0_US, type Frame } from '../fixtures/jetstream.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function snapshot(store: Store): Promise<unknown> {
  return {
    counts: await store.counts(),
    users: (await collect(store.scanUsers())).map((u) => u.id).sort(),
    posts: (await collect(store.scanPosts())).map((p) => `${p.id} ${p.text}`).sort(),
    follows: (await collect(store.scanFollows())).map((f) => `${f.follower}>${f.followee}`).sort(),
    events: (await collect(store.scanEvents())).map((e) => e.id).sort(),
    cursor: (await store.readState([CURSOR_KEY])).get(CURSOR_KEY),
  };
}

async function ingest(frames: readonly Frame[], store: Store, options: Partial<IngesterOptions> = {}, server: { dropAfter?: number } = {}) {
  const replay = await startReplayServer(frames, { chunk: 200, ...server });
  try {
    const ingester = new JetstreamIngester({ url: replay.url, store, collections: JETSTREAM_COLLECTIONS, dids: [], languages: [], batchSize: 100, maxBackoffMs: 200, idleExitMs: 2000, ...options });
    return { stats: await ingester.run(), connections: replay.connections };
  } finally {
    await replay.close();
  }
}

let t = T0_US;
const A = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa', B = 'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb', C = 'did:plc:cccccccccccccccccccccccc';
const frame = (actor: string, operation: string, collection: string, rkey: string, record?: Record<string, unknown>): Frame => {
  t += 10;
  return { time: t, text: JSON.stringify({ did: actor, time_us: t, kind: 'commit', commit: { operation, collection, rkey, ...(record ? { record } : {}) } }) };
};
const postUri = (did: string, rkey: string) => `at://${did}/app.bsky.feed.post/${rkey}`;

describe('Jetstream ingestion', () => {
  it('maps posts, likes, reposts, follows and blocks, with their updates and deletes', async () => {
    const frames = [
      frame(A, 'create', 'app.bsky.feed.post', 'p1', { text: 'hello #jazz', createdAt: '2026-06-01T00:00:00Z', langs: ['en'], facets: [{ features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'jazz' }] }] }),
      frame(A, 'create', 'app.bsky.feed.post', 'p2', { text: 'second', createdAt: '2999-01-01T00:00:00Z', reply: { parent: { uri: postUri(A, 'p1') } } }),
      frame(B, 'create', 'app.bsky.feed.like', 'l1', { subject: { uri: postUri(A, 'p1') } }),
      frame(B, 'create', 'app.bsky.feed.like', 'l2', { subject: { uri: postUri(A, 'p2') } }),
      frame(C, 'create', 'app.bsky.feed.repost', 'r1', { subject: { uri: postUri(A, 'p1') } }),
      frame(B, 'create', 'app.bsky.graph.follow', 'f1', { subject: A }),
      frame(C, 'create', 'app.bsky.graph.follow', 'f2', { subject: A }),
      frame(C, 'create', 'app.bsky.graph.block', 'b1', { subject: B }),
      frame(A, 'update', 'app.bsky.feed.post', 'p1', { text: 'hello again', createdAt: '2026-06-01T00:00:00Z' }),
      frame(A, 'delete', 'app.bsky.feed.post', 'p2'),
      frame(C, 'delete', 'app.bsky.graph.follow', 'f2'),
      frame(C, 'delete', 'app.bsky.feed.repost', 'r1'),
      frame(B, 'create', 'app.bsky.feed.like', 'l3', { subject: { uri: postUri(A, 'unknown') } }),
    ];
    const store = await openStore('sqlite://:memory:');
    // One frame per batch: deletes meet rows written by earlier transactions.
    const { stats } = await ingest(frames, store, { batchSize: 1 });
    expect(stats).toMatchObject({ frames: 13, skippedRecords: 1, malformed: 0, cursor: t });
    const posts = await collect(store.scanPosts());
    expect(posts).toEqual([expect.objectContaining({ id: postUri(A, 'p1'), author: A, text: 'hello again' })]);
    const events = await collect(store.scanEvents());
    expect(events.map((e) => [e.id.split('/').slice(-2).join('/'), e.type, e.post ?? e.target_user])).toEqual([
      ['app.bsky.feed.like/l1', 'like', postUri(A, 'p1')],
      ['app.bsky.graph.block/b1', 'block', B],
    ]);
    expect(await collect(store.scanFollows())).toEqual([expect.objectContaining({ follower: B, followee: A })]);
    expect((await collect(store.scanUsers())).map((u) => u.id).sort()).toEqual([A, B, C]);
    await store.close();
  });

  it('reads tags, language and reply, clamps a future createdAt, and filters by language and account', async () => {
    t += 1000;
    const frames = [
      frame(A, 'create', 'app.bsky.feed.post', 'q1', { text: 'olá #jazz', createdAt: '2999-01-01T00:00:00Z', langs: ['pt-BR'], facets: [{ features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'jazz' }] }], reply: { parent: { uri: postUri(B, 'x') } } }),
      frame(A, 'create', 'app.bsky.feed.post', 'q2', { text: 'hello', createdAt: '2026-06-01T00:00:00Z', langs: ['en'] }),
      frame(B, 'create', 'app.bsky.feed.post', 'q3', { text: 'oi', createdAt: '2026-06-01T00:00:00Z', langs: ['pt'] }),
    ];
    const store = await openStore('sqlite://:memory:');
    const { stats } = await ingest(frames, store, { languages: ['pt'], dids: [A] });
    expect(stats.filtered).toBe(2);
    const [q1] = await collect(store.scanPosts());
    expect(q1).toMatchObject({ id: postUri(A, 'q1'), tags: ['jazz'], lang: 'pt-BR', reply_to: postUri(B, 'x'), created_at: Math.floor(frames[0]!.time / 1000) });
    expect((await store.counts()).posts).toBe(1);
    await store.close();
  });

  it('counts and skips malformed, out-of-order and dangling frames, and reconnects to the same result', async () => {
    const frames = jetstreamFrames(3000, { hostile: true });
    const reference = await openStore('sqlite://:memory:');
    const { stats } = await ingest(frames, reference);
    expect(stats.malformed).toBeGreaterThan(0);
    expect(stats.outOfOrder).toBeGreaterThan(0);
    expect(stats.skippedRecords).toBeGreaterThan(0);
    expect((await reference.counts()).events).toBeGreaterThan(500);
    const dropped = await openStore('sqlite://:memory:');
    const again = await ingest(frames, dropped, {}, { dropAfter: 700 });
    expect(again.connections).toBeGreaterThan(3);
    expect(again.stats.reconnects).toBeGreaterThan(2);
    expect(await snapshot(dropped)).toEqual(await snapshot(reference));
    await reference.close();
    await dropped.close();
  });

  it('resumes after kill -9 mid-stream with no gap and no duplicate', async () => {
    const frames = jetstreamFrames(10_000, { seed: 9 });
    const reference = await openStore('sqlite://:memory:');
    await ingest(frames, reference, { batchSize: 500 });
    const dir = mkdtempSync(join(tmpdir(), 'resonate-jetstream-'));
    dirs.push(dir);
    const db = `sqlite://${join(dir, 'ingest.db')}`;
    // Slow enough that the process is mid-stream when it is killed.
    const replay = await startReplayServer(frames, { chunk: 100, delayMs: 5 });
    const run = (idleExit: boolean) =>
      spawn(process.execPath, [join(process.cwd(), 'bin/resonate.js'), '--db', db, 'bluesky', 'ingest', '--jetstream', replay.url, '--batch-size', '500', ...(idleExit ? ['--idle-exit', '3'] : [])], { stdio: 'ignore', env: { ...process.env, RESONATE_LOG_LEVEL: 'silent' } });
    try {
      const first = run(false);
      const watcher = await openStore(db);
      const end = Date.now() + 60_000;
      let cursor = 0;
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, 50));
        cursor = Number((await watcher.readState([CURSOR_KEY]).catch(() => new Map<string, string>())).get(CURSOR_KEY) ?? 0);
        if (cursor > frames[1000]!.time) break;
      }
      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      await watcher.close();
      expect(cursor).toBeGreaterThan(0);
      expect(cursor).toBeLessThan(frames.at(-1)!.time);
      const second = run(true);
      const code = await new Promise((r) => second.once('exit', r));
      expect(code).toBe(0);
    } finally {
      await replay.close();
    }
    const resumed = await openStore(db);
    expect(await snapshot(resumed)).toEqual(await snapshot(reference));
    await resumed.close();
    await reference.close();
  }, 120_000);
});
