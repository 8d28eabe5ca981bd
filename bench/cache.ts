/**
 * @module The cost of a first page read from the shared Redis page store against one from this process's memory
 * (and against ranking it): two engines on one store, one models folder and one Redis (`cache.url`). Engine A
 * ranks the first page of N users (misses: rankings) and reads them again (local hits); engine B then reads each
 * (Redis hits: a local miss, one HGET, JSON parse, adoption into local memory) and again (local hits). Times are
 * per `engine.feed` call, hydration included, one request at a time.
 *
 * Usage: `npm run bench -- cache [users=2000] [asked=500] [redis=redis://127.0.0.1:6379]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { createEngine, type Engine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import type { ResonateConfigInput } from '../src/core/config.js';
import { machineLine, table } from './_machine.js';

interface Timing {
  meanUs: number;
  p50Us: number;
  p99Us: number;
}

async function timeFeeds(engine: Engine, users: readonly string[]): Promise<{ timing: Timing; cursors: (string | undefined)[] }> {
  const us: number[] = [];
  const cursors: (string | undefined)[] = [];
  for (const u of users) {
    const t0 = performance.now();
    const page = await engine.feed(u);
    us.push((performance.now() - t0) * 1000);
    cursors.push(page.nextCursor);
  }
  const sorted = [...us].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { timing: { meanUs: us.reduce((s, x) => s + x, 0) / us.length, p50Us: at(0.5), p99Us: at(0.99) }, cursors };
}

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000);
  const asked = Number(args[1] ?? 500);
  const url = args[2] ?? 'redis://127.0.0.1:6379';
  const prefix = `resonate-bench:${process.pid}:`;
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-cache-'));
  const overrides: ResonateConfigInput = {
    store: { url: `sqlite://${join(dir, 'bench.db')}` },
    models: { dir: join(dir, 'models'), ranker: false, behavior: false, validate: false },
    feed: { materializeUsers: 0 },
    impressions: { enabled: false },
    cache: { url, keyPrefix: prefix },
  };
  const a = await createEngine({ overrides });
  await generateToStore(a.store, { users, seed: 42 });
  await a.train();
  const b = await createEngine({ overrides });
  await b.load();
  const d = a.dataset!;
  const ids = Array.from({ length: Math.min(asked, d.users.size) }, (_, i) => d.users.id((i * 7919) % d.users.size));

  const ranked = await timeFeeds(a, ids);
  const localA = await timeFeeds(a, ids);
  await a.shared.settled();
  const shared = await timeFeeds(b, ids);
  const localB = await timeFeeds(b, ids);
  // A Redis hit serves A's list: the same snapshot time, hence the same cursor.
  const adopted = shared.cursors.filter((c, i) => c === ranked.cursors[i]).length;

  const redis = new Redis(url);
  const version = (await a.stats()).modelVersion!.version;
  const sizes = await Promise.all(ids.slice(0, 100).map((u) => redis.hstrlen(`${prefix}pages:${u}`, `${version}:${a.config.feed.pageSize}`)));
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await a.close();
  await b.close();
  rmSync(dir, { recursive: true, force: true });

  const row = (name: string, t: Timing): (string | number)[] => [name, t.meanUs.toFixed(0), t.p50Us.toFixed(0), t.p99Us.toFixed(0)];
  console.log(`\n## Shared page cache (${machineLine()})\n`);
  console.log(`demo network: ${users} users; ${ids.length} users asked once per row, one request at a time; page size ${overrides.feed?.pageSize ?? 20}; Redis ${url.replace(/\/\/.*@/, '//')}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  console.log(table(['first page served from', 'mean µs', 'p50 µs', 'p99 µs'], [
    row('ranked (miss)', ranked.timing),
    row('local memory (process A)', localA.timing),
    row('Redis (process B, local miss)', shared.timing),
    row('local memory (process B, after adoption)', localB.timing),
  ]));
  console.log(`\nRedis hits that served A's list: ${adopted} / ${ids.length}; shared list size: mean ${(sizes.reduce((s, x) => s + x, 0) / sizes.length / 1024).toFixed(1)} KiB (JSON, up to 5 pages)`);
}
