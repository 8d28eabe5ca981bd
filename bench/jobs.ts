/**
 * @module The job queue backends on this machine's services: enqueue→start latency (one job at a time, the worker
 * idle and waiting) and throughput (N jobs enqueued, then drained by one worker with concurrency 1 and 8; empty
 * handlers, so this is the queue's own cost). Each run in a namespace of its own, removed afterwards. Recovery
 * after a worker is killed mid-training is measured by test/engine/worker-kill.test.ts (it prints the seconds).
 *
 * Usage: `npm run bench -- jobs [latencyJobs=200] [throughputJobs=2000] [redis=redis://127.0.0.1:6379] [pg=postgres://postgres@127.0.0.1:5432/postgres]`
 */
import { cpuUsage } from 'node:process';
import { loadavg as osLoad } from 'node:os';
import pg from 'pg';
import { Redis } from 'ioredis';
import { DEFAULT_CONFIG } from '../src/core/config.js';
import { openJobQueue, type JobQueue, type JobsConfig } from '../src/jobs/job-queue.js';
import { machineLine, table } from './_machine.js';


async function latency(queue: JobQueue, n: number): Promise<number[]> {
  const ms: number[] = [];
  let resolve: (() => void) | undefined;
  let sentAt = 0;
  await queue.work('train', async () => {
    ms.push(performance.now() - sentAt);
    resolve?.();
  }, { concurrency: 1 });
  for (let i = 0; i < n; i++) {
    const started = new Promise<void>((r) => (resolve = r));
    // Let the worker go back to waiting before the next job.
    await new Promise((r) => setTimeout(r, 20));
    sentAt = performance.now();
    await queue.enqueue('train', { i }, `lat-${i}`);
    await started;
  }
  return ms;
}

async function throughput(queue: JobQueue, n: number, concurrency: number): Promise<{ enqueuePerS: number; drainPerS: number }> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await queue.enqueue('retention', { i }, `tp-${concurrency}-${i}`);
  const t1 = performance.now();
  let done = 0;
  let finished: () => void = () => undefined;
  const all = new Promise<void>((r) => (finished = r));
  await queue.work('retention', async () => {
    if (++done === n) finished();
  }, { concurrency });
  await all;
  const t2 = performance.now();
  return { enqueuePerS: n / ((t1 - t0) / 1000), drainPerS: n / ((t2 - t1) / 1000) };
}

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function run(args: string[]): Promise<void> {
  const latencyJobs = Number(args[0] ?? 200);
  const tpJobs = Number(args[1] ?? 2000);
  const redisUrl = args[2] ?? 'redis://127.0.0.1:6379';
  const pgUrl = args[3] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(machineLine());
  console.log(`load average before: ${osLoad().map((x) => x.toFixed(2)).join(' ')}`);
  const rows: (string | number)[][] = [];
  for (const backend of ['bullmq', 'pg-boss'] as const) {
    const cpu0 = cpuUsage();
    const w0 = performance.now();
    const lat: number[] = [];
    const tp: Record<number, { enqueuePerS: number; drainPerS: number }> = {};
    for (const phase of ['latency', 1, 8] as const) {
      const namespace = `bench_jobs_${process.pid}_${String(phase)}`;
      const config: JobsConfig = { ...DEFAULT_CONFIG.jobs, backend, url: backend === 'bullmq' ? redisUrl : pgUrl, namespace, retryDelaySeconds: 0 };
      const queue = (await openJobQueue(config))!;
      try {
        if (phase === 'latency') lat.push(...(await latency(queue, latencyJobs)));
        else tp[phase] = await throughput(queue, tpJobs, phase);
      } finally {
        await queue.close(2000);
        await drop(backend, namespace, redisUrl, pgUrl);
      }
    }
    const cpu = cpuUsage(cpu0);
    rows.push([backend, pct(lat, 0.5), pct(lat, 0.99), tp[1]!.enqueuePerS, tp[1]!.drainPerS, tp[8]!.drainPerS, (cpu.user + cpu.system) / 1e6, (performance.now() - w0) / 1000]);
  }
  console.log(table(['backend', 'enqueue→start p50 ms', 'p99 ms', 'enqueue jobs/s', 'drain jobs/s (1)', 'drain jobs/s (8)', 'CPU s (this process)', 'wall s'], rows));
  console.log(`load average after: ${osLoad().map((x) => x.toFixed(2)).join(' ')}`);
}

async function drop(backend: 'bullmq' | 'pg-boss', namespace: string, redisUrl: string, pgUrl: string): Promise<void> {
  if (backend === 'bullmq') {
    const r = new Redis(redisUrl);
    const keys = await r.keys(`${namespace}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  } else {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
    await c.end();
  }
}
