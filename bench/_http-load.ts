/**
 * @module HTTP load for the serving benchmarks: `serve(engine)` listens on a free port; `load` runs autocannon in
 * a child process (bench/_load.mjs, so it does not share the server's event loop) against the feed route (or
 * `path`, a template with `{id}`), and
 * reports requests/s, latency percentiles and this process's CPU time per request (the server's, as the server
 * runs in this process).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Engine } from '../src/engine/index.js';
import { createServer } from '../src/api/server.js';

export interface LoadResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  /** Server CPU milliseconds (user + system) per request over the load. */
  cpuMsPerRequest: number;
  /** 1-minute load average before → after. */
  load: string;
}

const here = dirname(fileURLToPath(import.meta.url));

/** `settleMs`: idle time after the load still counted (work the server defers, such as buffered writes). */
export async function load(port: number, seconds: number, ids: readonly string[], dir: string, connections = 50, settleMs = 0, path = '/v1/users/{id}/feed'): Promise<LoadResult> {
  const idsFile = join(dir, `ids-${ids.length}.json`);
  writeFileSync(idsFile, JSON.stringify(ids));
  const before = loadavg()[0]!;
  const cpu = process.cpuUsage();
  const { stdout } = await promisify(execFile)(process.execPath, [join(here, '_load.mjs'), String(port), String(seconds), String(connections), path, idsFile], { maxBuffer: 1 << 24 });
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  const used = process.cpuUsage(cpu);
  const r = JSON.parse(stdout) as Omit<LoadResult, 'cpuMsPerRequest' | 'load'>;
  return { ...r, cpuMsPerRequest: (used.user + used.system) / 1000 / Math.max(1, r.requests.total), load: `${before.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}` };
}

export async function serve(engine: Engine): Promise<{ port: number; close: () => Promise<void> }> {
  const app = await createServer(engine);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, close: () => app.close() };
}

