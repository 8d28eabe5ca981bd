/**
 * @module Benchmark `pg-store`: the PostgreSQL store beside the SQLite store.
 *
 * 1. A contract-suite-like workload (open a fresh store, write a small network, read it every way the contract
 *    does, search, a transaction, an erasure, scan everything, close), repeated; median milliseconds.
 * 2. Batch writes: `--events` events (default 200,000, time-ordered ids) in batches of 1,000 through
 *    `store.write`, then the same again (all duplicates); events per second.
 * 3. `resonate migrate` (copyStore, the command's code): the synthetic network of `--users` users (default 2,000,
 *    the demo) from SQLite to PostgreSQL and back; rows per second, verification included.
 *
 * Usage: `npm run bench -- pg-store [--pg postgres://…] [--events 200000] [--users 2000] [--reps 5]`. The server
 * is `--pg`, else RESONATE_TEST_PG_URL; every store lives in a fresh schema, dropped at the end. SQLite stores are
 * files in a temporary folder. CPU figures are this process's only (PostgreSQL's own work runs in its server
 * processes on the same machine), so wall times are the comparable ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '../src/data/schemas.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import { copyStore } from '../src/storage/copy-store.js';
import { openStore } from '../src/storage/open-store.js';
import { freshSchema, type TestSchema } from '../src/storage/postgres/test-fixtures.js';
import type { Store } from '../src/storage/store.js';
import { machineLine, table } from './_machine.js';

const BATCH = 1000;
const USERS = 1000;
const POSTS = 10_000;

function arg(args: string[], name: string, fallback: string | undefined): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(', ');
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Opens fresh stores of one backend and removes them at the end. */
interface Backend {
  name: string;
  open(): Promise<{ store: Store; url: string }>;
  cleanup(): Promise<void>;
}

function sqliteBackend(dir: string): Backend {
  let n = 0;
  return {
    name: 'SQLite (file)',
    open: async () => {
      const url = `sqlite://${join(dir, `s${++n}.db`)}`;
      return { store: await openStore(url), url };
    },
    cleanup: async () => undefined,
  };
}

function postgresBackend(base: string): Backend {
  const schemas: TestSchema[] = [];
  return {
    name: 'PostgreSQL',
    open: async () => {
      const s = freshSchema(base);
      schemas.push(s);
      return { store: await openStore(s.url), url: s.url };
    },
    cleanup: async () => {
      for (const s of schemas) await s.drop();
    },
  };
}

/** The contract suite's kinds of calls on a small network: ~100 users, 300 posts, 3,000 events. */
async function contractWorkload(store: Store): Promise<void> {
  const t0 = Date.UTC(2026, 0, 1);
  const users = Array.from({ length: 100 }, (_, i) => ({ id: `u${i}`, name: `User ${i}` }));
  const words = ['bread', 'kayak', 'marathon', 'rain', 'city', 'coffee', 'garden', 'music', 'travel', 'code'];
  const posts = Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, author: `u${i % 100}`, text: `${words[i % 10]} and ${words[(i * 3) % 10]} day ${i}`, created_at: t0 + i * 1000, tags: [words[(i * 7) % 10]!] }));
  const follows = Array.from({ length: 500 }, (_, i) => ({ follower: `u${i % 100}`, followee: `u${(i * 13 + 1) % 100}` })).filter((f) => f.follower !== f.followee);
  const events: Event[] = Array.from({ length: 3000 }, (_, i) => ({ id: `e${i}`, user: `u${(i * 7) % 100}`, type: 'like', post: `p${(i * 11) % 300}`, timestamp: t0 + 400_000 + i * 1000 }));
  await store.write({ users, posts, follows });
  for (let b = 0; b < events.length; b += 500) await store.write({ events: events.slice(b, b + 500) });
  await store.write({ events: events.slice(0, 500) });
  for (let i = 0; i < 20; i++) {
    await store.getUser(`u${i}`);
    await store.getPosts([`p${i}`, `p${i + 1}`, `p${i + 2}`]);
    await store.userEvents(`u${i}`, { limit: 20 });
    await store.following(`u${i}`);
    await store.followers(`u${i}`);
    await store.postsByAuthors([`u${i}`, `u${i + 1}`], 10);
    await store.searchPosts(`${words[i % 10]} ${words[(i + 1) % 10]}`);
  }
  await store.eventsBetween(t0, t0 + 10_000_000, { limit: 100 });
  await store.postsBetween(t0, t0 + 100_000, 50);
  await store.transaction(async (tx) => {
    await tx.write({ users: [{ id: 'tx1' }] });
    await tx.write({ posts: [{ id: 'tx-p', author: 'tx1', text: 'inside', created_at: t0, tags: [] }] });
  });
  await store.eraseUser('u5', { replies: 'delete' });
  await store.exportUser('u6');
  await store.counts();
  for await (const _ of store.scanEvents()) void _;
  for await (const _ of store.scanPosts()) void _;
}

