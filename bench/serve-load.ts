/**
 * @module `resonate serve` after `resonate train` on unchanged data: the saved model version is loaded and nothing
 * is retrained, so the time to a non-empty feed is the load time. On a synthetic network of `--users` users
 * (default 10,000). Target ≤ 3 s. Also prints the training time and the first `npm start`-like time of `serve`
 * on a store that has no saved version (trains in the foreground).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, table } from './_machine.js';

function cli(env: NodeJS.ProcessEnv, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['bin/resonate.js', ...args], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`resonate ${args.join(' ')} exited with ${r.status}`);
  return (performance.now() - t0) / 1000;
}

/** Seconds from spawning `serve` to a non-empty feed page for `user`. */
async function serveUntilFeed(env: NodeJS.ProcessEnv, user: string): Promise<{ seconds: number; log: string }> {
  const port = 3900 + Math.floor(Math.random() * 90);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/resonate.js', 'serve', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let log = '';
  child.stdout.on('data', (b: Buffer) => (log += b.toString()));
  try {
    while (performance.now() - t0 < 600_000) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/v1/users/${encodeURIComponent(user)}/feed?limit=10`);
        if (res.ok && ((await res.json()) as { items: unknown[] }).items.length > 0) return { seconds: (performance.now() - t0) / 1000, log };
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('serve did not answer a feed within 600 s');
  } finally {
    child.kill('SIGTERM');
  }
}

export async function run(args: string[]): Promise<void> {
  const users = Number(args[args.indexOf('--users') + 1] ?? 10_000) || 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-serve-'));
  const env = { ...process.env, RESONATE_STORE_URL: `sqlite://${join(dir, 'resonate.db')}`, RESONATE_MODELS_DIR: join(dir, 'models'), RESONATE_LOG_LEVEL: 'warn' };
  try {
    const generate = cli(env, ['generate', '--users', String(users), '--seed', '7']);
    const cold = await serveUntilFeed(env, 'u1');
    const train = cli(env, ['train', '--quiet']);
    const warm = await serveUntilFeed(env, 'u1');
    console.log(`\n## serve after train, ${users.toLocaleString('en')} users (${machineLine()})\n`);
    console.log(table(['phase', 'seconds'], [
      ['generate the synthetic network', generate],
      ['serve with no saved version → first non-empty feed (trains in the foreground)', cold.seconds],
      ['train (a new version, background models included)', train],
      ['serve after train on unchanged data → first non-empty feed (target ≤ 3 s)', warm.seconds],
    ]));
    console.log(warm.log.trim().split('\n').map((l) => `    ${l}`).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
