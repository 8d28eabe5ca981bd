/**
 * @module Moderation (admin): `GET /v1/admin/moderation/flagged` lists recent posts whose offensive probability
 * (given at ingest, `features.offensive`) is above `moderation.reviewAbove`, most probable first.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { flaggedPosts } from '../../engine/moderation.js';
import { errorSchema, postOut } from '../openapi.js';
import { parseQuery } from '../parse-query.js';

const flaggedQuery = z.object({ days: z.coerce.number().positive().max(3650).default(7), limit: z.coerce.number().int().min(1).max(500).default(50) });

const flaggedOut = {
  type: 'object',
  properties: {
    reviewAbove: { type: ['number', 'null'] },
    since: { type: 'number' },
    scanned: { type: 'integer' },
    truncated: { type: 'boolean' },
    items: { type: 'array', items: { type: 'object', properties: { post: postOut, offensive: { type: 'number' } }, required: ['post', 'offensive'] } },
  },
  required: ['reviewAbove', 'since', 'scanned', 'truncated', 'items'],
  examples: [{
    reviewAbove: 0.8, since: 1765065600000, scanned: 1200, truncated: false,
    items: [{ post: { id: 'p42', author: 'ana', text: 'you are all idiots', created_at: 1765152000000, tags: [], features: { offensive: 0.93 } }, offensive: 0.93 }],
  }],
};

export function registerModerationRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/admin/moderation/flagged',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Posts of the last `days` (default 7) whose offensive probability is above moderation.reviewAbove, most probable first (empty when review is off)',
        querystring: { type: 'object', properties: { days: { type: 'number', exclusiveMinimum: 0, maximum: 3650 }, limit: { type: 'integer', minimum: 1, maximum: 500 } } },
        response: { 200: flaggedOut, 400: errorSchema },
      },
    },
    async (request) => {
      const q = parseQuery(flaggedQuery, request.query);
      const now = Date.now();
      return flaggedPosts(engine.store, engine.config.moderation.reviewAbove, { since: now - q.days * 86_400_000, now, limit: q.limit });
    },
  );
}
