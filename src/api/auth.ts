/**
 * @module Authentication, scopes and rate limits, checked in one `onRequest` hook: before the body is read, so
 * a request without a valid credential costs no parsing.
 *
 * Every route declares what it needs in its config: `{ scope: 'read' | 'write' | 'admin' }`, or
 * `{ public: true }` (health, API docs, dashboard files). A route that declares nothing needs `admin` (fail
 * closed); an unknown URL needs any valid credential, so a caller without one learns nothing of the routes.
 *
 * Two kinds of credentials:
 * - service API keys from `server.apiKeys` (salted hashes, see api-keys.ts), for the application's backend;
 * - end-user tokens (JWTs, see user-tokens.ts) when `server.userTokens` is set, sent as `Authorization: Bearer`.
 *   A user token may use only the routes that say so: `{ user: 'id' }` when the path parameter `id` is the token's
 *   subject (feed, behaviour, export), `{ anyUser: true }` (shared reads: trending, search, similar posts), and
 *   `{ userRows: 'field' }` (writes whose every row has `field` === subject, checked once the body is parsed, in
 *   `preValidation`), and `{ ownRows: true }` (delete, edit or undo of one stored row, whose owner the handler
 *   checks). Everything else needs an API key.
 * With neither configured the server is open, which only a loopback address may serve (binding.ts).
 *
 * Rate limits: a verified key is limited by its id (its configured name, never the secret), a user token by its
 * subject (`server.rateLimit.userMax`); public routes and an open server by client address; requests with a
 * missing, unknown or expired key or a rejected token count against a separate, smaller limit per client address,
 * so guessing is slow and changing the header does not reset anything. Counters are kept in this process, or in Redis
 * when one is given (`cache.url`: shared by every process); when Redis cannot answer, the request is not counted
 * rather than refused (`skipOnError`), so an outage of Redis never turns the API into errors.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { createError } from '../core/errors.js';
import type { ResonateConfig } from '../core/config.js';
import { findApiKey, hasScope, isExpired, loadApiKeys, type ApiKey, type Scope } from './api-keys.js';
import { isOpenServer } from './binding.js';
import { createUserTokenVerifier, looksLikeJwt, type UserTokenVerifier } from './user-tokens.js';

export type { Scope } from './api-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least scope a key needs for this route. */
    scope?: Scope;
    /** No key needed (still rate-limited by client address). */
    public?: boolean;
    /**
     * Name of the path parameter holding a user id: a user token may use the route when it equals the token's
     * subject; with pseudonymization on, the parameter is replaced by its pseudonym before the handler runs.
     */
    user?: string;
    /** A user token may use this (read) route whoever the user is: shared, non-personal data. */
    anyUser?: boolean;
    /** Write route taking an array of rows: a user token may send it when every row's `userRows` field is its subject. */
    userRows?: string;
    /** Write route on one stored row (delete, edit, undo): a user token may call it; the handler checks the row is its own. */
    ownRows?: boolean;
  }
  interface FastifyRequest {
    /** Id (configured name) of the verified API key, when the request carried one. */
    apiKeyId?: string;
    /** Subject (user id, as sent, before any pseudonymization) of the verified user token, when the request carried one. */
    tokenUser?: string;
  }
}

