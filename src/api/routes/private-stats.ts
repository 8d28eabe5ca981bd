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
import { PAGE_SIZE_ALIASES, parseQuery } from '../parse-query.js';
import { epochMs, errors, kAlias, limitParam } from '../openapi.js';

const trendingQuery = z.object({ kind: z.enum(PRIVATE_TRENDING_KINDS).default('hashtags'), limit: z.coerce.number().int().min(1).max(500).default(20) });

const privacyOut = {
  type: 'object',
  description: 'What this release cost and what is left of its budget for the day',
  properties: {
    release: { type: 'string' },
    mechanism: { type: 'string' },
    epsilon: { type: 'number', description: 'ε of this release alone' },
    delta: { type: 'number', description: 'δ of this release alone' },
    noiseSd: { type: 'number', description: 'Standard deviation of the noise on each count' },
    threshold: { type: 'number', description: 'Least count released (absent for the stats)' },
    window: { type: 'object', properties: { since: epochMs('Start (inclusive)'), before: epochMs('End (exclusive)') }, additionalProperties: true },
    releasedAt: epochMs('When the release was made'),
    reused: { type: 'boolean', description: 'This answer re-serves an earlier release (no budget spent)' },
    budget: { type: 'object', additionalProperties: true, description: 'The day\'s budget, spent and left (ε, δ), releases made and the period (epoch ms)' },
  },
  required: ['release', 'epsilon', 'delta', 'releasedAt', 'reused', 'budget'],
  additionalProperties: true,
};
const examplePrivacy = {
  release: 'trending-hashtags', mechanism: 'gaussian', epsilon: 0.5, delta: 1e-7, l0: 5, linf: 1, noiseSd: 6.1,
  window: { since: 1767139200000, before: 1767225600000 }, releasedAt: 1767225601000, reused: false,
  budget: { release: 'trending-hashtags', budget: { epsilon: 2, delta: 1e-6 }, spent: { epsilon: 0.5, delta: 1e-7 }, left: { epsilon: 1.5, delta: 9e-7 }, releases: 1, period: { start: 1767225600000, end: 1767312000000 } },
};


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
        querystring: { type: 'object', properties: { kind: { type: 'string', enum: [...PRIVATE_TRENDING_KINDS], default: 'hashtags', description: 'What to count' }, limit: limitParam(20), k: kAlias } },
        response: {
          200: {
            type: 'object',
            properties: {
              kind: { type: 'string', enum: [...PRIVATE_TRENDING_KINDS] },
              items: {
                type: 'array',
                items: { type: 'object', properties: { tag: { type: 'string' }, label: { type: 'string' }, post: { type: 'string' }, count: { type: 'number', description: 'Noisy count of distinct engaging users' } }, required: ['count'], additionalProperties: true },
                description: 'kind=hashtags: `{ tag, label, count }`; kind=posts: `{ post, count }`',
              },
              privacy: privacyOut,
            },
            required: ['kind', 'items', 'privacy'],
            example: { kind: 'hashtags', items: [{ tag: 'baking', label: '#baking', count: 143.2 }], privacy: { ...examplePrivacy, threshold: 31.4 } },
          },
          ...errors(400, 429),
        },
      },
    },
    async (request) => {
      const q = parseQuery(trendingQuery, request.query, PAGE_SIZE_ALIASES);
      const { value, privacy } = await dp.trending(q.kind);
      const top = value.slice(0, q.limit);
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
        response: {
          200: {
            type: 'object',
            properties: {
              users: { type: 'number', description: 'Noisy count of users' },
              posts: { type: 'number', description: 'Noisy count of posts of the window' },
              events: { type: 'number', description: 'Noisy count of events of the window' },
              privacy: privacyOut,
            },
            required: ['users', 'posts', 'events', 'privacy'],
            additionalProperties: true,
            example: { users: 1203.4, posts: 2811.9, events: 40518.2, privacy: { ...examplePrivacy, release: 'stats' } },
          },
          ...errors(429),
        },
      },
    },
    async () => {
      const { value, privacy } = await dp.stats();
      return { ...value, privacy };
    },
  );
}
