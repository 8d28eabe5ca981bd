/**
 * @module `resonate serve --processes N` on PostgreSQL + Redis: feed requests/s and latency percentiles at 20
 * connections with 1 and with 2 API processes (targets: p99 ≤ 25 ms with 2; requests/s with 2 ≥ 1.3× with 1), and
 * the CPU time per request of the serving processes (primary and children, from /proc), since wall figures on a
 * shared 2-core machine move with the other load. A fresh schema of `--pg` (default RESONATE_TEST_PG_URL, else the
 * local server) gets a synthetic network of `--users` users (default 2,000); Redis is `--redis` (default
 * RESONATE_TEST_REDIS_URL, else the local server). Both runs use the same saved model version.
 *
 *   npm run bench -- processes [--users 2000] [--seconds 20] [--connections 20]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { load, type LoadResult } from './_http-load.js';
import { machineLine, table } from './_machine.js';

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

interface Serving { child: ChildProcess; port: number; pids: number[] }

async function startServe(config: string, processes: number): Promise<Serving> {
  const port = 4100 + Math.floor(Math.random() * 800);
  const child = spawn(process.execPath, ['bin/resonate.js', '--config', config, 'serve', '--processes', String(processes), '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  const t0 = Date.now();
  for (;;) {
    if (Date.now() - t0 > 600_000) throw new Error(`serve --processes ${processes} did not start: ${out}`);
    const ready = processes === 1 ? /serving on/.test(out) : [...out.matchAll(/process \d+ ready \(pid (\d+)\)/g)].length === processes;
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const pids = [child.pid!, ...[...out.matchAll(/process \d+ ready \(pid (\d+)\)/g)].map((m) => Number(m[1]))];
  return { child, port, pids };
}

/** Waits until every process answering /v1/stats has its background models fitted (they cost CPU while fitting). */
async function backgroundSettled(port: number, processes: number): Promise<void> {
  const t0 = Date.now();
  let settledAnswers = 0;
  while (settledAnswers < 4 * processes && Date.now() - t0 < 600_000) {
    const stats = (await (await fetch(`http://127.0.0.1:${port}/v1/stats`)).json()) as { ranker: string; behavior: string };
    settledAnswers = stats.ranker === 'training' || stats.behavior === 'training' ? 0 : settledAnswers + 1;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopServe(s: Serving): Promise<void> {
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
}

interface Row { processes: number; result: LoadResult; cpuMsPerRequest: number; load: string }

export async function run(args: string[]): Promise<void> {
  const users = Number(arg(args, '--users', '2000'));
  const seconds = Number(arg(args, '--seconds', '20'));
  const connections = Number(arg(args, '--connections', '20'));
  const pgUrl = arg(args, '--pg', process.env.RESONATE_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres');
  const redisUrl = arg(args, '--redis', process.env.RESONATE_TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  const schema = `bench_processes_${Date.now().toString(36)}`;
  const prefix = `resonate-bench-${schema}:`;
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-processes-'));
  const u = new URL(pgUrl);
  u.searchParams.set('schema', schema);
  const config = join(dir, 'resonate.config.json');
  writeFileSync(config, JSON.stringify({ store: { url: u.toString() }, cache: { url: redisUrl, keyPrefix: prefix }, models: { dir: join(dir, 'models') }, log: { level: 'warn' },
    // One client address sends everything: the per-address limit would answer 429s, which cost nothing to serve.
    server: { rateLimit: { max: 100_000_000 } } }));
  try {
    const g = spawnSync(process.execPath, ['bin/resonate.js', '--config', config, 'generate', '--users', String(users), '--seed', '7'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (g.status !== 0) throw new Error('generate failed');
    const t = spawnSync(process.execPath, ['bin/resonate.js', '--config', config, 'train', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (t.status !== 0) throw new Error('train failed');
    const ids = Array.from({ length: users }, (_, i) => `u${i}`);
    const rows: Row[] = [];
    for (const processes of [1, 2, 1, 2]) {
      const s = await startServe(config, processes);
      try {
        await backgroundSettled(s.port, processes);
        // Warm-up (first rankings, JIT), not counted.
        await load(s.port, 5, ids, dir, connections);
        const before = s.pids.reduce((a, p) => a + cpuSeconds(p), 0);
        const l0 = loadavg()[0]!;
        const result = await load(s.port, seconds, ids, dir, connections);
        const used = s.pids.reduce((a, p) => a + cpuSeconds(p), 0) - before;
        rows.push({ processes, result, cpuMsPerRequest: (used * 1000) / Math.max(1, result.requests.total), load: `${l0.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}` });
      } finally {
        await stopServe(s);
      }
    }
    console.log(`\n## serve --processes on PostgreSQL + Redis, ${users.toLocaleString('en')} users, ${connections} connections, ${seconds} s per run (${machineLine()})\n`);
    console.log(table(['processes', 'requests/s', 'p50 ms', 'p90 ms', 'p99 ms', 'non-2xx', 'server CPU ms / request', 'load (1 min)'], rows.map((r) => [
      r.processes, r.result.requests.average, r.result.latency.p50, r.result.latency.p90, r.result.latency.p99, r.result.non2xx + r.result.errors, r.cpuMsPerRequest, r.load,
    ])));
    const mean = (n: number, f: (r: Row) => number): number => {
      const xs = rows.filter((r) => r.processes === n).map(f);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    console.log(`\nrequests/s, 2 processes / 1: ${(mean(2, (r) => r.result.requests.average) / mean(1, (r) => r.result.requests.average)).toFixed(2)}× (target ≥ 1.3×); ` +
      `CPU ms per request, 1 / 2: ${(mean(1, (r) => r.cpuMsPerRequest) / mean(2, (r) => r.cpuMsPerRequest)).toFixed(2)}×; p99 with 2 processes: ${mean(2, (r) => r.result.latency.p99).toFixed(1)} ms (target ≤ 25 ms)`);
  } finally {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}
