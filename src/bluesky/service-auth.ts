/**
 * @module Verification of the service-auth JWT the Bluesky AppView sends on behalf of a user: a compact JWS
 * (`ES256K` or `ES256`) whose `iss` is the user's DID, `aud` this service's DID, `lxm` the XRPC method called and
 * `exp` in the future; its signature must verify against the atproto signing key of the issuer's DID document
 * (`did-resolver.ts`). When it does not, the document is fetched again once (the key may have rotated) before
 * the token is refused. Every refusal is a named 401.
 */
import { verifySignature } from '@atproto/crypto';
import { createError } from '../core/errors.js';
import { bareDid } from './at-ids.js';
import type { DidResolver } from './did-resolver.js';

export interface ServiceAuthOptions {
  serviceDid: string;
  resolver: DidResolver;
  clockToleranceSeconds: number;
  now?: () => number;
}

export interface ServiceAuth {
  /** The requester's DID (the `iss`, without a fragment) of a valid token for `method`; a named 401 otherwise. */
  verify(token: string, method: string): Promise<string>;
}

const ALGORITHMS = new Set(['ES256K', 'ES256']);
const utf8 = new TextEncoder();

function malformed(problem: string): never {
  throw createError('BLUESKY_JWT_MALFORMED', { problem });
}

function jsonPart(part: string, name: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return malformed(`the ${name} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return malformed(`the ${name} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return malformed(`the ${name} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** The `Bearer` token of an Authorization header; undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
}

export function createServiceAuth(o: ServiceAuthOptions): ServiceAuth {
  const now = o.now ?? Date.now;
  return {
    async verify(token, method) {
      if (token.length > 8192) malformed('the token is too long');
      const parts = token.split('.');
      if (parts.length !== 3) malformed('expected three dot-separated parts');
      const [h, p, s] = parts as [string, string, string];
      const header = jsonPart(h, 'header');
      const payload = jsonPart(p, 'payload');
      const alg = header.alg;
      if (typeof alg !== 'string' || !ALGORITHMS.has(alg)) malformed(`alg ${JSON.stringify(alg)} is not ES256K or ES256`);
      const { iss, aud, exp, lxm } = payload;
      if (typeof iss !== 'string' || !iss.startsWith('did:')) malformed('iss is not a DID');
      if (typeof aud !== 'string') malformed('aud is missing');
      if (typeof exp !== 'number' || !Number.isFinite(exp)) malformed('exp is missing');
      if (aud !== o.serviceDid) throw createError('BLUESKY_JWT_AUDIENCE', { aud: aud.slice(0, 200), serviceDid: o.serviceDid });
      if (exp * 1000 + o.clockToleranceSeconds * 1000 <= now()) throw createError('BLUESKY_JWT_EXPIRED', { expiredAt: new Date(exp * 1000).toISOString() });
      if (lxm !== undefined && lxm !== method) throw createError('BLUESKY_JWT_METHOD', { lxm: String(lxm).slice(0, 200), method });
      if (lxm === undefined) malformed(`lxm is missing (expected ${method})`);
      if (!/^[A-Za-z0-9_-]+$/.test(s)) malformed('the signature is not base64url');
      const did = bareDid(iss);
      const data = utf8.encode(`${h}.${p}`);
      const sig = Buffer.from(s, 'base64url');
      const verifies = async (): Promise<boolean> => {
        const key = await o.resolver.signingKey(did);
        try {
          return await verifySignature(key, data, sig, { jwtAlg: alg, allowMalleableSig: true });
        } catch {
          // The key is of another algorithm than the token says.
          return false;
        }
      };
      if (await verifies()) return did;
      o.resolver.refresh(did);
      if (await verifies()) return did;
      throw createError('BLUESKY_JWT_SIGNATURE', { iss: did });
    },
  };
}
