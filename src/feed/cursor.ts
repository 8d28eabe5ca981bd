/**
 * @module Feed cursors: base64url JSON of `{ o: offset, n: page size, s: snapshot time, u: user tag }`, opaque to
 * clients. The snapshot time pins what later pages read, so page 2 continues page 1 without repeats.
 */
import { createHash } from 'node:crypto';
import { createError } from '../core/errors.js';

export interface Cursor {
  /** Posts already served. */
  offset: number;
  /** Page size of the first page (pages are cut with it). */
  pageSize: number;
  /** Snapshot time, epoch ms. */
  asOf: number;
}

/** The largest page the API and config allow (`feed.pageSize`, `limit`). */
const MAX_PAGE_SIZE = 500;
/** Far beyond any candidate pool; keeps offset arithmetic in safe integers. */
const MAX_OFFSET = 10_000_000;

/** A short tag of the user id so one user's cursor is refused for another. */
function userTag(userId: string): string {
  return createHash('sha256').update(userId).digest('base64url').slice(0, 8);
}

export function encodeCursor(userId: string, c: Cursor): string {
  return Buffer.from(JSON.stringify({ o: c.offset, n: c.pageSize, s: c.asOf, u: userTag(userId) }), 'utf8').toString('base64url');
}

export function decodeCursor(userId: string, cursor: string): Cursor {
  const bad = (problem: string): never => {
    throw createError('INVALID_INPUT', { field: 'cursor', problem: `${problem}; pass back the nextCursor of the previous page, or omit it for the first page` });
  };
  if (!/^[A-Za-z0-9_-]*$/.test(cursor)) return bad('not a feed cursor');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return bad('not a feed cursor');
  }
  // JSON.parse also yields null, numbers, strings and arrays: only a plain object can be a cursor.
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('not a feed cursor');
  const r = raw as { o?: unknown; n?: unknown; s?: unknown; u?: unknown };
  // Bounds as well as types: a tampered cursor must not ask for a page of 1e300 posts.
  if (!Number.isSafeInteger(r.o) || (r.o as number) < 0 || (r.o as number) > MAX_OFFSET || !Number.isInteger(r.n) || (r.n as number) <= 0 || (r.n as number) > MAX_PAGE_SIZE || typeof r.s !== 'number' || !Number.isFinite(r.s)) {
    return bad('not a feed cursor');
  }
  if (r.u !== userTag(userId)) return bad('the cursor belongs to another user');
  return { offset: r.o as number, pageSize: r.n as number, asOf: r.s };
}
