/**
 * @module Pseudonymization in the API layer: with `privacy.pseudonymize.key` set, user ids are replaced by their
 * keyed pseudonyms (src/privacy/pseudonymize.ts) before rows reach `engine.ingest` and in the user-id path
 * parameter of user routes (routes declaring `config.user`), so clients keep sending raw ids and the store only
 * ever sees pseudonyms. Admins can look up the pseudonym of a raw id (`GET /v1/admin/pseudonym?id=`); the
 * reverse is not computable.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import { idSchema } from '../data/schemas.js';
import type { RowKind } from '../data/validate.js';
import { pseudonymizeId, pseudonymizeRows } from '../privacy/pseudonymize.js';
import { errorSchema } from './openapi.js';

export interface Pseudonymization {
  /** Whether ids are pseudonymized (a key is configured). */
  readonly enabled: boolean;
  /** Rows as they should reach the engine: pseudonymized user-id fields, or unchanged when off. */
  rows(kind: RowKind, rows: unknown): unknown;
  /** A raw user id named outside the path (a body or query field) as the engine stores it. */
  id(userId: string): string;
}

const lookupQuery = z.object({ id: idSchema });

/**
 * Registers the path-parameter hook and the admin look-up route on `app`; call it before the routes that use
 * the returned `rows`. The key is read here, once.
 */
export function installPseudonymization(app: FastifyInstance, config: ResonateConfig): Pseudonymization {
  const key = config.privacy.pseudonymize?.key;

  if (key !== undefined) {
    // preHandler: after authentication and the user-token checks, which compare raw ids with the token's subject.
    app.addHook('preHandler', async (request) => {
      const param = request.routeOptions.config.user;
      if (param === undefined) return;
      const params = request.params as Record<string, unknown>;
      const value = params[param];
      if (typeof value === 'string' && idSchema.safeParse(value).success) params[param] = pseudonymizeId(value, key);
    });
  }

  app.get(
    '/v1/admin/pseudonym',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The pseudonym the store holds for a raw user id (admin only; pseudonym → id cannot be computed)',
        querystring: { type: 'object', properties: { id: { type: 'string', description: 'The raw user id' } }, required: ['id'] },
        response: {
          200: {
            type: 'object',
            properties: { id: { type: 'string' }, pseudonym: { type: 'string', description: 'The id the store holds: psn_ and the HMAC-SHA-256 of the raw id under `privacy.pseudonymize.key`, base64url' } },
            required: ['id', 'pseudonym'],
            example: { id: 'u42', pseudonym: 'psn_qotud24zUgQnJ0kXIKZ8IPkzSJYS4MFT5LEb3MxIMVw' },
          },
          400: errorSchema, 409: errorSchema,
        },
      },
    },
    async (request) => {
      if (key === undefined) throw createError('PSEUDONYMIZATION_OFF');
      const r = lookupQuery.safeParse(request.query);
      if (!r.success) throw createError('INVALID_INPUT', { field: 'id', problem: r.error.issues[0]?.message ?? 'expected a user id' });
      return { id: r.data.id, pseudonym: pseudonymizeId(r.data.id, key) };
    },
  );

  return {
    enabled: key !== undefined,
    rows: (kind, rows) => (key === undefined ? rows : pseudonymizeRows(kind, rows, key)),
    id: (userId) => (key === undefined ? userId : pseudonymizeId(userId, key)),
  };
}
