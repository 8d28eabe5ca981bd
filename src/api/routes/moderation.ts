/**
 * @module Moderation (admin): `GET /v1/admin/moderation/flagged` lists recent posts whose offensive probability
 * (given at ingest, `features.offensive`) is above `moderation.reviewAbove`, most probable first.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { flaggedPosts } from '../../engine/moderation.js';
import { epochMs, errors, examplePost, limitParam, postOut } from '../openapi.js';
import { parseQuery } from '../parse-query.js';

const flaggedQuery = z.object({ days: z.coerce.number().positive().max(3650).default(7), limit: z.coerce.number().int().min(1).max(500).default(50) });

const flaggedOut = {
  type: 'object',
  properties: {
    reviewAbove: { type: ['number', 'null'], description: '`moderation.reviewAbove` (null: review is off)' },
    since: epochMs('The start of the window scanned'),
    scanned: { type: 'integer', description: 'Posts scanned' },
    truncated: { type: 'boolean', description: 'Whether the scan stopped at its cap before the start of the window' },
    items: { type: 'array', items: { type: 'object', properties: { post: postOut, offensive: { type: 'number', description: 'Calibrated probability (0..1)' } }, required: ['post', 'offensive'], additionalProperties: true } },
  },
  required: ['reviewAbove', 'since', 'scanned', 'truncated', 'items'],
  additionalProperties: true,
  example: {
    reviewAbove: 0.8, since: 1765065600000, scanned: 1200, truncated: false,
    items: [{ post: { ...examplePost, id: 'p2002', author: 'u666', text: 'you are all idiots', tags: [], features: { offensive: 0.93 } }, offensive: 0.93 }],
  },
};

export function registerModerationRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/admin/moderation/flagged',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Posts of the last `days` (default 7) whose offensive probability is above moderation.reviewAbove, most probable first (empty when review is off)',
        querystring: { type: 'object', properties: { days: { type: 'number', exclusiveMinimum: 0, maximum: 3650, default: 7, description: 'How many days back to scan' }, limit: limitParam(50, 500, 'posts') } },
        response: { 200: flaggedOut, ...errors(400) },
      },
    },
    async (request) => {
      const q = parseQuery(flaggedQuery, request.query);
      const now = Date.now();
      return flaggedPosts(engine.store, engine.config.moderation.reviewAbove, { since: now - q.days * 86_400_000, now, limit: q.limit });
    },
  );
}