/** Reads the presented secret from `x-api-key` or `Authorization: Bearer …`. */
function presentedSecret(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  const direct = Array.isArray(header) ? header[0] : header;
  if (direct !== undefined && direct !== '') return direct;
  return request.headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

/** What a request needs: a scope, or nothing for a public route. */
function requirement(request: FastifyRequest): Scope | 'public' {
  const config = request.routeOptions.config;
  if (config.public === true) return 'public';
  if (config.scope !== undefined) return config.scope;
  return request.is404 ? 'read' : 'admin';
}

/** The route as its pattern (`GET /v1/users/:id/feed`), for messages: never the caller's values. */
function routeName(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? 'this route'}`;
}

/**
 * What a user token may do on this route; throws USER_TOKEN_NOT_ALLOWED or FORBIDDEN_USER when nothing.
 * A user token never gets more than `write`, whatever the route declares.
 */
function checkUserAccess(request: FastifyRequest, sub: string): void {
  if (request.is404) return;
  const config = request.routeOptions.config;
  if (config.scope === 'admin') throw createError('USER_TOKEN_NOT_ALLOWED', { route: routeName(request) });
  if (config.user !== undefined) {
    const value = (request.params as Record<string, unknown> | undefined)?.[config.user];
    if (value !== sub) throw createError('FORBIDDEN_USER', { action: 'read', field: `path parameter "${config.user}"` });
    return;
  }
  if (config.anyUser === true || config.userRows !== undefined || config.ownRows === true) return;
  throw createError('USER_TOKEN_NOT_ALLOWED', { route: routeName(request) });
}

/** After parsing: every row of a user token's write must belong to the token's subject. */
function checkUserRows(body: unknown, field: string, sub: string): void {
  if (!Array.isArray(body)) throw createError('INVALID_INPUT', { field: 'body', problem: 'expected an array of rows' });
  body.forEach((row: unknown, i) => {
    const value = row !== null && typeof row === 'object' ? (row as Record<string, unknown>)[field] : undefined;
    if (value !== sub) throw createError('FORBIDDEN_USER', { action: 'write', field: `[${i}].${field}` });
  });
}

/**
 * Registers the rate limiter and the auth hooks on `app`; call it before any route is registered.
 * Returns whether the server is open (no keys and no user-token config).
 */
export async function installAuth(app: FastifyInstance, config: ResonateConfig, shared?: { redis: Redis; nameSpace: string }): Promise<{ open: boolean }> {
  const keys: readonly ApiKey[] = loadApiKeys(config);
  const tokens: UserTokenVerifier | undefined = config.server.userTokens === undefined ? undefined : createUserTokenVerifier(config.server.userTokens);
  const open = isOpenServer(config);
  const { max, userMax, timeWindowMs, authFailureMax } = config.server.rateLimit;
  // Not global: the limiters below are applied by the auth hook, which knows who is calling.
  const store = shared ? { redis: shared.redis, nameSpace: shared.nameSpace, skipOnError: true } : {};
  await app.register(rateLimit, { global: false, max, timeWindow: timeWindowMs, ...store });
  const rateKeys = new WeakMap<FastifyRequest, string>();
  const perCaller = app.createRateLimit({ max, timeWindow: timeWindowMs, keyGenerator: (req) => rateKeys.get(req) ?? `ip:${req.ip}` });
  const perUser = app.createRateLimit({ max: userMax, timeWindow: timeWindowMs, keyGenerator: (req) => rateKeys.get(req) ?? `ip:${req.ip}` });
  const perFailure = app.createRateLimit({ max: authFailureMax, timeWindow: timeWindowMs, keyGenerator: (req) => `auth-failure:${req.ip}` });

  const limit = async (request: FastifyRequest, reply: FastifyReply, limiter: typeof perCaller): Promise<void> => {
    const r = await limiter(request);
    if (r.isAllowed || !r.isExceeded) return;
    void reply.header('retry-after', String(r.ttlInSeconds));
    throw createError('RATE_LIMITED', { retryAfter: `${r.ttlInSeconds} s` });
  };

  app.addHook('onRequest', async (request, reply) => {
    const needs = requirement(request);
    if (needs === 'public' || open) {
      await limit(request, reply, perCaller);
      return;
    }
    const secret = presentedSecret(request);
    if (tokens !== undefined && secret !== undefined && looksLikeJwt(secret)) {
      let sub: string;
      try {
        sub = await tokens.verify(secret);
      } catch (e) {
        await limit(request, reply, perFailure);
        throw e;
      }
      request.tokenUser = sub;
      rateKeys.set(request, `user:${sub}`);
      await limit(request, reply, perUser);
      checkUserAccess(request, sub);
      return;
    }
    const key = secret === undefined ? undefined : findApiKey(keys, secret);
    if (key === undefined || isExpired(key)) {
      await limit(request, reply, perFailure);
      if (key === undefined) throw createError('UNAUTHORIZED');
      throw createError('API_KEY_EXPIRED', { name: key.id, expiresAt: new Date(key.expiresAt!).toISOString() });
    }
    request.apiKeyId = key.id;
    rateKeys.set(request, `key:${key.id}`);
    await limit(request, reply, perCaller);
    if (!hasScope(key, needs)) throw createError('FORBIDDEN', { scope: needs });
  });

  // Runs once the body is parsed, before the handler: a user token writes only its own rows.
  app.addHook('preValidation', async (request) => {
    const field = request.routeOptions.config.userRows;
    if (request.tokenUser !== undefined && field !== undefined) checkUserRows(request.body, field, request.tokenUser);
  });
  return { open };
}
