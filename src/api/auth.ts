/**
 * @module Authentication, scopes and rate limits, checked in one `onRequest` hook: before the body is read, so
 * a request without a valid key costs no parsing.
 *
 * Every route declares what it needs in its config: `{ scope: 'read' | 'write' | 'admin' }`, or
 * `{ public: true }` (health, API docs, dashboard files). A route that declares nothing needs `admin` (fail
 * closed); an unknown URL needs any valid key, so a caller without one learns nothing of the routes.
 *
 * Keys come from `server.apiKeys` (salted hashes, see api-keys.ts). With none configured the server is open,
 * which only a loopback address may serve (binding.ts).
 *
 * Rate limits: a verified key is limited by its id (its configured name, never the secret); public routes
 * and an open server by client address; requests with a missing, unknown or expired key count against a
 * separate, smaller limit per client address, so guessing keys is slow and changing the header does not
 * reset anything.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { createError } from '../core/errors.js';
import type { ResonateConfig } from '../core/config.js';
import { findApiKey, hasScope, isExpired, loadApiKeys, type ApiKey, type Scope } from './api-keys.js';

export type { Scope } from './api-keys.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least scope a key needs for this route. */
    scope?: Scope;
    /** No key needed (still rate-limited by client address). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** Id (configured name) of the verified API key, when the request carried one. */
    apiKeyId?: string;
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

/**
 * Registers the rate limiter and the auth hook on `app`; call it before any route is registered.
 * Returns whether the server is open (no keys configured).
 */
export async function installAuth(app: FastifyInstance, config: ResonateConfig): Promise<{ open: boolean }> {
  const keys: readonly ApiKey[] = loadApiKeys(config);
  const open = keys.length === 0;
  const { max, timeWindowMs, authFailureMax } = config.server.rateLimit;
  // Not global: the limiters below are applied by the auth hook, which knows who is calling.
  await app.register(rateLimit, { global: false, max, timeWindow: timeWindowMs });
  const rateKeys = new WeakMap<FastifyRequest, string>();
  const perCaller = app.createRateLimit({ max, timeWindow: timeWindowMs, keyGenerator: (req) => rateKeys.get(req) ?? `ip:${req.ip}` });
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
  return { open };
}
