/**
 * @module API key secrets and their stored hashes.
 *
 * A secret is `rsn_` + 32 random bytes (base64url); the config keeps only
 * `hmac-sha256$<salt>$<digest>` with a random 16-byte salt per key and digest = HMAC-SHA-256(salt, secret).
 *
 * Why HMAC-SHA-256 and not a slow KDF (scrypt, argon2): slow hashes protect low-entropy passwords against
 * guessing once the hash leaks. These secrets carry 256 random bits, so guessing is out of reach whatever the
 * hash speed, and a fast hash lets every request be checked against every configured key (no look-up by a
 * prefix of the secret, whose timing would say which key nearly matched) for microseconds of work.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createError } from '../core/errors.js';
import { API_KEY_HASH, type ResonateConfig } from '../core/config.js';

export type Scope = 'read' | 'write' | 'admin' | 'metrics';

/**
 * read < write < admin: a key with a scope may do everything a lower scope may. `metrics` reads GET /metrics
 * only (a scraper's key); admin may read it too.
 */
const SCOPE_RANK: Readonly<Record<Scope, number>> = { read: 1, write: 2, admin: 3, metrics: 0 };

/** Longest presented secret worth hashing; real ones are 47 characters. */
const MAX_SECRET_LENGTH = 256;

export interface ApiKey {
  /** Non-secret identity: the configured name, or `key-` + the start of the salt. Used in logs and rate limits. */
  readonly id: string;
  readonly scopes: readonly Scope[];
  /** Epoch ms, or undefined for a key that never expires. */
  readonly expiresAt: number | undefined;
  readonly salt: Buffer;
  readonly digest: Buffer;
}

/** A fresh secret: `rsn_` + 43 base64url characters (256 random bits). */
export function generateSecret(): string {
  return `rsn_${randomBytes(32).toString('base64url')}`;
}

/** The config form of a secret's hash, with a fresh random salt. */
export function hashSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  return `hmac-sha256$${salt.toString('base64url')}$${digestOf(salt, secret).toString('base64url')}`;
}

function digestOf(salt: Buffer, secret: string): Buffer {
  return createHmac('sha256', salt).update(secret, 'utf8').digest();
}

/** Parses the configured keys (the config schema has already checked the hash format). */
export function loadApiKeys(config: ResonateConfig): ApiKey[] {
  return config.server.apiKeys.map((k) => {
    if (!API_KEY_HASH.test(k.hash)) throw createError('INVALID_CONFIG', { field: 'server.apiKeys.hash', problem: 'not a key hash' });
    const [, salt, digest] = k.hash.split('$') as [string, string, string];
    return {
      id: k.name ?? `key-${salt.slice(0, 8)}`,
      scopes: k.scopes,
      expiresAt: k.expiresAt === undefined ? undefined : Date.parse(k.expiresAt),
      salt: Buffer.from(salt, 'base64url'),
      digest: Buffer.from(digest, 'base64url'),
    };
  });
}

/**
 * The configured key a presented secret belongs to, or undefined. Every key is hashed and compared in constant
 * time (fixed-length digests, `timingSafeEqual`), without stopping at the first match, so the time taken does
 * not depend on which key (if any) matched.
 */
export function findApiKey(keys: readonly ApiKey[], secret: string): ApiKey | undefined {
  if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return undefined;
  let found: ApiKey | undefined;
  for (const key of keys) {
    const match = timingSafeEqual(digestOf(key.salt, secret), key.digest);
    if (match && found === undefined) found = key;
  }
  return found;
}

export function hasScope(key: ApiKey, scope: Scope): boolean {
  if (scope === 'metrics') return key.scopes.includes('metrics') || key.scopes.includes('admin');
  return key.scopes.some((s) => SCOPE_RANK[s] >= SCOPE_RANK[scope]);
}

export function isExpired(key: ApiKey, now = Date.now()): boolean {
  return key.expiresAt !== undefined && now >= key.expiresAt;
}
