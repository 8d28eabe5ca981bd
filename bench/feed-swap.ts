/**
 * @module Retrain and swap under load: 50 connections on `GET /v1/users/{id}/feed` while the engine retrains (a
 * child process trains a new version from the file store) and swaps it in (loads it, then ranks the first pages
 * of the most active users again in the background). Targets: no failed request; p99 ≤ 50 ms during the swap.
 *
 * Usage: `npm run bench -- feed-swap [users=2000] [seconds=90]`. Default config (materialized first pages). The
 * load runs `seconds`; the retraining starts 5 s in. Latencies are cut by phase from the load generator's
 * timeline (bench/_load-timeline.mjs): before the retraining; while the child trains; from the swap until the
 * new version's background work is done (first pages materialized again, ranker loaded); after. The event loop's
 * longest stall in each phase is measured in the server's process (monitorEventLoopDelay).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createEngine } from '../src/engine/index.js';
import { createServer } from '../src/api/server.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { machineLine, table } from './_machine.js';

interface Timeline {
  non2xx: number;
  errors: number;
  timeouts: number;
  requests: { total: number };
  /** [epoch ms, latency ms, status] per response; status 0 for errors. */
  timeline: [number, number, number][];
}

const here = dirname(fileURLToPath(import.meta.url));
const LEAD_MS = 5_000;

function percentile(sorted: readonly number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;
}

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000);
  const seconds = Number(args[1] ?? 90);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-swap-'));
  const overrides = { store: { url: `sqlite://${join(dir, 'bench.db')}` }, models: { dir: join(dir, 'models') }, server: { rateLimit: { max: 10_000_000, timeWindowMs: 60_000 } } };
  {
    const gen = await createEngine({ overrides: { store: overrides.store } });
    await generateToStore(gen.store, { users, seed: 42 });
    await gen.close();
  }
  const engine = await createEngine({ overrides });
  await engine.train({ save: true });
  await engine.secondaryTraining();
  const d = engine.dataset!;
  const ids = Array.from({ length: Math.min(1000, d.users.size) }, (_, i) => d.users.id((i * 7919) % d.users.size));
  const idsFile = join(dir, 'ids.json');
  writeFileSync(idsFile, JSON.stringify(ids));
  const app = await createServer(engine);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = String(typeof addr === 'object' && addr ? addr.port : 0);
  const loadOf = (s: number): Promise<Timeline> =>
    promisify(execFile)(process.execPath, [join(here, '_load-timeline.mjs'), port, String(s), '50', '/v1/users/{id}/feed', idsFile], { maxBuffer: 1 << 28 }).then(({ stdout }) => JSON.parse(stdout) as Timeline);
  await loadOf(2); // warm-up, not recorded

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const stalls: number[] = [];
  const phaseEnd = (): void => {
    stalls.push(loopDelay.max / 1e6);
    loopDelay.reset();
  };
  const loadBefore = loadavg()[0]!;
  const loading = loadOf(seconds);
  await new Promise((r) => setTimeout(r, LEAD_MS));
  phaseEnd();
  const tRetrain = Date.now();
  let tSwap = NaN;
  const watch = setInterval(() => {
    if (Number.isNaN(tSwap) && engine.dataset !== d) {
      tSwap = Date.now();
      phaseEnd();
    }
  }, 5);
  await engine.retrain();
  await engine.secondaryTraining();
  const tDone = Date.now();
  clearInterval(watch);
  if (Number.isNaN(tSwap)) phaseEnd();
  phaseEnd();
  const result = await loading;
  phaseEnd();
  const loadAfter = loadavg()[0]!;
  const stats = await engine.stats();
  await app.close();
  await engine.close();
  rmSync(dir, { recursive: true, force: true });

  const phases: [string, number, number][] = [
    ['before the retraining', tRetrain - LEAD_MS, tRetrain],
    ['child process training', tRetrain, tSwap],
    ['swap → background work done (first pages materialized again)', tSwap, tDone],
    ['after', tDone, Infinity],
  ];
  const rows = phases.map(([name, from, to], k) => {
    const inPhase = result.timeline.filter(([t]) => t >= from && t < to);
    const lat = inPhase.filter(([, , s]) => s >= 200 && s < 300).map(([, l]) => l).sort((a, b) => a - b);
    const failed = inPhase.filter(([, , s]) => !(s >= 200 && s < 300)).length;
    const span = (Math.min(to, inPhase.at(-1)?.[0] ?? from) - Math.max(from, inPhase[0]?.[0] ?? from)) / 1000;
    return [name, Number.isFinite(to - from) ? ((to - from) / 1000).toFixed(1) : '—', inPhase.length, span > 0 ? Math.round(inPhase.length / span) : '—', percentile(lat, 0.5), percentile(lat, 0.99), lat.at(-1) ?? NaN, failed, Math.round(stalls[k] ?? NaN)];
  });
  console.log(`\n## Retrain and swap under load (${machineLine()})\n`);
  console.log(`demo network: ${users} users; 50 connections for ${seconds} s, retraining started ${LEAD_MS / 1000} s in; ${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; retrain state ${stats.retraining}, ${stats.materializedFeeds} feeds materialized after the swap; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}${tDone > tRetrain + seconds * 1000 - LEAD_MS ? '; the load ended before the background work did' : ''}\n`);
  console.log(table(['phase', 'seconds', 'responses', 'requests/s', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'longest event-loop stall ms'], rows));
}
