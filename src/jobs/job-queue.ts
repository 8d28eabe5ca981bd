/**
 * @module The queue of batch jobs (training, retention) behind one small contract, with two backends chosen by
 * `jobs.backend`: BullMQ on Redis (`bullmq-queue.ts`) and pg-boss on PostgreSQL (`pg-boss-queue.ts`). Delivery is
 * at least once: a job whose worker dies is delivered again, so every handler is idempotent by the job's key
 * (`enqueue` with a key already waiting or running adds nothing). A job that failed `jobs.attempts` times is kept
 * as a dead letter.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';

/** The jobs Resonate runs (each queue has one name). */
export const JOB_NAMES = ['train', 'retention'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export type JobData = Record<string, string | number | boolean | null>;

export interface Job {
  id: string;
  name: JobName;
  data: JobData;
  /** The idempotency key it was enqueued with. */
  key: string;
  /** 1 at the first delivery. */
  attempt: number;
}

export interface QueueDepth {
  name: JobName;
  /** Enqueued and not started (including those waiting for a retry). */
  waiting: number;
  active: number;
  /** Failed every attempt. */
  dead: number;
}

export interface DeadLetter {
  id: string;
  name: JobName;
  key: string;
  error: string;
  attempts: number;
  failedAt: string | null;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobQueue {
  readonly backend: 'bullmq' | 'pg-boss';
  /** Adds a job; undefined when a job with this key is already waiting or running (nothing is added). */
  enqueue(name: JobName, data: JobData, key: string): Promise<string | undefined>;
  /** Processes jobs of `name` with `handler` (a thrown error is a failed attempt) until `close`. */
  work(name: JobName, handler: JobHandler, options?: { concurrency?: number }): Promise<void>;
  depths(): Promise<QueueDepth[]>;
  deadLetters(limit?: number): Promise<DeadLetter[]>;
  /** Stops taking jobs, waits for the running ones (at most `graceMs`), closes the connections. */
  close(graceMs?: number): Promise<void>;
}

export type JobsConfig = ResonateConfig['jobs'];

/**
 * The queue `jobs.*` names, or undefined with `jobs.backend: none`. Loaded by need (each backend pulls its client).
 * A `producer` (a serving process) only enqueues and reads depths; pg-boss runs its supervisor in workers only.
 */
export async function openJobQueue(config: JobsConfig, role: 'producer' | 'worker' = 'worker'): Promise<JobQueue | undefined> {
  if (config.backend === 'bullmq') return (await import('./bullmq-queue.js')).openBullmqQueue(config, role);
  if (config.backend === 'pg-boss') return (await import('./pg-boss-queue.js')).openPgBossQueue(config, role);
  return undefined;
}

/** What an admin reads of the queues: depths and the newest dead letters. */
export interface JobsOverview {
  backend: JobsConfig['backend'];
  queues: QueueDepth[];
  deadLetters: DeadLetter[];
}

/** The overview, or JOBS_UNAVAILABLE when the queue's server does not answer within `ms`. */
export async function jobsOverview(backend: JobsConfig['backend'], queue: () => Promise<JobQueue | undefined>, ms = 5000, deadLimit = 50): Promise<JobsOverview> {
  if (backend === 'none') return { backend, queues: [], deadLetters: [] };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms)));
  try {
    return await Promise.race([
      (async () => {
        const q = (await queue())!;
        const [queues, deadLetters] = await Promise.all([q.depths(), q.deadLetters(deadLimit)]);
        return { backend, queues, deadLetters };
      })(),
      late,
    ]);
  } catch (e) {
    throw createError('JOBS_UNAVAILABLE', { backend, problem: e instanceof Error ? e.message.split('\n')[0]! : String(e) });
  } finally {
    clearTimeout(timer);
  }
}
