/**
 * @module Query-string validation for the routes: zod, with the first problem as a catalogued INVALID_INPUT.
 */
import type { z } from 'zod';
import { createError } from '../core/errors.js';
import { firstProblem } from '../data/schemas.js';

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const r = schema.safeParse(query);
  if (!r.success) {
    const { field, problem } = firstProblem(r.error);
    throw createError('INVALID_INPUT', { field, problem });
  }
  return r.data;
}
