/**
 * @module API keys with scopes. Keys come from `server.apiKeys`; with none configured the server is open
 * (development), which `resonate serve` warns about at start.
 */
import type { FastifyRequest } from 'fastify';
import { createError } from '../core/errors.js';
import type { ResonateConfig } from '../core/config.js';

export type Scope = 'read' | 'write' | 'admin';

export interface AuthCheck {
  (request: FastifyRequest, scope: Scope): void;
  readonly open: boolean;
}

/** Reads the key from `x-api-key` or `Authorization: Bearer …`; admin implies write implies read. */
export function createAuth(config: ResonateConfig): AuthCheck {
  const keys = new Map(config.server.apiKeys.map((k) => [k.key, new Set<Scope>(k.scopes)]));
  const check = (request: FastifyRequest, scope: Scope): void => {
    if (keys.size === 0) return;
    const header = request.headers['x-api-key'];
    const bearer = request.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
    const scopes = key === undefined ? undefined : keys.get(key);
    if (!scopes) throw createError('UNAUTHORIZED');
    const granted = scopes.has('admin') || scopes.has(scope) || (scope === 'read' && scopes.has('write'));
    if (!granted) throw createError('FORBIDDEN', { scope });
  };
  return Object.assign(check, { open: keys.size === 0 });
}
