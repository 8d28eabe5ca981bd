/**
 * @module End-user tokens: JWTs issued by the application's sign-in, verified with `jose`, whose `sub` is the
 * user id. Issuer, audience, expiry (required) and not-before are checked; the algorithm must be in the allow-list
 * and `alg: none` is never accepted.
 *
 * Keys are loaded once, when the server is created: public keys (PEM or JWK), the keys of a JWKS file, and/or a
 * shared secret for HS256/384/512. A private key or a symmetric JWK among the public keys is refused: a public
 * key must never be usable as an HMAC secret (the classic RS256 → HS256 confusion), and jose only lets an HS
 * algorithm use the configured secret, never a public key.
 */
import { createPublicKey, type JsonWebKey as NodeJwk } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type CompactJWSHeaderParameters, type CryptoKey, type JWK, type JWTVerifyOptions } from 'jose';
import { createError, isResonateError } from '../core/errors.js';
import type { JwtAlgorithm, UserTokensConfig } from '../core/config.js';
import { idSchema } from '../data/schemas.js';

/** Longest token worth parsing. */
const MAX_TOKEN_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface UserTokenVerifier {
  /** The user id (`sub`) of a valid token; throws TOKEN_EXPIRED or TOKEN_INVALID otherwise. */
  verify(token: string): Promise<string>;
}

/** True when a presented credential has the shape of a compact JWS (API key secrets never contain dots). */
export function looksLikeJwt(credential: string): boolean {
  return credential.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(credential);
}

function configError(field: string, problem: string): Error {
  return createError('INVALID_CONFIG', { field: `server.userTokens.${field}`, problem });
}

/** A configured public key as a JWK (keeping its kid, alg and use), refusing private and symmetric keys. */
function publicJwk(input: string | Record<string, unknown>, field: string): JWK {
  if (typeof input === 'string') {
    if (/PRIVATE KEY/.test(input)) throw configError(field, 'is a private key; give the public key (PEM "PUBLIC KEY" or a certificate)');
    try {
      return createPublicKey(input).export({ format: 'jwk' }) as JWK;
    } catch (e) {
      throw configError(field, `not a PEM public key (${(e as Error).message})`);
    }
  }
  if (input.kty === 'oct') throw configError(field, 'is a symmetric key; put an HMAC secret in server.userTokens.secret');
  if (input.d !== undefined) throw configError(field, 'is a private key (it has "d"); give the public part only');
  let exported: JWK;
  try {
    exported = createPublicKey({ key: input as NodeJwk, format: 'jwk' }).export({ format: 'jwk' }) as JWK;
  } catch (e) {
    throw configError(field, `not a valid public JWK (${(e as Error).message})`);
  }
  for (const k of ['kid', 'alg', 'use'] as const) if (typeof input[k] === 'string') exported[k] = input[k];
  return exported;
}

