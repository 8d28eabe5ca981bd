/**
 * @module A user's data rights: erasure (`DELETE /v1/users/{id}`), export (`GET /v1/users/{id}/export`) and the
 * audit log of both (`GET /v1/admin/audit`). Erasure and export need the admin scope, or a user token of that user.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { epochMs, errors, examplePost, idParams as idParamsOf, limitParam, rowExamples } from '../openapi.js';
import { parseQuery } from '../parse-query.js';

const eraseQuery = z.object({ replies: z.enum(['keep', 'delete']).default('keep') });
const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const idParams = idParamsOf('The user');
const erasureOut = {
  type: 'object',
  description: 'What the erasure removed',
  properties: {
    user: { type: 'string' },
    posts: { type: 'integer' },
    replies: { type: 'integer', description: 'Replies by others to the erased posts (replies=delete)' },
    follows: { type: 'integer' },
    events: { type: 'integer', description: "The user's events, and others' events on the erased posts or aimed at the user" },
    impressions: { type: 'integer', description: 'Impressions served to the user or of the erased posts' },
  },
  required: ['user', 'posts', 'replies', 'follows', 'events', 'impressions'],
  additionalProperties: true,
  example: { user: 'u42', posts: 87, replies: 0, follows: 54, events: 2310, impressions: 9120 },
};
const exportOut = {
  type: 'object',
  description: 'Every row stored about the user, timestamps in epoch milliseconds',
  properties: {
    user: { type: 'object', additionalProperties: true },
    posts: { type: 'array', items: { type: 'object', additionalProperties: true } },
    following: { type: 'array', items: { type: 'string' } },
    followers: { type: 'array', items: { type: 'string' } },
    events: { type: 'array', items: { type: 'object', additionalProperties: true } },
    impressions: { type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Feed items served to the user' },
    takedowns: { type: 'array', items: { type: 'object', additionalProperties: true }, description: "Takedowns of the user's posts" },
  },
  required: ['user', 'posts', 'following', 'followers', 'events', 'impressions', 'takedowns'],
  additionalProperties: true,
  example: {
    user: { id: 'u42', name: 'Ana Souza', created_at: 1741944413000 }, posts: [examplePost], following: ['u7'], followers: ['u7', 'u9'],
    events: [{ ...rowExamples.events[0], user: 'u42', timestamp: 1767229200000 }], impressions: [], takedowns: [],
  },
};
const auditOut = {
  type: 'object',
  properties: {
    entries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          at: epochMs('When'),
          action: { type: 'string', enum: ['erase', 'export', 'takedown'] },
          subject: { type: 'string', description: 'The user (erase, export) or post (takedown)' },
          actor: { type: 'string', description: 'Who asked: the API key name (`key:<name>`), or `open`' },
          details: { type: 'object', additionalProperties: true },
        },
        required: ['at', 'action', 'subject'],
        additionalProperties: true,
      },
    },
  },
  required: ['entries'],
  example: { entries: [{ at: 1767229300000, action: 'export', subject: 'u42', actor: 'key:support' }] },
};


/** Who asked, for the audit log: the verified key's name (never its secret); `open` on an open server. */
function actor(request: FastifyRequest): string {
  return request.apiKeyId === undefined ? 'open' : `key:${request.apiKeyId}`;
}

export function registerUserRoutes(app: FastifyInstance, engine: Engine): void {
  app.delete(
    '/v1/users/:id',
    {
      // A user token may erase its own account; a service key needs the admin scope.
      config: { scope: 'admin', user: 'id' },
      schema: {
        tags: ['privacy'],
        summary: 'Erase a user: their posts (and replies to them with replies=delete), follows, events and cached pages; models are retrained without them',
        params: idParams,
        querystring: { type: 'object', properties: { replies: { type: 'string', enum: ['keep', 'delete'], default: 'keep', description: "Others' replies to the user's posts: keep them, or delete them too" } } },
        response: { 200: erasureOut, ...errors(400, 404) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { replies } = parseQuery(eraseQuery, request.query);
      return engine.eraseUser(id, { replies, actor: actor(request) });
    },
  );

  app.get(
    '/v1/users/:id/export',
    {
      // A user token reads its own export; a service key needs the admin scope.
      config: { scope: 'admin', user: 'id' },
      schema: { tags: ['privacy'], summary: 'Everything stored about a user, as JSON (audited)', params: idParams, response: { 200: exportOut, ...errors(404) } },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return engine.exportUser(id, { actor: actor(request) });
    },
  );

  app.get(
    '/v1/admin/audit',
    {
      config: { scope: 'admin' },
      schema: { tags: ['privacy'], summary: 'Erasures, exports and takedowns, newest first', querystring: { type: 'object', properties: { limit: limitParam(100, 1000, 'entries') } }, response: { 200: auditOut, ...errors(400) } },
    },
    async (request) => ({ entries: await engine.store.auditLog(parseQuery(auditQuery, request.query).limit) }),
  );
}
