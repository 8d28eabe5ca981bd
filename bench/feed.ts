/**
 * @module Feed latency under load: `GET /v1/users/{id}/feed` on the demo network, p50/p99, requests/s and the
 * server's CPU time per request. Targets: p99 ≤ 20 ms at 50 connections on the default (materialized) path;
 * ≤ 1 ms CPU per request and p99 ≤ 50 ms at 20 connections when every request ranks afresh.
 *
 * Usage: `npm run bench -- feed [users=2000] [seconds=10] [materialized|cold]`. The server runs in this process; the load generator
 * (autocannon, bench/_load.mjs) runs in a child process so it does not share the server's event loop, so this
 * process's CPU time (process.cpuUsage) over a load is the server's. Loads: 1,000 different users whose first
 * pages were materialized after training (the default serving path, 50 connections); 50 users refreshing their
 * first page; the same 1,000 users with materialization and the first-page cache off (every request ranks
 * afresh: the price of a user who just acted) at 20 and at 50 connections. Each server gets 2 s of unrecorded
 * warm-up load. The 1-minute load average is printed before and after each load (the machine may be shared).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { load, serve, type LoadResult } from './_http-load.js';
import { machineLine, table } from './_machine.js';

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000);
  const seconds = Number(args[1] ?? 10);
  // Optional third argument: `materialized` or `cold` runs only that mode (the 100k-user run).
  const only = args[2];
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-feed-'));
  const dbUrl = `sqlite://${join(dir, 'bench.db')}`;
  const rateLimit = { max: 10_000_000, timeWindowMs: 60_000 };
  const t0 = performance.now();
  {
    const gen = await createEngine({ overrides: { store: { url: dbUrl } } });
    await generateToStore(gen.store, { users, seed: 42 });
    await gen.close();
  }
  const genSeconds = (performance.now() - t0) / 1000;

  const rows: (string | number)[][] = [];
  const row = (name: string, r: LoadResult): (string | number)[] => [name, Math.round(r.requests.average).toLocaleString('en-US'), r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max, r.non2xx, r.errors, r.cpuMsPerRequest, r.load];
  let notes = '';
  for (const mode of ['materialized', 'ranked per request'] as const) {
    if ((only === 'cold' && mode === 'materialized') || (only === 'materialized' && mode !== 'materialized')) continue;
    const feed = mode === 'materialized' ? {} : { materializeUsers: 0, cacheTtlSeconds: 0 };
    const engine = await createEngine({ overrides: { store: { url: dbUrl }, models: { dir: join(dir, 'models') }, server: { rateLimit }, feed } });
    const t1 = performance.now();
    await engine.train({ save: false });
    const trainSeconds = (performance.now() - t1) / 1000;
    // Measure the serving path alone: wait for the background work (ranker, materialization, behaviour).
    await engine.secondaryTraining();
    const backgroundSeconds = (performance.now() - t1) / 1000 - trainSeconds;
    const stats = await engine.stats();
    const d = engine.dataset!;
    // 1,000 users spread over the whole activity range (not only the most active).
    const ids = Array.from({ length: Math.min(1000, d.users.size) }, (_, i) => d.users.id((i * 7919) % d.users.size));
    const server = await serve(engine);
    await load(server.port, 2, ids, dir); // warm-up (JIT, connection pool), not recorded
    if (mode === 'materialized') {
      rows.push(row('materialized: 1,000 users, 50 connections', await load(server.port, seconds, ids, dir)));
      rows.push(row('materialized: 50 users refreshing, 50 connections', await load(server.port, seconds, ids.slice(0, 50), dir)));
    } else {
      rows.push(row('ranked per request: 1,000 users, 20 connections', await load(server.port, seconds, ids, dir, 20)));
      rows.push(row('ranked per request: 1,000 users, 50 connections', await load(server.port, seconds, ids, dir, 50)));
    }
    if (mode === 'materialized') {
      notes = `trained in ${trainSeconds.toFixed(1)} s; background (engagement ranker ${stats.ranker}, ${stats.materializedFeeds} feeds materialized, behaviour ${stats.behavior}) ${backgroundSeconds.toFixed(1)} s`;
    }
    await server.close();
    await engine.close();
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n## Feed latency (${machineLine()})\n`);
  console.log(`demo network: ${users} users (generated in ${genSeconds.toFixed(1)} s), ${notes}; autocannon in its own process, ${seconds} s per load\n`);
  console.log(table(['load', 'requests/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors', 'server CPU ms/request', 'load average'], rows));
}