function jwksFileKeys(path: string): Record<string, unknown>[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (e) {
    throw configError('jwksFile', `cannot read a JSON Web Key Set from ${path} (${(e as Error).message})`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.some((k) => k === null || typeof k !== 'object')) throw configError('jwksFile', `${path} is not a JSON Web Key Set ({ "keys": [ … ] })`);
  return keys as Record<string, unknown>[];
}

function defaultAlgorithms(config: UserTokensConfig, hasPublicKeys: boolean): JwtAlgorithm[] {
  const algs: JwtAlgorithm[] = [];
  if (config.secret !== undefined) algs.push('HS256');
  if (hasPublicKeys) algs.push('RS256', 'PS256', 'ES256', 'EdDSA');
  return algs;
}

/** Builds the verifier from `server.userTokens`; throws INVALID_CONFIG for unusable keys. */
export function createUserTokenVerifier(config: UserTokensConfig): UserTokenVerifier {
  const jwks: JWK[] = [
    ...config.publicKeys.map((k, i) => publicJwk(k, `publicKeys[${i}]`)),
    ...(config.jwksFile === undefined ? [] : jwksFileKeys(config.jwksFile).map((k, i) => publicJwk(k, `jwksFile keys[${i}]`))),
  ];
  const secret = config.secret === undefined ? undefined : new TextEncoder().encode(config.secret);
  const algorithms = config.algorithms ?? defaultAlgorithms(config, jwks.length > 0);
  if (secret === undefined && algorithms.some((a) => a.startsWith('HS'))) throw configError('algorithms', 'an HS algorithm needs server.userTokens.secret');
  if (jwks.length === 0 && algorithms.some((a) => !a.startsWith('HS'))) throw configError('algorithms', 'a public-key algorithm needs publicKeys or jwksFile');
  const localSet = jwks.length > 0 ? createLocalJWKSet({ keys: jwks }) : undefined;

  const getKey = async (header: CompactJWSHeaderParameters): Promise<Uint8Array | CryptoKey> => {
    // The allow-list is checked by jose before this is called; HS algorithms only ever get the shared secret.
    if (header.alg.startsWith('HS')) {
      if (secret === undefined) throw new errors.JWSSignatureVerificationFailed();
      return secret;
    }
    if (localSet === undefined) throw new errors.JWKSNoMatchingKey();
    return localSet(header);
  };
  const options: JWTVerifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms,
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };

  const verifyOnce = async (token: string): Promise<string | undefined> => {
    try {
      return (await jwtVerify(token, getKey, options)).payload.sub;
    } catch (e) {
      // Several keys fit the header (no kid): try each; only a bad signature moves on to the next.
      if (!(e instanceof errors.JWKSMultipleMatchingKeys)) throw e;
      for await (const key of e as unknown as AsyncIterable<CryptoKey>) {
        try {
          return (await jwtVerify(token, key, options)).payload.sub;
        } catch (inner) {
          if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
        }
      }
      throw new errors.JWSSignatureVerificationFailed();
    }
  };

  return {
    async verify(token) {
      if (!looksLikeJwt(token)) throw createError('TOKEN_INVALID', { problem: 'not a compact JWT' });
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        throw createError('TOKEN_INVALID', { problem: 'malformed header' });
      }
      if (typeof alg !== 'string' || alg.toLowerCase() === 'none') throw createError('TOKEN_INVALID', { problem: 'unsigned tokens (alg "none") are never accepted' });
      let sub: string | undefined;
      try {
        sub = await verifyOnce(token);
      } catch (e) {
        throw tokenError(e);
      }
      if (sub === undefined || !idSchema.safeParse(sub).success) throw createError('TOKEN_INVALID', { problem: '"sub" is not a valid user id' });
      return sub;
    },
  };
}

/** The catalogued 401 for a jose failure: a named reason, never the token or its claims. */
function tokenError(e: unknown): Error {
  if (isResonateError(e)) return e;
  if (e instanceof errors.JWTExpired) {
    const exp = e.payload.exp;
    return createError('TOKEN_EXPIRED', { expiredAt: typeof exp === 'number' ? new Date(exp * 1000).toISOString() : 'an unknown time' });
  }
  if (e instanceof errors.JWTClaimValidationFailed) {
    const problems: Record<string, string> = { iss: 'wrong issuer', aud: 'wrong audience', nbf: 'not valid yet ("nbf" is in the future)', exp: 'no expiry ("exp")', sub: 'no subject ("sub")', iat: 'bad "iat"' };
    return createError('TOKEN_INVALID', { problem: problems[e.claim] ?? `claim "${e.claim}" failed (${e.reason})` });
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return createError('TOKEN_INVALID', { problem: 'signing algorithm not allowed' });
  if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JWKSNoMatchingKey) {
    return createError('TOKEN_INVALID', { problem: 'signature does not verify with a configured key' });
  }
  if (e instanceof errors.JOSENotSupported) return createError('TOKEN_INVALID', { problem: 'unsupported algorithm or key' });
  return createError('TOKEN_INVALID', { problem: 'malformed token' });
}
