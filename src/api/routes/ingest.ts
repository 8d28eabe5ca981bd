/**
 * @module POST /v1/users|posts|follows|events: idempotent batches of up to `server.maxBatch` rows (fewer users and
 * posts, see `batchRowLimit`). A user token may write its own events, posts and follows (the row field named in
 * OWNER_FIELD must be its subject); user rows need an API key. With pseudonymization on, user ids are replaced by
 * their pseudonyms before the rows reach the engine.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { ROW_KINDS, batchRowLimit, type RowKind } from '../../data/validate.js';
import { errorSchema, rowSchemas } from '../openapi.js';
import type { Pseudonymization } from '../privacy.js';

/** The field naming the user a row is written on behalf of; users rows have none (API keys only). */
const OWNER_FIELD: Readonly<Partial<Record<RowKind, string>>> = { events: 'user', posts: 'author', follows: 'follower' };

export function registerIngestRoutes(app: FastifyInstance, engine: Engine, pseudonyms?: Pseudonymization): void {
  for (const kind of ROW_KINDS) {
    const owner = OWNER_FIELD[kind];
    app.post(
      `/v1/${kind}`,
      {
        config: { scope: 'write', ...(owner === undefined ? {} : { userRows: owner }) },
        schema: {
          tags: ['ingest'],
          summary: `Upsert a batch of ${kind} (at most ${batchRowLimit(kind, engine.config.server.maxBatch)}); retries are idempotent${owner === undefined ? '' : `. A user token may send rows whose "${owner}" is its subject`}`,
          body: { type: 'array', items: rowSchemas[kind] },
          response: {
            200: { type: 'object', properties: { users: { type: 'integer' }, posts: { type: 'integer' }, follows: { type: 'integer' }, unfollows: { type: 'integer' }, events: { type: 'integer' }, duplicateEvents: { type: 'integer' } } },
            400: errorSchema, 413: errorSchema, 422: errorSchema,
          },
        },
      },
      async (request) => {
        return engine.ingest(kind, pseudonyms ? pseudonyms.rows(kind, request.body) : request.body);
      },
    );
  }
}
