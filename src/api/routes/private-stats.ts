/**
 * @module Differentially private aggregates: `GET /v1/private/trending` (hashtags or posts by noisy count of distinct
 * engaging users) and `GET /v1/private/stats` (noisy dataset counts). Each answer carries what the release cost and
 * what is left of its budget for the day; a release over budget is PRIVACY_BUDGET_EXCEEDED (429). The ledger lives
 * in this server's memory (src/privacy/budget-ledger.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { hashtag } from '../../feed/explain.js';
import { createPrivateReleases, type PrivateReleases } from '../../privacy/private-releases.js';
import { PRIVATE_TRENDING_KINDS } from '../../privacy/private-aggregates.js';
import { parseQuery } from '../parse-query.js';
import { errorSchema } from '../openapi.js';

const trendingQuery = z.object({ kind: z.enum(PRIVATE_TRENDING_KINDS).default('hashtags'), k: z.coerce.number().int().min(1).max(500).default(20) });


/** Registers the routes; `releases` may be given (tests), else one is made on the engine's store and config. */
export function registerPrivateStatsRoutes(app: FastifyInstance, engine: Engine, releases?: PrivateReleases): void {
  const dp = releases ?? createPrivateReleases({ store: engine.store, dp: engine.config.privacy.dp });

  app.get(
    '/v1/private/trending',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['privacy'],
        summary: 'Trending hashtags (kind=hashtags) or posts (kind=posts) by a differentially private count of engaging users, with the privacy budget spent and left',
        querystring: { type: 'object', properties: { kind: { type: 'string', enum: [...PRIVATE_TRENDING_KINDS] }, k: { type: 'integer', minimum: 1, maximum: 500 } } },
        response: { 400: errorSchema, 429: errorSchema },
      },
    },
    async (request) => {
      const q = parseQuery(trendingQuery, request.query);
      const { value, privacy } = await dp.trending(q.kind);
      const top = value.slice(0, q.k);
      const items = q.kind === 'hashtags' ? top.map((c) => ({ tag: c.key, label: hashtag(c.key), count: c.count })) : top.map((c) => ({ post: c.key, count: c.count }));
      return { kind: q.kind, items, privacy };
    },
  );

  app.get(
    '/v1/private/stats',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['privacy'],
        summary: 'Users, and posts and events of the window, as differentially private counts, with the privacy budget spent and left',
        response: { 429: errorSchema },
      },
    },
    async () => {
      const { value, privacy } = await dp.stats();
      return { ...value, privacy };
    },
  );
}
