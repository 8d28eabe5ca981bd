/**
 * @module BullMQ (Redis) behind `JobQueue`. A job's id is its key, so a key already waiting, delayed or running is
 * not added twice. A worker holds a lock on its job that it renews every `lockSeconds / 2` (its event loop stays
 * free: training runs in a child process); a killed worker's lock lapses and the stalled-job check puts the job
 * back, so it is delivered again within about two `lockSeconds`. Failed jobs are retried with exponential backoff;
 * after `attempts` they stay in the failed set: the dead letters.
 */
import { Queue, Worker, type Job as BullJob } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES, type DeadLetter, type Job, type JobData, type JobHandler, type JobName, type JobQueue, type JobsConfig, type QueueDepth } from './job-queue.js';

interface Payload {
  key: string;
  data: JobData;
}

/** Failed jobs kept per queue (the dead letters shown). */
const DEAD_KEPT = 1000;

class BullmqQueue implements JobQueue {
  readonly backend = 'bullmq' as const;
  private readonly connection: Redis;
  private readonly queues = new Map<JobName, Queue<Payload>>();
  private readonly workers: Worker<Payload>[] = [];
  private readonly workerConnections: Redis[] = [];

  constructor(private readonly config: JobsConfig, role: 'producer' | 'worker') {
    // A worker's blocking reads wait for as long as Redis is down (BullMQ needs maxRetriesPerRequest null there); a
    // serving process's enqueue or depth read fails instead of waiting.
    this.connection = new Redis(config.url, { maxRetriesPerRequest: role === 'worker' ? null : 1 });
    this.connection.on('error', () => undefined);
  }

  private queue(name: JobName): Queue<Payload> {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue<Payload>(name, { connection: this.connection, prefix: this.config.namespace });
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue(name: JobName, data: JobData, key: string): Promise<string | undefined> {
    const q = this.queue(name);
    const existing = await q.getJob(key);
    if (existing) {
      const state = await existing.getState();
      // A finished job with this key (completed, or a dead letter) does not block a new one: its handler is idempotent.
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return undefined;
      await existing.remove().catch(() => undefined);
    }
    const job = await q.add(name, { key, data }, {
      jobId: key,
      attempts: this.config.attempts,
      backoff: { type: 'exponential', delay: this.config.retryDelaySeconds * 1000 },
      removeOnComplete: true,
      removeOnFail: { count: DEAD_KEPT },
    });
    return job.id;
  }

  async work(name: JobName, handler: JobHandler, options: { concurrency?: number } = {}): Promise<void> {
    const connection = new Redis(this.config.url, { maxRetriesPerRequest: null });
    connection.on('error', () => undefined);
    this.workerConnections.push(connection);
    const worker = new Worker<Payload>(name, async (job: BullJob<Payload>) => handler(toJob(name, job)), {
      connection, prefix: this.config.namespace, concurrency: options.concurrency ?? this.config.concurrency,
      lockDuration: this.config.lockSeconds * 1000, stalledInterval: this.config.lockSeconds * 1000,
      // A job stalled by a killed worker counts as a delivery; past the attempts it is a dead letter.
      maxStalledCount: this.config.attempts,
    });
    worker.on('error', () => undefined);
    this.workers.push(worker);
    await worker.waitUntilReady();
  }

  async depths(): Promise<QueueDepth[]> {
    return Promise.all(JOB_NAMES.map(async (name) => {
      const c = await this.queue(name).getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'failed');
      return { name, waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, dead: c.failed ?? 0 };
    }));
  }

  async deadLetters(limit = 50): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    for (const name of JOB_NAMES) {
      for (const job of await this.queue(name).getFailed(0, limit - 1)) {
        out.push({ id: job.id ?? '', name, key: (job.data as Payload).key, error: (job.failedReason ?? '').split('\n')[0]!, attempts: job.attemptsMade, failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null });
      }
    }
    return out.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? '')).slice(0, limit);
  }

  async close(graceMs = 10_000): Promise<void> {
    const stops = this.workers.map((w) => w.close());
    await Promise.race([Promise.allSettled(stops), new Promise((r) => setTimeout(r, graceMs).unref())]);
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    for (const c of [this.connection, ...this.workerConnections]) c.disconnect();
  }
}

function toJob(name: JobName, job: BullJob<Payload>): Job {
  return { id: job.id ?? '', name, data: job.data.data, key: job.data.key, attempt: job.attemptsMade + 1 };
}

export function openBullmqQueue(config: JobsConfig, role: 'producer' | 'worker'): Promise<JobQueue> {
  return Promise.resolve(new BullmqQueue(config, role));
}

