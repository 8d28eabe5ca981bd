/**
 * @module POST /v1/users|posts|follows|events: idempotent batches of up to `server.maxBatch` rows (fewer users and
 * posts, see `batchRowLimit`). A user token may write its own events, posts and follows (the row field named in
 * OWNER_FIELD must be its subject); user rows need an API key. With pseudonymization on, user ids are replaced by
 * their pseudonyms before the rows reach the engine.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { ROW_KINDS, batchRowLimit, type RowKind } from '../../data/validate.js';
import { errors, rowExamples, rowSchemas } from '../openapi.js';
import type { Pseudonymization } from '../privacy.js';

/** The field naming the user a row is written on behalf of; users rows have none (API keys only). */
const OWNER_FIELD: Readonly<Partial<Record<RowKind, string>>> = { events: 'user', posts: 'author', follows: 'follower' };

const count = (description: string) => ({ type: 'integer', description });
const summaryOut = {
  type: 'object',
  description: 'What the batch changed; rows already stored count as written again (upserts), except events, whose repeats are counted apart',
  properties: {
    users: count('Users written'),
    posts: count('Posts written'),
    follows: count('Follows written'),
    unfollows: count('Follows removed (unfollow events)'),
    events: count('Events newly stored'),
    duplicateEvents: count('Events whose id was already stored (ignored)'),
    deletedEvents: count('Events retracted, when the batch had some'),
    deletedPosts: count('Posts deleted, when the batch had some'),
  },
  required: ['users', 'posts', 'follows', 'unfollows', 'events', 'duplicateEvents'],
  additionalProperties: true,
};
const TIMESTAMPS = 'Timestamps (`created_at`, `timestamp`) are epoch milliseconds (a number, or a string of digits) or ISO-8601 strings (a date-time without an offset is read in the server\'s time zone); they are stored and answered as epoch milliseconds.';

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
          description: `${TIMESTAMPS} The body is a JSON array of rows; the whole batch is validated first, and one bad row refuses it (nothing written).`,
          body: { type: 'array', items: rowSchemas[kind], example: rowExamples[kind] },
          response: {
            200: { ...summaryOut, example: { users: 0, posts: 0, follows: 0, unfollows: 0, events: 0, duplicateEvents: 0, [kind]: rowExamples[kind].length } },
            ...errors(400, 403, 413, 422),
          },
        },
      },
      async (request) => {
        return engine.ingest(kind, pseudonyms ? pseudonyms.rows(kind, request.body) : request.body);
      },
    );
  }
}
