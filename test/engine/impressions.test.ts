/**
 * The impression log as the engine serves it: every served item is logged with its request id and position,
 * feedback events join back by `request_id`, and a crash loses at most the configured buffer.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { openStore } from '../../src/storage/open-store.js';
import type { Impression } from '../../src/data/impressions.js';
import { readStoreLog } from '../../src/eval/ope/store-log.js';
import { smallNetwork } from '../fixtures/small-network.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-impressions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function trainedEngine(db: string, impressions: Record<string, unknown>): Promise<Engine> {
  const engine = await createEngine({
    overrides: {
      store: { url: `sqlite://${join(dir, db)}` },
      models: { ranker: false, behavior: false, validate: false, dir: join(dir, `${db}.models`) },
      feed: { materializeUsers: 0 },
      impressions,
    },
  });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
  return engine;
}

async function logged(engine: Engine): Promise<Impression[]> {
  const out: Impression[] = [];
  for await (const row of engine.store.scanImpressions()) out.push(row);
  return out;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 5_000;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('impression log', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await trainedEngine('on.db', { flushMs: 20 });
  });
  afterAll(() => engine.close());

  it('logs every served item with its request id, position, source, score and propensity', async () => {
    const first = await engine.feed('ana', { pageSize: 4 });
    const second = await engine.feed('ana', { cursor: first.nextCursor });
    expect(first.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.requestId).not.toBe(first.requestId);
    const rows = await until(() => logged(engine), (r) => r.length >= first.items.length + second.items.length);
    const expected: [string | undefined, number, { postId: string; source: string; score: number }][] = [
      ...first.items.map((it, i): [string | undefined, number, typeof it] => [first.requestId, i, it]),
      ...second.items.map((it, i): [string | undefined, number, typeof it] => [second.requestId, 4 + i, it]),
    ];
    expect(rows).toHaveLength(expected.length);
    for (const [requestId, position, item] of expected) {
      expect(rows).toContainEqual(expect.objectContaining({ requestId, position, userId: 'ana', postId: item.postId, source: item.source, score: item.score, policy: 'blend', propensity: 1 }));
    }
  });

  it('logs a post placed by the exploration policy with that policy, its arm and its propensity', async () => {
    const page = await engine.feed('cal', { pageSize: 15 });
    const explored = page.items.filter((it) => it.exploration !== undefined);
    expect(explored.length).toBeGreaterThan(0);
    const rows = await until(() => logged(engine), (r) => r.some((x) => x.requestId === page.requestId));
    for (const it of explored) {
      expect(rows).toContainEqual(expect.objectContaining({ requestId: page.requestId, postId: it.postId, policy: it.exploration!.policy, arm: it.exploration!.arm, propensity: it.exploration!.propensity }));
    }
    expect(rows.filter((x) => x.requestId === page.requestId && x.policy === 'blend')).toHaveLength(page.items.length - explored.length);
  });

  it('gives a page served again from memory its own request id, logged again', async () => {
    const a = await engine.feed('eve', { pageSize: 3 });
    const b = await engine.feed('eve', { pageSize: 3 });
    expect(b.items).toBe(a.items);
    expect(b.requestId).not.toBe(a.requestId);
    const rows = await until(() => logged(engine), (r) => r.filter((x) => x.userId === 'eve').length >= 6);
    expect(new Set(rows.filter((x) => x.userId === 'eve').map((x) => x.requestId))).toEqual(new Set([a.requestId, b.requestId]));
  });

  it('joins feedback by request id; unknown and malformed ids are stored and counted, never refused', async () => {
    const page = await engine.feed('fay', { pageSize: 3 });
    const before = (await engine.stats()).feedback;
    const at = Date.now();
    const summary = await engine.ingest('events', [
      { id: 'j1', user: 'fay', type: 'like', post: page.items[0]!.postId, timestamp: at, request_id: page.requestId },
      { id: 'j2', user: 'fay', type: 'like', post: page.items[1]!.postId, timestamp: at, request_id: '5e0b6a1c-2f3d-4e5f-8a9b-0c1d2e3f4a5b' },
      { id: 'j3', user: 'fay', type: 'like', post: page.items[2]!.postId, timestamp: at, request_id: 'not-a-request-id' },
    ]);
    expect(summary.events).toBe(3);
    const after = (await engine.stats()).feedback;
    expect({ joined: after.joined - before.joined, unknown: after.unknown - before.unknown, malformed: after.malformed - before.malformed }).toEqual({ joined: 1, unknown: 1, malformed: 1 });
    const stored = await engine.store.userEvents('fay', { since: at });
    expect(Object.fromEntries(stored.map((e) => [e.id, e.request_id]))).toEqual({ j1: page.requestId, j2: '5e0b6a1c-2f3d-4e5f-8a9b-0c1d2e3f4a5b', j3: undefined });
  });

  it('the impression log with its joined feedback is an off-policy evaluation source (store:URL)', async () => {
    const page = await engine.feed('hal', { pageSize: 3 });
    await engine.ingest('events', [{ id: 'ope-like', user: 'hal', type: 'like', post: page.items[1]!.postId, timestamp: Date.now(), request_id: page.requestId }]);
    await until(() => logged(engine), (r) => r.some((x) => x.requestId === page.requestId));
    const rows = (await readStoreLog(`sqlite://${join(dir, 'on.db')}`)).filter((r) => r.slateId === page.requestId);
    expect(rows.map((r) => [r.position, r.reward, r.propensity, r.action])).toEqual(page.items.map((it, k) => [k + 1, k === 1 ? 1 : 0, 1, it.source]));
  });

  it('logs nothing, and gives no request id, when switched off', async () => {
    const off = await trainedEngine('off.db', { enabled: false });
    try {
      const page = await off.feed('ana');
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.requestId).toBeUndefined();
      expect(await logged(off)).toEqual([]);
    } finally {
      await off.close();
    }
  });

  it('a process killed while serving loses at most the configured buffer of impressions', async () => {
    const db = join(dir, 'crash.db');
    const bufferRows = 50;
    const child = spawn(process.execPath, ['--import', 'tsx', join(process.cwd(), 'test/fixtures/serve-pages.ts'), db, String(bufferRows)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let served = 0;
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`the serving process exited early (${code})`)));
      let tail = '';
      child.stdout.on('data', (chunk: Buffer) => {
        const lines = (tail + chunk.toString()).split('\n');
        tail = lines.pop()!;
        for (const l of lines) served = Math.max(served, Number(l));
        // Several flushes have happened, and the buffer is part full: kill now.
        if (served >= 7 * bufferRows + 13) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          child.on('exit', () => resolve());
        }
      });
    });
    const store = await openStore(`sqlite://${db}`);
    try {
      let stored = 0;
      for await (const _ of store.scanImpressions()) stored++;
      // `served` counts pages whose feed call returned; rows of pages still being served may also be stored.
      expect(stored).toBeGreaterThanOrEqual(served - bufferRows);
      expect(stored).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 60_000);
});
