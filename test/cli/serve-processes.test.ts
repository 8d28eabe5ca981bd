/**
 * `resonate serve --processes N`: a configuration the processes cannot share is refused with a named error, and
 * with the real PostgreSQL and Redis (RESONATE_TEST_PG_URL, RESONATE_TEST_REDIS_URL; skipped without them) a
 * `kill -9` of one API process under load leaves the other answering, fails only the requests in flight on the
 * killed one, the primary starts it again, and every event acknowledged with a 2xx is in the store afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/run-cli.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { dropPrefix, eventually, randomPrefix, TEST_REDIS_URL } from '../fixtures/test-redis.js';
import { freshSchema, TEST_PG_URL } from '../../src/storage/postgres/test-fixtures.js';
import { openStore } from '../../src/storage/open-store.js';
import { validateRows } from '../../src/data/validate.js';

describe('serve --processes refuses what cannot be shared', () => {
  it('an in-memory store', async () => {
    const r = await runCli(['--db', ':memory:', 'serve', '--processes', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/PROCESSES_NOT_SHAREABLE: --processes 2 .*memory/);
  });

  it('no cache.url', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-processes-'));
    try {
      const r = await runCli(['--db', join(dir, 'a.db'), 'serve', '--processes', '3']);
      expect(r.stderr).toMatch(/PROCESSES_NOT_SHAREABLE: .*cache\.url is empty/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a count that is not 1 to 64', async () => {
    for (const n of ['0', '65', 'two', '1.5']) expect((await runCli(['--db', ':memory:', 'serve', '--processes', n])).stderr).toMatch(/INVALID_INPUT: --processes/);
  });
});

const services = TEST_PG_URL !== undefined && TEST_REDIS_URL !== '';

interface Answer { status: number; body: string }

/** One request on its own connection (no keep-alive: a failure is a request that was in flight). */
function call(port: number, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('no answer in 20 s')));
    req.end(payload);
  });
}

(services ? describe : describe.skip)('kill -9 of an API process under load (PostgreSQL + Redis)', () => {
  const schema = freshSchema();
  const prefix = randomPrefix();
  const dir = mkdtempSync(join(tmpdir(), 'resonate-processes-'));
  let primary: ChildProcess | undefined;

  afterAll(async () => {
    if (primary && primary.exitCode === null) {
      const exited = new Promise((r) => primary!.once('exit', r));
      primary.kill('SIGTERM');
      await exited;
    }
    await schema.drop();
    await dropPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the other process answers, only in-flight requests fail, the killed one restarts, acknowledged events are stored', async () => {
    const net = smallNetwork();
    const store = await openStore(schema.url);
    await store.write({ users: validateRows('users', net.users, 10_000), posts: validateRows('posts', net.posts, 10_000), follows: validateRows('follows', net.follows, 10_000), events: validateRows('events', net.events, 10_000) });
    await store.close();
    const config = join(dir, 'resonate.config.json');
    writeFileSync(config, JSON.stringify({
      store: { url: schema.url },
      cache: { url: TEST_REDIS_URL, keyPrefix: prefix },
      models: { dir: join(dir, 'models'), ranker: false, behavior: false, validate: false },
      feed: { materializeUsers: 0 },
      log: { level: 'warn' },
    }));

    primary = spawn(process.execPath, [join(process.cwd(), 'bin/resonate.js'), '--config', config, 'serve', '--processes', '2', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    primary.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    primary.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const readyPids = (slot: number): number[] => [...out.matchAll(new RegExp(`process ${slot} ready \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));
    expect(await eventually(() => readyPids(0).length > 0 && readyPids(1).length > 0, 150_000), out).toBe(true);
    const port = Number(/serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
    const victim = readyPids(1)[0]!;

    const acked: string[] = [];
    const failures: string[] = [];
    const badStatus: string[] = [];
    let answered = 0, answeredWhileDown = 0, killedAt = 0, next = 0, stop = false;
    const users = net.users.map((u) => u.id);
    const worker = async (w: number): Promise<void> => {
      while (!stop) {
        const ids = Array.from({ length: 5 }, () => `load-${w}-${next++}`);
        const events = ids.map((id, i) => ({ id, user: users[(w + i) % users.length]!, type: 'view', post: net.posts[(next + i) % net.posts.length]!.id, timestamp: Date.now() - 1000 }));
        for (const [method, path, body] of [['POST', '/v1/events', events], ['GET', `/v1/users/${users[w % users.length]}/feed`, undefined]] as const) {
          try {
            const res = await call(port, method, path, body);
            answered++;
            if (killedAt > 0 && readyPids(1).length < 2) answeredWhileDown++;
            if (res.status >= 200 && res.status < 300) {
              if (method === 'POST') acked.push(...ids);
            } else badStatus.push(`${res.status} ${res.body.slice(0, 200)}`);
          } catch (e) {
            failures.push(`${method} ${path}: ${(e as Error).message}`);
          }
        }
      }
    };
    const CONNECTIONS = 6;
    const load = Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
    expect(await eventually(() => answered >= 60, 60_000)).toBe(true);
    process.kill(victim, 'SIGKILL');
    killedAt = Date.now();
    // The primary starts it again (a new pid in slot 1) while the survivor keeps answering.
    expect(await eventually(() => readyPids(1).length >= 2, 120_000), out).toBe(true);
    const afterRestart = answered;
    expect(await eventually(() => answered >= afterRestart + 60, 60_000)).toBe(true);
    stop = true;
    await load;

    expect(readyPids(1)[1]).not.toBe(victim);
    expect(badStatus).toEqual([]);
    // One request at most was in flight per connection when the process died (a connection the primary had just
    // handed to it gets no answer: the client's timeout ends it).
    expect(failures.length).toBeLessThanOrEqual(CONNECTIONS);
    expect(answeredWhileDown).toBeGreaterThan(0);

    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      const stored = await client.query<{ id: string }>(`SELECT id FROM ${schema.schema}.events WHERE id = ANY($1::text[])`, [acked]);
      expect(stored.rows.length).toBe(acked.length);
    } finally {
      await client.end();
    }
    expect(acked.length).toBeGreaterThan(100);
  }, 400_000);
});
