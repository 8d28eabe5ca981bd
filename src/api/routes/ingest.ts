/**
 * @module POST /v1/users|posts|follows|events: idempotent batches of up to `server.maxBatch` rows (fewer users and
 * posts, see `batchRowLimit`).
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { ROW_KINDS, batchRowLimit } from '../../data/validate.js';
import { errorSchema, rowSchemas } from '../openapi.js';

export function registerIngestRoutes(app: FastifyInstance, engine: Engine): void {
  for (const kind of ROW_KINDS) {
    app.post(
      `/v1/${kind}`,
      {
        config: { scope: 'write' },
        schema: {
          tags: ['ingest'],
          summary: `Upsert a batch of ${kind} (at most ${batchRowLimit(kind, engine.config.server.maxBatch)}); retries are idempotent`,
          body: { type: 'array', items: rowSchemas[kind] },
          response: {
            200: { type: 'object', properties: { users: { type: 'integer' }, posts: { type: 'integer' }, follows: { type: 'integer' }, unfollows: { type: 'integer' }, events: { type: 'integer' }, duplicateEvents: { type: 'integer' } } },
            400: errorSchema, 413: errorSchema, 422: errorSchema,
          },
        },
      },
      async (request) => {
        return engine.ingest(kind, request.body);
      },
    );
  }
}
