/**
 * @module Query-string validation for the routes: zod, with the first problem as a catalogued INVALID_INPUT.
 */
import type { z } from 'zod';
import { createError } from '../core/errors.js';
import { firstProblem } from '../data/schemas.js';

/** The page size is `limit` on every route; `k`, its old name on similar posts and trending lists, is still read. */
export const PAGE_SIZE_ALIASES: Readonly<Record<string, string>> = { k: 'limit' };

/**
 * Parses a query string. `aliases` maps old parameter names to their current ones: an old name is read as the
 * current one, and both with different values is INVALID_INPUT.
 */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown, aliases?: Readonly<Record<string, string>>): z.output<T> {
  const r = schema.safeParse(aliases ? renamed(query, aliases) : query);
  if (!r.success) {
    const { field, problem } = firstProblem(r.error);
    throw createError('INVALID_INPUT', { field, problem });
  }
  return r.data;
}

function renamed(query: unknown, aliases: Readonly<Record<string, string>>): unknown {
  if (query === null || typeof query !== 'object') return query;
  const q: Record<string, unknown> = { ...(query as Record<string, unknown>) };
  for (const [old, current] of Object.entries(aliases)) {
    if (!Object.hasOwn(q, old)) continue;
    if (Object.hasOwn(q, current) && q[current] !== q[old]) {
      throw createError('INVALID_INPUT', { field: old, problem: `is the old name of "${current}": give one of them` });
    }
    q[current] = q[old];
    delete q[old];
  }
  return q;
}
