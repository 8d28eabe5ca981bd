/**
 * @module Validation of incoming rows (API batches, CLI input) against the domain schemas, with errors that
 * name the row and field: `events[3].timestamp: expected an ISO-8601 date or epoch milliseconds, got "soon"`.
 */
import type { z } from 'zod';
import { createError } from '../core/errors.js';
import { eventSchema, firstProblem, followSchema, postSchema, userSchema, type Event, type Follow, type Post, type User } from './schemas.js';

export const ROW_KINDS = ['users', 'posts', 'follows', 'events'] as const;
export type RowKind = (typeof ROW_KINDS)[number];

export interface RowsOf {
  users: User;
  posts: Post;
  follows: Follow;
  events: Event;
}

const SCHEMAS: { [K in RowKind]: z.ZodType<RowsOf[K]> } = {
  users: userSchema as z.ZodType<User>,
  posts: postSchema as z.ZodType<Post>,
  follows: followSchema as z.ZodType<Follow>,
  events: eventSchema as z.ZodType<Event>,
};

/**
 * Validates a batch: it must be an array of at most `maxBatch` rows, each valid, with no id repeated with
 * different content. Throws on the first problem; returns the parsed rows (timestamps in epoch ms).
 */
export function validateRows<K extends RowKind>(kind: K, rows: unknown, maxBatch: number): RowsOf[K][] {
  if (!Array.isArray(rows)) {
    throw createError('INVALID_INPUT', { field: kind, problem: `expected a JSON array of ${kind}, got ${rows === null ? 'null' : typeof rows}` });
  }
  if (rows.length > maxBatch) throw createError('BATCH_TOO_LARGE', { size: rows.length, kind, limit: maxBatch });
  const schema = SCHEMAS[kind];
  const out: RowsOf[K][] = [];
  const seen = new Map<string, string>();
  rows.forEach((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const { field, problem } = firstProblem(parsed.error, `${kind}[${i}]`);
      throw createError('INVALID_INPUT', { field, problem });
    }
    const key = rowKey(kind, parsed.data);
    if (key !== undefined) {
      const body = JSON.stringify(parsed.data);
      const prev = seen.get(key);
      if (prev !== undefined && prev !== body) throw createError('DUPLICATE_ID', { kind: kind.slice(0, -1), id: key });
      seen.set(key, body);
    }
    out.push(parsed.data);
  });
  return out;
}

function rowKey(kind: RowKind, row: User | Post | Follow | Event): string | undefined {
  if (kind === 'follows') return undefined;
  return (row as { id: string }).id;
}
