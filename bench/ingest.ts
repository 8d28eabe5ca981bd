/**
 * @module Benchmark `ingest`: event ingestion into SQLite through the Store (batches of 1,000) and the time to
 * import ml-100k and build its Dataset.
 *
 * Usage: `npm run bench -- ingest [--events 200000]`. Event ids are measured two ways: time-ordered
 * (`evt-000001…`, like ULIDs or UUIDv7: each insert lands at the right edge of the id index) and random UUIDv4
 * (each insert lands on a random page of that index).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { datasetFromStore } from '../src/data/dataset-from-store.js';
import { importData } from '../src/data/importers/index.js';
import type { Event } from '../src/data/schemas.js';
import { createSqliteStore } from '../src/storage/sqlite-store.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

const BATCH = 1000;
const USERS = 1000;
const POSTS = 10_000;

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

/** Events of `n` users on `p` posts, one second apart; ids time-ordered or random. */
function makeEvents(n: number, ids: 'ordered' | 'random'): Event[] {
  const t0 = Date.UTC(2026, 0, 1);
  const types = ['view', 'view', 'view', 'like', 'share'] as const;
  return Array.from({ length: n }, (_, i) => ({
    id: ids === 'ordered' ? `evt-${String(i).padStart(9, '0')}` : randomUUID(),
    user: `u${(i * 7919) % USERS}`,
    type: types[i % types.length]!,
    post: `p${(i * 104_729) % POSTS}`,
    timestamp: t0 + i * 1000,
  }));
}

interface Rate {
  /** Events per wall-clock second. */
  wall: number;
  /** Events per second of this process's CPU time (user + system): comparable on a busy shared machine. */
  cpu: number;
}

async function timed(n: number, fn: () => Promise<void>): Promise<Rate> {
  const t = performance.now();
  const c = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(c);
  return { wall: n / ((performance.now() - t) / 1000), cpu: n / ((used.user + used.system) / 1e6) };
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

const fmtRate = (r: Rate): string => `${Math.round(r.wall).toLocaleString('en-US')} events/s (${Math.round(r.cpu).toLocaleString('en-US')} per CPU-second)`;

async function ingest(dir: string, n: number, ids: 'ordered' | 'random'): Promise<{ rate: Rate; retryRate: Rate }> {
  const path = join(dir, `ingest-${ids}.db`);
  const store = await createSqliteStore({ path });
  await store.write({
    users: Array.from({ length: USERS }, (_, i) => ({ id: `u${i}` })),
    posts: Array.from({ length: POSTS }, (_, i) => ({ id: `p${i}`, author: `u${i % USERS}`, text: `post ${i}`, created_at: 0, tags: [] })),
  });
  const events = makeEvents(n, ids);
  const writeAll = async (): Promise<void> => {
    for (let b = 0; b < n; b += BATCH) await store.write({ events: events.slice(b, b + BATCH) });
  };
  const rate = await timed(n, writeAll);
  // A retry of everything: every event is a duplicate.
  const retryRate = await timed(n, writeAll);
  await store.close();
  return { rate, retryRate };
}

export async function run(args: string[]): Promise<void> {
  const n = arg(args, 'events', 200_000);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-ingest-'));
  try {
    console.log(`## Ingestion and dataset build\n\n${machineLine()}\n`);
    const rows: (string | number)[][] = [];
    for (const ids of ['ordered', 'random'] as const) {
      const r = await ingest(dir, n, ids);
      rows.push([`ingest ${n.toLocaleString('en-US')} events, ${ids} ids, batches of ${BATCH}`, fmtRate(r.rate)]);
      rows.push([`retry the same ${n.toLocaleString('en-US')} events (all duplicates)`, fmtRate(r.retryRate)]);
    }
    if (hasData('ml-100k')) {
      const store = await createSqliteStore({ path: join(dir, 'ml.db') });
      let t = performance.now(), c = process.cpuUsage();
      const report = await importData(store, 'movielens', resolve(dataDir(), 'ml-100k'));
      const importMs = performance.now() - t, importCpu = cpuMs(process.cpuUsage(c));
      t = performance.now();
      c = process.cpuUsage();
      const d = await datasetFromStore(store);
      const buildMs = performance.now() - t, buildCpu = cpuMs(process.cpuUsage(c));
      rows.push([`import ml-100k (${report.accepted.users} users, ${report.accepted.posts} posts, ${report.accepted.events.toLocaleString('en-US')} events)`, `${(importMs / 1000).toFixed(2)} s (${(importCpu / 1000).toFixed(2)} s CPU)`]);
      rows.push([`datasetFromStore on ml-100k (${d.users.size}×${d.items.size}, ${d.log.user.length.toLocaleString('en-US')} events)`, `${(buildMs / 1000).toFixed(2)} s (${(buildCpu / 1000).toFixed(2)} s CPU)`]);
      await store.close();
    } else {
      rows.push(['ml-100k', `not found under ${dataDir()}`]);
    }
    console.log(table(['what', 'result'], rows));
    console.log(`\nLoad average at the end: ${loadavg().map((x) => x.toFixed(1)).join(', ')} on ${cpus().length} cores.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
