/**
 * @module PostgreSQL connections: the store URL, the connection pool, and which driver errors mean "the server
 * cannot be reached" (STORE_UNAVAILABLE) or "another writer holds the rows" (STORE_BUSY).
 *
 * URL: `postgres://user:password@host:5432/database?schema=name&pool_size=10`. `schema` (default `public`; lower
 * case letters, digits and `_`, starting with a letter or `_`) selects where the tables live; `pool_size` (default
 * 10) caps the pool. Both are removed before the URL reaches the driver; every other parameter (`sslmode`,
 * `application_name`, …) is the driver's (node-postgres). Each pooled connection starts with `search_path` set to
 * the schema and a `lock_timeout`, so a write stuck behind another transaction's row locks fails as STORE_BUSY
 * instead of waiting for ever.
 */
import pg from 'pg';
import { createError, isResonateError } from '../../core/errors.js';
import { redactUrl } from '../../core/logger.js';

export interface PostgresTarget {
  /** The URL handed to the driver (without `schema` and `pool_size`). */
  connectionString: string;
  schema: string;
  poolSize: number;
}

const DEFAULT_SCHEMA = 'public';
const DEFAULT_POOL_SIZE = 10;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Longest wait for a row lock held by another transaction before the write fails with STORE_BUSY. */
export const LOCK_TIMEOUT_MS = 2000;
/** Longest wait for a new connection (a server that drops packets instead of refusing). */
const CONNECT_TIMEOUT_MS = 5000;
/** Retry hint of STORE_UNAVAILABLE: a restarting server usually accepts connections again within seconds. */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;
/** Retry hint of STORE_BUSY (same as the SQLite store's). */
export const STORE_BUSY_RETRY_AFTER_SECONDS = 1;

/** Splits a `postgres://` URL into the driver's URL, the schema and the pool size (STORE_UNSUPPORTED when malformed). */
export function parsePostgresUrl(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw createError('STORE_UNSUPPORTED', { url: redactUrl(url) }, e);
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol)) throw createError('STORE_UNSUPPORTED', { url: redactUrl(url) });
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_SCHEMA;
  if (!SCHEMA_NAME.test(schema)) {
    throw createError('INVALID_CONFIG', { field: 'store.url schema', problem: `expected lower-case letters, digits and _ (starting with a letter or _), got ${JSON.stringify(schema)}` });
  }
  const poolText = parsed.searchParams.get('pool_size');
  const poolSize = poolText === null ? DEFAULT_POOL_SIZE : Number(poolText);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw createError('INVALID_CONFIG', { field: 'store.url pool_size', problem: `expected an integer from 1 to 1000, got ${JSON.stringify(poolText)}` });
  }
  parsed.searchParams.delete('schema');
  parsed.searchParams.delete('pool_size');
  return { connectionString: parsed.toString(), schema, poolSize };
}

/** A pool whose connections all use the target's schema; idle connections the server drops are discarded quietly. */
export function createPool(target: PostgresTarget): pg.Pool {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: target.poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // The schema name is validated above (no quoting needed); startup options cost no round trip.
    options: `-c search_path=${target.schema} -c lock_timeout=${LOCK_TIMEOUT_MS}`,
  });
  // An idle connection that dies (server restart) emits 'error' on the pool, which removes it; without a
  // listener Node would treat it as an uncaught error and end the process.
  pool.on('error', () => undefined);
  // The same for a connection that dies while checked out between two queries (inside a transaction waiting on
  // its caller): the pool listens only to idle ones. The loss surfaces as the next query's error.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** SQLSTATEs of a lost or refused connection: class 08, server shutting down or starting, too many connections. */
const UNAVAILABLE_STATES = /^(08...|57P0[1-3]|53300)$/;
const UNAVAILABLE_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);
const UNAVAILABLE_MESSAGE = /connection terminated|connection error|not queryable|timeout exceeded when trying to connect|connection timeout|socket hang up/i;
/** Deadlock, serialization failure, lock wait over lock_timeout. */
const BUSY_STATES = new Set(['40P01', '40001', '55P03']);

/** True when the error means the server could not be reached or dropped the connection. */
export function isConnectionError(e: unknown): boolean {
  if (e === null || typeof e !== 'object') return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_ERRNO.has(code))) return true;
  // Several causes (a dual-stack connect) arrive as one AggregateError.
  if (e instanceof AggregateError) return e.errors.some(isConnectionError);
  const message = (e as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/** True for a deadlock, a serialization failure or a lock wait past lock_timeout. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && BUSY_STATES.has(code);
}

/**
 * Our own errors pass through; a lost connection becomes STORE_UNAVAILABLE, a lock conflict STORE_BUSY (both 503
 * with a retry hint); any other driver error of a write becomes STORE_WRITE_FAILED.
 */
export function asWriteError(e: unknown): unknown {
  if (isResonateError(e)) return e;
  const mapped = asAvailabilityError(e);
  if (mapped !== e) return mapped;
  return createError('STORE_WRITE_FAILED', { problem: (e as Error).message ?? String(e) }, e);
}

/** STORE_UNAVAILABLE or STORE_BUSY for the errors that are; anything else is returned as is (reads). */
export function asAvailabilityError(e: unknown): unknown {
  if (isResonateError(e)) return e;
  if (isConnectionError(e)) return createError('STORE_UNAVAILABLE', { retryAfterSeconds: STORE_UNAVAILABLE_RETRY_AFTER_SECONDS }, e);
  if (isBusyError(e)) return createError('STORE_BUSY', { retryAfterSeconds: STORE_BUSY_RETRY_AFTER_SECONDS }, e);
  return e;
}

/** SQLSTATEs at open that a retry will not cure: bad credentials (class 28), no such database, no right to create the schema. */
const CONFIG_STATES = /^(28...|3D000|42501)$/;

/**
 * Errors of opening a store: unreachable is STORE_UNAVAILABLE; refused credentials, a missing database or a
 * missing privilege are INVALID_CONFIG naming `store.url` (the server's message names the user or database,
 * never the password).
 */
export function asOpenError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONFIG_STATES.test(code)) {
    return createError('INVALID_CONFIG', { field: 'store.url', problem: (e as Error).message }, e);
  }
  return asAvailabilityError(e);
}
