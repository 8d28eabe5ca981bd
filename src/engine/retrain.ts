/**
 * @module Retraining while serving. The new version is trained in a child process (`resonate train`, same
 * config; with the engagement ranker when the feed uses it) so the request loop never runs a training; the parent only loads the saved
 * result and swaps it in. A store the child cannot open (an injected or in-memory store) is retrained in this
 * process instead, between requests. A failed training keeps the serving version and reports why.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';

/** The `resonate` launcher of this checkout or package (src/engine or dist/src/engine → bin/resonate.js). */
export function resonateBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'bin', 'resonate.js');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw createError('FILE_NOT_FOUND', { path: 'bin/resonate.js' });
}

/** Whether a child process can open the same store as this one. */
export function childCanTrain(config: ResonateConfig, injectedStore: boolean): boolean {
  return !injectedStore && !/:memory:/.test(config.store.url);
}

/**
 * Runs `resonate train --no-background` with this config in a child process; resolves when it has written a new
 * version, rejects with the child's last error line otherwise. `signal` kills the child. `jobKey` (a queued training
 * job) is recorded in the version, and the child saves nothing when a version with that key exists already. The
 * child holds an IPC channel to this process and exits when it closes, so a killed parent leaves no training behind.
 */
export function trainInChild(config: ResonateConfig, signal?: AbortSignal, options: { jobKey?: string } = {}): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-retrain-'));
  const file = join(dir, 'config.json');
  // The effective config (it may hold key hashes): readable by this user only, removed afterwards.
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return new Promise<void>((resolve, reject) => {
    // The child trains the engagement ranker too when the feed uses it, and saves it with the version, so this
    // process loads it instead of training it after the swap.
    const background = config.models.ranker && config.feed.rankerWeight > 0 ? [] : ['--no-background'];
    const job = options.jobKey ? ['--job-key', options.jobKey] : [];
    const child = spawn(process.execPath, [resonateBin(), '--config', file, 'train', ...background, ...job, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], signal });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('error', (e) => finish(e));
    child.on('exit', (code, sig) => finish(code === 0 ? undefined : new Error(`training process ${sig ? `killed by ${sig}` : `exited with ${code}`}: ${lastLine(stderr)}`)));
    let done = false;
    function finish(e?: Error): void {
      if (done) return;
      done = true;
      rmSync(dir, { recursive: true, force: true });
      if (e) reject(e);
      else resolve();
    }
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? '(no output)';
}
