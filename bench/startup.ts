/**
 * @module Time from `npm start` (after `npm ci`) to serving: runs the start verb on a fresh database and polls
 * /health until it answers with trained models. Target ≤ 30 s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, table } from './_machine.js';

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-start-'));
  const port = 3900 + Math.floor(Math.random() * 90);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/resonate.js', 'start', '--port', String(port)], {
    cwd: process.cwd(),
    env: { ...process.env, RESONATE_STORE_URL: `sqlite://${join(dir, 'resonate.db')}`, RESONATE_MODELS_DIR: join(dir, 'models'), RESONATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  let ready = -1;
  while (performance.now() - t0 < 180_000) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      const body = (await res.json()) as { trained?: boolean };
      if (res.ok && body.trained) {
        ready = (performance.now() - t0) / 1000;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  console.log(`\n## Start-up (${machineLine()})\n`);
  console.log(out.trim().split('\n').map((l) => `    ${l}`).join('\n') + '\n');
  console.log(table(['phase', 'seconds'], [['npm start → serving with trained models (fresh database, demo network)', ready < 0 ? 'timeout' : ready]]));
}
