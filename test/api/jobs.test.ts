/**
 * GET /v1/admin/jobs and the queue-depth gauge of /metrics: empty without a job queue; with BullMQ on the real Redis
 * (RESONATE_TEST_REDIS_URL, skipped without it; own key prefix, removed afterwards) the depth of a waiting job shows
 * in both, and an unreachable queue answers JOBS_UNAVAILABLE (503), never a 500.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from '../../src/api/server.js';
import { createEngine } from '../../src/engine/index.js';
import { dropPrefix, TEST_REDIS_URL } from '../fixtures/test-redis.js';

const base = { store: { url: 'sqlite://:memory:' }, metrics: { public: true } } as const;

describe('GET /v1/admin/jobs', () => {
  it('is empty without a job queue', async () => {
    const engine = await createEngine({ overrides: base });
    const app = await createServer(engine);
    try {
      expect((await app.inject('/v1/admin/jobs')).json()).toEqual({ backend: 'none', queues: [], deadLetters: [] });
      expect((await app.inject('/metrics')).body).not.toMatch(/resonate_job_queue_depth/);
    } finally {
      await app.close();
      await engine.close();
    }
  });

  it('names an unreachable queue JOBS_UNAVAILABLE', async () => {
    const engine = await createEngine({ overrides: { ...base, jobs: { backend: 'bullmq', url: 'redis://127.0.0.1:1' } } });
    const app = await createServer(engine);
    try {
      const res = await app.inject('/v1/admin/jobs');
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'JOBS_UNAVAILABLE' });
    } finally {
      await app.close();
      await engine.close();
    }
  }, 20_000);

  describe.skipIf(TEST_REDIS_URL === '')('with BullMQ on Redis', () => {
    const namespace = `rtapi_${Date.now().toString(36)}`;
    afterAll(() => dropPrefix(`${namespace}:`));

    it('shows a waiting job in the depths and in /metrics', async () => {
      const engine = await createEngine({ overrides: { ...base, jobs: { backend: 'bullmq', url: TEST_REDIS_URL, namespace } } });
      const app = await createServer(engine);
      try {
        await (await engine.jobs())!.enqueue('retention', {}, 'retention-1');
        const body = (await app.inject('/v1/admin/jobs')).json() as { backend: string; queues: { name: string; waiting: number }[] };
        expect(body.backend).toBe('bullmq');
        expect(body.queues.find((q) => q.name === 'retention')).toMatchObject({ waiting: 1, active: 0, dead: 0 });
        expect((await app.inject('/metrics')).body).toMatch(/resonate_job_queue_depth\{queue="retention",state="waiting"\} 1/);
      } finally {
        await app.close();
        await engine.close();
      }
    }, 20_000);
  });
});
