/**
 * Fault test of queued training against the real services (PostgreSQL store, Redis version pointer, and the job
 * queue on each backend: BullMQ on Redis, pg-boss on PostgreSQL; skipped without RESONATE_TEST_PG_URL and
 * RESONATE_TEST_REDIS_URL; own schema, key prefix and queue namespace, removed afterwards). A serving engine
 * enqueues a training; `resonate worker` is killed with SIGKILL while its training child runs; what is on disk
 * afterwards is complete, and a second worker gets the job again and there is exactly one version with the job's
 * key (a second delivery publishes nothing new), which the serving engine adopts without a restart. Every version the serving engine served
 * meanwhile is a complete one on disk.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.js';
import { createEngine } from '../../src/engine/index.js';
import { loadVersion, listVersions } from '../../src/engine/model-versions.js';
import { trainJobKey } from '../../src/engine/jobs.js';
import { storeFingerprint } from '../../src/engine/trainer.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { dropPrefix, eventually, randomPrefix, TEST_REDIS_URL } from '../fixtures/test-redis.js';
import { freshSchema, TEST_PG_URL } from '../../src/storage/postgres/test-fixtures.js';

const services = TEST_PG_URL !== undefined && TEST_REDIS_URL !== '';

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

for (const backend of ['bullmq', 'pg-boss'] as const) {
  describe.skipIf(!services)(`kill -9 of a worker mid-training (${backend})`, () => {
    const schema = services ? freshSchema() : undefined;
    const jobsSchema = services ? freshSchema() : undefined;
    const prefix = randomPrefix();
    const dir = mkdtempSync(join(tmpdir(), 'resonate-worker-kill-'));
    const workers: ChildProcess[] = [];

    afterAll(async () => {
      for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
      await schema?.drop();
      await jobsSchema?.drop();
      await dropPrefix(prefix);
      rmSync(dir, { recursive: true, force: true });
    });

    function startWorker(configPath: string, log: string[]): ChildProcess {
      const w = spawn(process.execPath, [join(process.cwd(), 'bin/resonate.js'), '--config', configPath, 'worker', '--no-schedule'], { stdio: ['ignore', 'pipe', 'pipe'] });
      w.stdout!.on('data', (c: Buffer) => log.push(c.toString()));
      w.stderr!.on('data', (c: Buffer) => log.push(c.toString()));
      workers.push(w);
      return w;
    }

    it('the job is delivered again, one version is published with its key and adopted; nothing half-written serves', async () => {
      const models = join(dir, 'models');
      const jobs = backend === 'bullmq'
        ? { backend, url: TEST_REDIS_URL, namespace: prefix.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60), lockSeconds: 5, retryDelaySeconds: 1 }
        : { backend, url: TEST_PG_URL!, namespace: jobsSchema!.schema, expireSeconds: 10, retryDelaySeconds: 1 };
      const configPath = join(dir, 'resonate.config.json');
      writeFileSync(configPath, JSON.stringify({
        store: { url: schema!.url }, cache: { url: TEST_REDIS_URL, keyPrefix: prefix }, jobs: { ...jobs, followSeconds: 0.5 },
        // A model that trains for a while, so the kill lands mid-training.
        models: { dir: models, ranker: false, behavior: false, validate: false, train: [{ id: 'graph/lightgcn', params: { epochs: 300, validationFraction: 0 } }] }, feed: { materializeUsers: 0 }, log: { level: 'info' },
      }));
      const net = smallNetwork();
      const engine = await createEngine({ config: loadConfig({ file: configPath }) });
      try {
        for (const kind of ['users', 'posts', 'follows'] as const) await engine.ingest(kind, net[kind]);
        const half = Math.floor(net.events.length / 2);
        await engine.ingest('events', net.events.slice(0, half));
        expect((await engine.train()).version).toBe(1);
        // What the serving engine serves, sampled: every one must be a complete version.
        const served = new Set<number>();
        const sampler = setInterval(() => {
          const v = engine.runtime().modelVersion;
          if (v !== null) served.add(v);
        }, 50);

        await engine.ingest('events', net.events.slice(half));
        const key = trainJobKey(await storeFingerprint(engine.store), engine.plan.specs);
        await engine.retrain();
        expect((await (await engine.jobs())!.depths()).find((d) => d.name === 'train')!.waiting).toBe(1);

        const logA: string[] = [];
        const a = startWorker(configPath, logA);
        let trainer = 0;
        expect(await eventually(() => (trainer = childrenOf(a.pid!)[0] ?? 0) > 0, 90_000), logA.join('')).toBe(true);
        a.kill('SIGKILL');
        const killedAt = Date.now();
        // The training child is gone soon after; whatever it left on disk is complete: no version, or one version
        // with the job's key (a child that reached its save before it saw the parent die).
        expect(await eventually(() => !alive(trainer), 60_000)).toBe(true);
        const afterKill = listVersions(models).versions;
        expect(afterKill.filter((v) => v.version !== 1).every((v) => v.jobKey === key)).toBe(true);
        for (const v of afterKill) expect(() => loadVersion(models, v.version)).not.toThrow();

        const logB: string[] = [];
        startWorker(configPath, logB);
        expect(await eventually(() => engine.runtime().modelVersion === 2, 150_000), logB.join('')).toBe(true);
        const recoverySeconds = (Date.now() - killedAt) / 1000;
        clearInterval(sampler);
        served.add(engine.runtime().modelVersion!);
        const versions = listVersions(models).versions;
        expect(versions.map((v) => v.version)).toEqual([2, 1]);
        expect(versions.filter((v) => v.jobKey === key)).toHaveLength(1);
        for (const v of served) expect(() => loadVersion(models, v)).not.toThrow();
        expect([...served].sort()).toEqual([1, 2]);
        expect(existsSync(join(models, 'v000002', 'manifest.json'))).toBe(true);
        // The job itself is delivered again and completes (without publishing another version).
        expect(await eventually(async () => (await (await engine.jobs())!.depths()).every((d) => d.waiting + d.active + d.dead === 0), 150_000), logB.join('')).toBe(true);
        const drainedSeconds = (Date.now() - killedAt) / 1000;
        expect(listVersions(models).versions.filter((v) => v.jobKey === key)).toHaveLength(1);
        console.log(`[${backend}] kill -9 → version 2 served: ${recoverySeconds.toFixed(1)} s; job completed: ${drainedSeconds.toFixed(1)} s`);
      } finally {
        await engine.close();
      }
    }, 300_000);
  });
}