async function timeContract(backend: Backend, reps: number): Promise<{ open: number; work: number }> {
  const open: number[] = [], work: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const { store } = await backend.open();
    const t1 = performance.now();
    await contractWorkload(store);
    await store.close();
    open.push(t1 - t);
    work.push(performance.now() - t1);
  }
  return { open: median(open), work: median(work) };
}

async function timeWrites(backend: Backend, n: number): Promise<{ fresh: number; retry: number }> {
  const { store } = await backend.open();
  await store.write({
    users: Array.from({ length: USERS }, (_, i) => ({ id: `u${i}` })),
    posts: Array.from({ length: POSTS }, (_, i) => ({ id: `p${i}`, author: `u${i % USERS}`, text: `post ${i}`, created_at: 0, tags: [] })),
  });
  const t0 = Date.UTC(2026, 0, 1);
  const types = ['view', 'view', 'view', 'like', 'share'] as const;
  const events: Event[] = Array.from({ length: n }, (_, i) => ({ id: `evt-${String(i).padStart(9, '0')}`, user: `u${(i * 7919) % USERS}`, type: types[i % 5]!, post: `p${(i * 104_729) % POSTS}`, timestamp: t0 + i * 1000 }));
  const writeAll = async (): Promise<number> => {
    const t = performance.now();
    for (let b = 0; b < n; b += BATCH) await store.write({ events: events.slice(b, b + BATCH) });
    return n / ((performance.now() - t) / 1000);
  };
  const fresh = await writeAll();
  const retry = await writeAll();
  await store.close();
  return { fresh, retry };
}

export async function run(args: string[]): Promise<void> {
  const base = arg(args, 'pg', process.env.RESONATE_TEST_PG_URL);
  if (base === undefined) throw new Error('no PostgreSQL server: pass --pg postgres://… or set RESONATE_TEST_PG_URL');
  const n = Number(arg(args, 'events', '200000'));
  const networkUsers = Number(arg(args, 'users', '2000'));
  const reps = Number(arg(args, 'reps', '5'));
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-pg-'));
  const sqlite = sqliteBackend(dir), pg = postgresBackend(base);
  try {
    console.log(`## PostgreSQL store\n\n${machineLine()}; load average at start ${load()} on ${cpus().length} cores\n`);

    const contract: (string | number)[][] = [];
    for (const b of [sqlite, pg]) {
      const r = await timeContract(b, reps);
      contract.push([b.name, r.open.toFixed(1), r.work.toFixed(1)]);
    }
    console.log(`Contract-like workload (median of ${reps}; 100 users, 300 posts, 3,500 event writes, 140 reads and searches, a transaction, an erasure, full scans):\n`);
    console.log(table(['backend', 'open a fresh store (ms)', 'workload (ms)'], contract));

    const writes: (string | number)[][] = [];
    for (const b of [sqlite, pg]) {
      const r = await timeWrites(b, n);
      writes.push([b.name, fmt(r.fresh), fmt(r.retry)]);
    }
    console.log(`\nBatch writes (${fmt(n)} events, time-ordered ids, batches of ${BATCH}, store.write):\n`);
    console.log(table(['backend', 'new events/s', 'retried (all duplicates) events/s'], writes));

    const src = await sqlite.open();
    const gen = await generateToStore(src.store, { users: networkUsers, seed: 42 });
    const pgTarget = await pg.open();
    const back = await sqlite.open();
    const there = await copyStore(src.store, pgTarget.store);
    const home = await copyStore(pgTarget.store, back.store);
    for (const s of [src, pgTarget, back]) await s.store.close();
    const s = gen.summary;
    console.log(`\n\`resonate migrate\` of the synthetic network (${fmt(networkUsers)} users: ${fmt(s.users)} users, ${fmt(s.posts)} posts, ${fmt(s.follows)} follows, ${fmt(s.events)} events; copy and verification):\n`);
    console.log(table(['direction', 'rows', 'seconds', 'rows/s'], [
      ['SQLite → PostgreSQL', fmt(there.rows), there.seconds.toFixed(1), fmt(there.rows / there.seconds)],
      ['PostgreSQL → SQLite', fmt(home.rows), home.seconds.toFixed(1), fmt(home.rows / home.seconds)],
    ]));
    console.log(`\nLoad average at the end: ${load()} on ${cpus().length} cores.`);
  } finally {
    await pg.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
}
