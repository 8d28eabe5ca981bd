/**
 * @module Feed latency under load: `GET /v1/users/{id}/feed` on the demo network with 50 concurrent connections
 * (autocannon against 127.0.0.1), p50/p99 and requests/s. Target p99 ≤ 20 ms.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createEngine } from '../src/engine.js';
import { createServer } from '../src/api/server.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { machineLine, table } from './_machine.js';

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000);
  const seconds = Number(args[1] ?? 10);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-feed-'));
  const engine = await createEngine({ overrides: { store: { url: `sqlite://${join(dir, 'bench.db')}` }, models: { dir: join(dir, 'models') }, server: { rateLimit: { max: 10_000_000, timeWindowMs: 60_000 } } } });
  const t0 = performance.now();
  await generateToStore(engine.store, { users, seed: 42 });
  const genSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  await engine.train({ save: false });
  const trainSeconds = (performance.now() - t1) / 1000;
  // Measure the serving path alone: wait for the background models (ranker, behaviour) to finish training.
  await engine.secondaryTraining();
  const rankerState = (await engine.stats()).ranker;
  const app = await createServer(engine);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const d = engine.dataset!;
  // Spread requests over many users (the 500 most active and 500 others) so caches do not flatter the numbers.
  const ids = Array.from({ length: Math.min(1000, d.users.size) }, (_, i) => d.users.id((i * 7919) % d.users.size));
  const load = async (users: readonly string[]): Promise<autocannon.Result> => {
    let n = 0;
    return autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: 50,
      duration: seconds,
      requests: [{ method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: `/v1/users/${encodeURIComponent(users[n++ % users.length]!)}/feed?limit=20` }) }],
    });
  };
  // Cold: 1,000 different users, nearly every request ranks afresh. Warm: 50 users refreshing their first page,
  // served from the per-user first-page cache (feed.cacheTtlSeconds).
  const cold = await load(ids);
  const warm = await load(ids.slice(0, 50));
  await app.close();
  await engine.close();
  console.log(`\n## Feed latency (${machineLine()})\n`);
  console.log(`demo network: ${users} users (generated in ${genSeconds.toFixed(1)} s, trained in ${trainSeconds.toFixed(1)} s, engagement ranker ${rankerState}); autocannon 50 connections, ${seconds} s\n`);
  const row = (name: string, r: autocannon.Result): (string | number)[] => [name, r.requests.average, r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max, r.non2xx, r.errors];
  console.log(table(['load', 'requests/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors'], [row('cold: 1,000 users', cold), row('warm: 50 users refreshing', warm)]));
}
