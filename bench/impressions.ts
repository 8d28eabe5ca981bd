/**
 * @module The impression log's cost on the serving path: server CPU time per feed request with logging on
 * against off, over interleaved repeated loads (off, on, off, on, …) so that drift of a shared machine hits both
 * alike. Target: on ≤ 1.1× off. Two engines on one store, one with `impressions.enabled` false; each load's CPU
 * time includes 1.5 s after it, so the buffered writes of the last flush are counted.
 *
 * Usage: `npm run bench -- impressions [users=2000] [seconds=5] [rounds=3]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { load, serve, type LoadResult } from './_http-load.js';
import { machineLine, table } from './_machine.js';

const SETTLE_MS = 1_500;

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000);
  const seconds = Number(args[1] ?? 5);
  const rounds = Number(args[2] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-impressions-'));
  const dbUrl = `sqlite://${join(dir, 'bench.db')}`;
  {
    const gen = await createEngine({ overrides: { store: { url: dbUrl } } });
    await generateToStore(gen.store, { users, seed: 42 });
    await gen.close();
  }
  const rows: (string | number)[][] = [];
  for (const mode of ['materialized', 'ranked per request'] as const) {
    const feed = mode === 'materialized' ? {} : { materializeUsers: 0, cacheTtlSeconds: 0 };
    const connections = mode === 'materialized' ? 50 : 20;
    const engines: Record<'off' | 'on', Engine> = {
      off: await createEngine({ overrides: { store: { url: dbUrl }, models: { dir: join(dir, 'models') }, server: { rateLimit: { max: 1e9 } }, feed, impressions: { enabled: false } } }),
      on: await createEngine({ overrides: { store: { url: dbUrl }, models: { dir: join(dir, 'models') }, server: { rateLimit: { max: 1e9 } }, feed } }),
    };
    for (const e of Object.values(engines)) {
      await e.train({ save: false });
      await e.secondaryTraining();
    }
    const d = engines.on.dataset!;
    const ids = Array.from({ length: Math.min(1000, d.users.size) }, (_, i) => d.users.id((i * 7919) % d.users.size));
    const servers = { off: await serve(engines.off), on: await serve(engines.on) };
    for (const s of Object.values(servers)) await load(s.port, 2, ids, dir, connections); // warm-up
    const results: Record<'off' | 'on', LoadResult[]> = { off: [], on: [] };
    for (let r = 0; r < rounds; r++) {
      for (const which of ['off', 'on'] as const) results[which].push(await load(servers[which].port, seconds, ids, dir, connections, SETTLE_MS));
    }
    const cpu = (rs: LoadResult[]): number => rs.reduce((s, x) => s + x.cpuMsPerRequest * x.requests.total, 0) / rs.reduce((s, x) => s + x.requests.total, 0);
    const stats = (await engines.on.stats()).impressions;
    rows.push([
      `${mode}, ${connections} connections`,
      cpu(results.off).toFixed(3), cpu(results.on).toFixed(3), (cpu(results.on) / cpu(results.off)).toFixed(3),
      results.on.map((x) => x.latency.p99).join(' / '), results.off.map((x) => x.latency.p99).join(' / '),
      stats.written.toLocaleString('en-US'), stats.dropped,
      results.on[results.on.length - 1]!.load,
    ]);
    for (const s of Object.values(servers)) await s.close();
    for (const e of Object.values(engines)) await e.close();
  }
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n## Impression log cost (${machineLine()})\n`);
  console.log(`demo network: ${users} users; ${rounds} interleaved rounds of ${seconds} s per setting; CPU includes ${SETTLE_MS / 1000} s after each load\n`);
  console.log(table(['path', 'CPU ms/request off', 'CPU ms/request on', 'on / off', 'p99 ms on (rounds)', 'p99 ms off (rounds)', 'rows written', 'rows dropped', 'load average'], rows));
}
