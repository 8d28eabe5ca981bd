/**
 * @module The operator console's reads (admin): time series of events, active users, engagement and impressions
 * (`GET /v1/admin/timeseries`), the saved model versions with the training state (`GET /v1/admin/models`), and
 * one user's or post's record (`GET /v1/admin/users/{id}`, `GET /v1/admin/posts/{id}`).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { MAX_BUCKETS, modelVersions, postRecord, timeSeries, userRecord } from '../../engine/console-data.js';
import { TIMESERIES_METRICS } from '../../storage/store.js';
import { errorSchema, idParams, postOut } from '../openapi.js';
import { parseQuery } from '../parse-query.js';

/** Epoch milliseconds or an ISO 8601 date. */
const instant = z.string().max(64).transform((raw, ctx) => {
  const t = /^\d{1,15}$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t) || t < 0) {
    ctx.addIssue({ code: 'custom', message: `expected epoch milliseconds or an ISO 8601 date, got ${JSON.stringify(raw.slice(0, 40))}` });
    return z.NEVER;
  }
  return t;
});
const seriesQuery = z.object({ metric: z.enum(TIMESERIES_METRICS), bucket: z.enum(['hour', 'day']).default('hour'), since: instant.optional(), until: instant.optional() });
const userQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const countsOut = { type: 'object', additionalProperties: { type: 'number' } };

export function registerConsoleRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/admin/timeseries',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Counts per hour or day: events, active users (distinct users with an event), engagement (likes, shares, comments) or impressions (served feed items)',
        description: `Every bucket of [since, until) comes back, empty ones as 0. Without \`until\`, the window ends with the bucket holding the newest row of the series' table (the data's own clock, so imported history shows), \`clock: "data"\`; without \`since\` it spans 48 hours or 60 days. At most ${MAX_BUCKETS} buckets.`,
        querystring: {
          type: 'object',
          properties: {
            metric: { type: 'string', enum: [...TIMESERIES_METRICS], description: 'What to count per bucket' },
            bucket: { type: 'string', enum: ['hour', 'day'], description: 'Bucket width (default hour)' },
            since: { type: 'string', description: 'epoch ms or ISO 8601' },
            until: { type: 'string', description: 'epoch ms or ISO 8601, exclusive' },
          },
          required: ['metric'],
        },
        response: {
          200: {
            type: 'object',
            properties: {
              metric: { type: 'string' }, bucket: { type: 'string' }, bucketMs: { type: 'number' }, since: { type: 'number' }, until: { type: 'number' },
              clock: { type: 'string', enum: ['data', 'request', 'wall'] },
              points: { type: 'array', items: { type: 'object', properties: { start: { type: 'number' }, value: { type: 'number' } }, required: ['start', 'value'] } },
            },
            required: ['metric', 'bucket', 'bucketMs', 'since', 'until', 'clock', 'points'],
            example: { metric: 'events', bucket: 'day', bucketMs: 86400000, since: 1767139200000, until: 1767312000000, clock: 'data', points: [{ start: 1767139200000, value: 1204 }, { start: 1767225600000, value: 988 }] },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const q = parseQuery(seriesQuery, request.query);
      return timeSeries(engine.store, q, Date.now());
    },
  );

  app.get(
    '/v1/admin/models',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Saved model versions (newest first) with their models, data size, timings and offline validation metrics; the serving version, the training state and background models that could not be trained',
        response: {
          200: {
            type: 'object',
            additionalProperties: true,
            properties: {
              current: { type: ['integer', 'null'], description: 'The version the models folder names as current' },
              versions: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Newest first, each with its models, data size, timings and validation metrics' },
              serving: { type: ['integer', 'null'], description: 'The version this process serves' },
              training: { type: 'object', additionalProperties: true, description: 'When the serving models were trained, the retraining state and each background model\'s state' },
              problems: { type: 'array', items: { type: 'object', properties: { model: { type: 'string' }, reason: { type: 'string' } } } },
            },
            example: { current: 3, versions: [{ version: 3, createdAt: '2026-01-01T00:00:00Z', current: true, validation: { 'ndcg@10': 0.128 } }], skipped: [], serving: 3, training: { retraining: 'idle', ranker: 'off', behavior: 'ready', topics: 'ready' }, problems: [] },
          },
        },
      },
    },
    async () => {
      const stats = await engine.stats();
      return {
        ...modelVersions(engine.config.models.dir),
        serving: engine.runtime().modelVersion,
        training: {
          trainedAt: stats.trainedAt, retraining: stats.retraining, lastRetrainError: stats.lastRetrainError,
          ranker: stats.ranker, behavior: stats.behavior, topics: stats.topics, models: stats.models, feedSources: stats.feedSources,
        },
        problems: stats.problems.map(({ model, reason }) => ({ model, reason })),
      };
    },
  );

  app.get(
    '/v1/admin/users/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "A user's record for the console: the stored row, follow counts and the newest events (limit, default 50)",
        params: idParams('The user'),
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500, description: 'Newest events to include (default 50)' } } },
        response: {
          200: {
            type: 'object',
            properties: {
              user: { type: 'object', additionalProperties: true, description: 'The stored user row' },
              following: { type: 'integer' },
              followers: { type: 'integer' },
              events: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The newest events, newest first' },
            },
            required: ['user', 'following', 'followers', 'events'],
            example: { user: { id: 'u42', name: 'Ana Souza' }, following: 31, followers: 120, events: [{ id: 'e90001', user: 'u42', type: 'like', post: 'p1007', timestamp: 1767229200000 }] },
          },
          400: errorSchema,
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return userRecord(engine.store, id, parseQuery(userQuery, request.query).limit);
    },
  );

  app.get(
    '/v1/admin/posts/:id',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: "A post's record for the console: the post, the events it received by type, its reply count, and its moderation state (taken down; offensive probability and whether it is above moderation.reviewAbove)",
        params: idParams('The post'),
        response: {
          200: {
            type: 'object',
            properties: { post: postOut, events: countsOut, replies: { type: 'integer' }, takenDown: { type: 'boolean' }, offensive: { type: ['number', 'null'] }, flagged: { type: 'boolean' } },
            required: ['post', 'events', 'replies', 'takenDown', 'offensive', 'flagged'],
            example: { post: { id: 'p1007', author: 'u42', text: 'First loaf with 20% rye came out great #baking', created_at: 1767225600000, tags: ['baking'] }, events: { like: 14, share: 2 }, replies: 3, takenDown: false, offensive: 0.02, flagged: false },
          },
          404: errorSchema,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return postRecord(engine.store, id, engine.config.moderation.reviewAbove);
    },
  );
}
