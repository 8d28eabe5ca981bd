import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PAGE_SIZE_ALIASES, parseQuery } from './parse-query.js';

const schema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(20) });

describe('parseQuery', () => {
  it('reads an old parameter name as the current one', () => {
    expect(parseQuery(schema, { k: '7' }, PAGE_SIZE_ALIASES)).toEqual({ limit: 7 });
    expect(parseQuery(schema, { limit: '7', k: '7' }, PAGE_SIZE_ALIASES)).toEqual({ limit: 7 });
    expect(parseQuery(schema, {}, PAGE_SIZE_ALIASES)).toEqual({ limit: 20 });
  });

  it('refuses both names with different values, naming the old one', () => {
    expect(() => parseQuery(schema, { limit: '7', k: '8' }, PAGE_SIZE_ALIASES)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', params: expect.objectContaining({ field: 'k' }) }));
  });

  it('validates the value given under the old name', () => {
    expect(() => parseQuery(schema, { k: '0' }, PAGE_SIZE_ALIASES)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
