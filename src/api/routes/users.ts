/**
 * @module A user's data rights: erasure (`DELETE /v1/users/{id}`), export (`GET /v1/users/{id}/export`) and the
 * audit log of both (`GET /v1/admin/audit`). Erasure and export need the admin scope, or a user token of that user.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { errorSchema } from '../openapi.js';
import { parseQuery } from '../parse-query.js';

const eraseQuery = z.object({ replies: z.enum(['keep', 'delete']).default('keep') });
const auditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;


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
        querystring: { type: 'object', properties: { replies: { type: 'string', enum: ['keep', 'delete'] } } },
        response: { 404: errorSchema },
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
      schema: { tags: ['privacy'], summary: 'Everything stored about a user, as JSON (audited)', params: idParams, response: { 404: errorSchema } },
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
      schema: { tags: ['privacy'], summary: 'Erasures and exports, newest first', querystring: { type: 'object', properties: { limit: { type: 'integer' } } } },
    },
    async (request) => ({ entries: await engine.store.auditLog(parseQuery(auditQuery, request.query).limit) }),
  );
}
