/**
 * @module `GET /v1/admin/jobs`: the queued jobs of `jobs.*` — each queue's depth (waiting, running, dead) and the
 * newest dead letters with their error — for the dashboard's Jobs page. With `jobs.backend: none` the lists are empty.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { jobsOverview } from '../../jobs/job-queue.js';
import { parseQuery } from '../parse-query.js';

const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

const depth = { type: 'object', properties: { name: { type: 'string' }, waiting: { type: 'integer' }, active: { type: 'integer' }, dead: { type: 'integer' } } };
const dead = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, key: { type: 'string' }, error: { type: 'string' }, attempts: { type: 'integer' }, failedAt: { type: ['string', 'null'] } } };

export function registerJobRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/admin/jobs',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Queued jobs (jobs.backend): depth of each queue and the newest dead letters (jobs that failed every attempt)',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, description: 'Most dead letters to list (default 50)' } } },
        response: {
          200: {
            type: 'object',
            properties: { backend: { type: 'string' }, queues: { type: 'array', items: depth }, deadLetters: { type: 'array', items: dead } },
            example: { backend: 'bullmq', queues: [{ name: 'train', waiting: 0, active: 1, dead: 0 }], deadLetters: [] },
          },
        },
      },
    },
    async (request) => {
      const q = parseQuery(query, request.query);
      return jobsOverview(engine.config.jobs.backend, () => engine.jobs(), 5000, q.limit);
    },
  );
}
