/**
 * The JobQueue contract on both backends against the real services (RESONATE_TEST_REDIS_URL for BullMQ,
 * RESONATE_TEST_PG_URL for pg-boss; each skipped without its variable), each in its own key prefix or schema,
 * removed afterwards: a job runs once with its data, a key already waiting is not added twice, a failing job is
 * retried and after its attempts is a dead letter, and the depths count what waits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { dropPrefix, eventually, TEST_REDIS_URL } from '../../test/fixtures/test-redis.js';
import { freshSchema, TEST_PG_URL } from '../storage/postgres/test-fixtures.js';
import { openJobQueue, type Job, type JobQueue, type JobsConfig } from './job-queue.js';

interface Backend {
  name: 'bullmq' | 'pg-boss';
  url: string | undefined;
  /** A config in a fresh namespace and its cleanup. */
  fresh(): { config: JobsConfig; drop(): Promise<void> };
}

const base = { ...DEFAULT_CONFIG.jobs, attempts: 2, retryDelaySeconds: 0 };
const backends: Backend[] = [
  {
    name: 'bullmq', url: TEST_REDIS_URL || undefined,
    fresh: () => {
      const namespace = `rt_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
      return { config: { ...base, backend: 'bullmq', url: TEST_REDIS_URL, namespace }, drop: () => dropPrefix(`${namespace}:`) };
    },
  },
  {
    name: 'pg-boss', url: TEST_PG_URL,
    fresh: () => {
      const s = freshSchema();
      return { config: { ...base, backend: 'pg-boss', url: TEST_PG_URL!, namespace: s.schema }, drop: () => s.drop() };
    },
  },
];

for (const b of backends) {
  describe.skipIf(b.url === undefined)(`JobQueue: ${b.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    async function open(): Promise<JobQueue> {
      const { config, drop } = b.fresh();
      const q = (await openJobQueue(config))!;
      cleanups.unshift(async () => {
        await q.close(2000);
        await drop();
      });
      return q;
    }

    it('runs a job once with its data and key; a key already waiting is not added again', async () => {
      const q = await open();
      const first = await q.enqueue('train', { n: 1 }, 'k-1');
      expect(first).toBeDefined();
      expect(await q.enqueue('train', { n: 2 }, 'k-1')).toBeUndefined();
      expect((await q.depths()).find((d) => d.name === 'train')).toMatchObject({ waiting: 1, active: 0, dead: 0 });
      const seen: Job[] = [];
      await q.work('train', async (job) => void seen.push(job));
      expect(await eventually(() => seen.length === 1, 10_000)).toBe(true);
      expect(seen[0]).toMatchObject({ name: 'train', data: { n: 1 }, key: 'k-1', attempt: 1 });
      expect(await eventually(async () => (await q.depths()).every((d) => d.waiting + d.active === 0), 10_000)).toBe(true);
      // Finished: the same key may be enqueued again (the handler decides it has nothing to do).
      expect(await q.enqueue('train', { n: 3 }, 'k-1')).toBeDefined();
      expect(await eventually(() => seen.length === 2, 10_000)).toBe(true);
    }, 30_000);

    it('retries a failing job, then keeps it as a dead letter with its error', async () => {
      const q = await open();
      const attempts: number[] = [];
      await q.work('retention', async (job) => {
        attempts.push(job.attempt);
        throw new Error(`disk full (attempt ${job.attempt})`);
      });
      await q.enqueue('retention', {}, 'r-1');
      expect(await eventually(async () => (await q.depths()).find((d) => d.name === 'retention')!.dead === 1, 20_000)).toBe(true);
      expect(attempts).toEqual([1, 2]);
      const dead = await q.deadLetters();
      expect(dead).toHaveLength(1);
      expect(dead[0]).toMatchObject({ name: 'retention', key: 'r-1', attempts: 2 });
      expect(dead[0]!.error).toMatch(/disk full \(attempt 2\)/);
    }, 30_000);
  });
}
