/**
 * @module Batch work as queued jobs (`jobs.backend`): the keys that make a delivery idempotent, what `resonate
 * worker` does with each job, and the schedule that enqueues them. A training job is keyed by the store's
 * fingerprint and the plan's specs; its worker trains in a child process (which saves the version atomically and
 * records the key in it) and announces the version, and a second delivery of the same key finds that version and
 * publishes nothing new. Serving processes load what workers publish (`followPublished`).
 */
import { createHash } from 'node:crypto';
import type { ResonateConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { JobHandler, JobName, JobQueue } from '../jobs/job-queue.js';
import { canonicalJson, type ModelSpec } from '../models/model-spec.js';
import type { Store } from '../storage/store.js';
import { currentVersion, readManifest, versionOfJob, type DataFingerprint } from './model-versions.js';
import { applyRetention, expiryCutoffs } from './retention.js';
import { trainInChild } from './retrain.js';
import { sameFingerprint, storeFingerprint } from './trainer.js';

/** The key of a training on this data with these specs: two requests for the same training are one job. */
export function trainJobKey(fingerprint: DataFingerprint, specs: readonly ModelSpec[]): string {
  const h = createHash('sha256').update(canonicalJson({ fingerprint, specs })).digest('hex');
  return `train-${h.slice(0, 32)}`;
}

/** One retention pass per period: the key of the period `now` falls in. */
export function retentionJobKey(now: number, everyMinutes: number): string {
  return `retention-${Math.floor(now / (everyMinutes * 60_000))}`;
}

/** Enqueues a training of the store as it is now; the key (and undefined id when one with it is queued already). */
export async function enqueueTraining(queue: JobQueue, store: Store, specs: readonly ModelSpec[]): Promise<{ key: string; id: string | undefined }> {
  const fingerprint = await storeFingerprint(store);
  const key = trainJobKey(fingerprint, specs);
  return { key, id: await queue.enqueue('train', { users: fingerprint.users, posts: fingerprint.posts, follows: fingerprint.follows, events: fingerprint.events }, key) };
}

/** Whether the version CURRENT names was trained with these specs on data with this fingerprint. */
function currentIsUpToDate(dir: string, specs: readonly ModelSpec[], fingerprint: DataFingerprint): boolean {
  const v = currentVersion(dir);
  if (v === undefined) return false;
  try {
    const m = readManifest(dir, v);
    return canonicalJson(m.specs) === canonicalJson(specs) && sameFingerprint(m.data.fingerprint, fingerprint);
  } catch {
    return false;
  }
}

export interface WorkerContext {
  config: ResonateConfig;
  store: Store;
  specs: readonly ModelSpec[];
  logger: Logger;
  /** Tells the serving processes about a version (the Redis version pointer; they also watch CURRENT). */
  announce(version: number): void;
  signal?: AbortSignal;
  /** Trains one version (default: `resonate train` in a child process). */
  train?: (jobKey: string) => Promise<void>;
}

/** What a worker does with each job. */
export function jobHandlers(ctx: WorkerContext): Record<JobName, JobHandler> {
  const dir = ctx.config.models.dir;
  const train = ctx.train ?? ((jobKey: string) => trainInChild(ctx.config, ctx.signal, { jobKey }));
  return {
    train: async (job) => {
      const done = versionOfJob(dir, job.key);
      if (done !== undefined) {
        // An earlier delivery saved it and died before the acknowledgement: announce it again, write nothing.
        ctx.logger.info({ job: job.id, key: job.key, version: done, attempt: job.attempt }, 'training job delivered again; its version exists');
        ctx.announce(done);
        return;
      }
      if (currentIsUpToDate(dir, ctx.specs, await storeFingerprint(ctx.store))) {
        ctx.logger.info({ job: job.id, key: job.key }, 'training job skipped: the serving version has these specs and data');
        return;
      }
      const t0 = performance.now();
      await train(job.key);
      const version = versionOfJob(dir, job.key);
      if (version === undefined) throw new Error('the training process wrote no version');
      ctx.logger.info({ job: job.id, key: job.key, version, attempt: job.attempt, seconds: Math.round(performance.now() - t0) / 1000 }, 'training job published a version');
      ctx.announce(version);
    },
    retention: async (job) => {
      const deleted = await applyRetention(ctx.store, ctx.config.retention, Date.now());
      ctx.logger.info({ job: job.id, ...deleted }, 'retention job done');
    },
  };
}

/**
 * Enqueues a training every `models.retrainEvery` seconds while the data differs from the serving version, and a
 * retention pass every `retention.everyMinutes` (when retention is on). Every worker may run it: the keys make the
 * copies one job. Returns the function that stops it.
 */
export function scheduleJobs(queue: JobQueue, ctx: Pick<WorkerContext, 'config' | 'store' | 'specs' | 'logger'>): () => void {
  const { config, logger } = ctx;
  const timers: NodeJS.Timeout[] = [];
  const every = (seconds: number, run: () => Promise<unknown>): void => {
    const tick = (): void => void run().catch((err: unknown) => logger.warn({ err }, 'scheduling a job failed; the next tick tries again'));
    tick();
    const t = setInterval(tick, seconds * 1000);
    t.unref();
    timers.push(t);
  };
  if (config.models.retrainEvery > 0) {
    every(config.models.retrainEvery, async () => {
      if (currentIsUpToDate(config.models.dir, ctx.specs, await storeFingerprint(ctx.store))) return;
      const { key, id } = await enqueueTraining(queue, ctx.store, ctx.specs);
      if (id) logger.info({ key, id }, 'scheduled training enqueued');
    });
  }
  if (expiryCutoffs(config.retention, Date.now()) !== undefined) {
    every(config.retention.everyMinutes * 60, () => queue.enqueue('retention', {}, retentionJobKey(Date.now(), config.retention.everyMinutes)));
  }
  return () => timers.forEach(clearInterval);
}

/**
 * Serving side: every `jobs.followSeconds`, the version CURRENT names (a worker publishes by writing it) is handed
 * to `adopt` when it changed, so processes without Redis, or that missed an announcement, follow too.
 */
export function followPublished(dir: string, seconds: number, adopt: (version: number) => void): () => void {
  let last = currentVersion(dir);
  const timer = setInterval(() => {
    const v = currentVersion(dir);
    if (v !== undefined && v !== last) {
      last = v;
      adopt(v);
    }
  }, seconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
