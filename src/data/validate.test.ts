import { describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { configSchema, DEFAULT_CONFIG } from '../core/config.js';
import { LIMITS } from './schemas.js';
import {
  BASE_BODY_LIMIT_BYTES, ROW_KINDS, batchRowLimit, requestBodyLimitBytes, validateRows, worstCaseBatchBytes, worstCaseRowBytes, type RowKind,
} from './validate.js';

const like = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id: 'e1', user: 'u', type: 'like', post: 'p', timestamp: 1, ...extra });

/** The error a call throws (fails the test when it does not throw). */
function thrown(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isResonateError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('validateRows', () => {
  it('parses valid rows and normalises timestamps', () => {
    const rows = validateRows('events', [{ id: 'e1', user: 'u', type: 'like', post: 'p', timestamp: '2024-01-01T00:00:00Z' }], 10);
    expect(rows[0]!.timestamp).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });

  it('names the row and field of the first problem', () => {
    expect(() => validateRows('events', [{ id: 'e1', user: 'u', type: 'like', post: 'p', timestamp: 1 }, { id: 'e2', user: 'u', type: 'like', timestamp: 'soon' }], 10)).toThrow(
      /events\[1\]\.timestamp: expected an ISO-8601 date/,
    );
    expect(() => validateRows('events', [{ id: 'e2', user: 'u', type: 'like', timestamp: 5 }], 10)).toThrow(/events\[0\]\.post: a "like" event needs a post/);
    expect(() => validateRows('events', [{ id: 'e2', user: 'u', type: 'poke', post: 'p', timestamp: 5 }], 10)).toThrow(/events\[0\]\.type/);
    expect(() => validateRows('posts', [{ id: 'p', author: 7, created_at: 1 }], 10)).toThrow(/posts\[0\]\.author/);
    expect(() => validateRows('users', [{ id: 'u', nmae: 'x' }], 10)).toThrow(/users\[0\]/);
  });

  it('rejects non-arrays, oversized batches and conflicting duplicate ids', () => {
    expect(() => validateRows('users', { id: 'u' }, 10)).toThrow(/expected a JSON array/);
    expect(() => validateRows('users', [{ id: 'a' }, { id: 'b' }], 1)).toThrow(/exceeds the limit of 1/);
    expect(() => validateRows('users', [{ id: 'a', name: 'x' }, { id: 'a', name: 'y' }], 10)).toThrow(/appears more than once/);
    expect(validateRows('users', [{ id: 'a' }, { id: 'a' }], 10)).toHaveLength(2);
  });
});

describe('timestamps', () => {
  const at = (timestamp: unknown): number => validateRows('events', [like({ timestamp })], 10)[0]!.timestamp;
  const bad = (timestamp: unknown): string => thrown(() => validateRows('events', [like({ timestamp })], 10)).message;

  it('accepts epoch ms as numbers or digit strings, and ISO-8601 dates, historical ones included', () => {
    expect(at(874_965_758_000)).toBe(874_965_758_000); // MovieLens 100k, September 1997
    expect(at('874965758000')).toBe(874_965_758_000);
    expect(at('-1514764800000')).toBe(Date.UTC(1922, 0, 1)); // before 1970: films' release dates
    expect(at('1922-01-01')).toBe(Date.UTC(1922, 0, 1));
    expect(at('2015-02-24 11:35:52 -0800')).toBe(Date.UTC(2015, 1, 24, 19, 35, 52));
    expect(at('2024-02-29T10:00:00.123+01:00')).toBe(Date.UTC(2024, 1, 29, 9, 0, 0, 123));
    expect(at('9999-12-31T23:59:59.999Z')).toBe(LIMITS.maxTime);
    expect(at(LIMITS.minTime)).toBe(LIMITS.minTime);
    expect(at(0)).toBe(0);
    expect(at('2024')).toBe(2024); // digits are epoch ms, never a year
  });

  it('refuses loose strings, impossible dates and times outside years 0000–9999', () => {
    for (const v of [' 1 ', '1 ', '\t5', '+5', '1.5', '1e3', '2024-02-30', '2023-02-29', '2024-13-01', '2024-01-01T25:00:00Z', '2024-01-01T10:00:00+01', 'Jan 1 2024', '2024-01-01T10:00:00Z junk']) {
      expect(bad(v), JSON.stringify(v)).toMatch(/events\[0\]\.timestamp: expected an ISO-8601 date or epoch milliseconds between 0000-01-01 and 9999-12-31/);
    }
    for (const v of [1e308, -1e308, LIMITS.maxTime + 1, LIMITS.minTime - 1, '99999999999999999', '+010000-01-01T00:00:00Z']) {
      expect(bad(v), String(v)).toMatch(/events\[0\]\.timestamp/);
    }
  });

  it('refuses times beyond the server clock plus the tolerance when asked (live ingest), naming the field', () => {
    const now = Date.UTC(2025, 5, 1);
    const options = { now, maxFutureSkewMs: 300_000 };
    expect(validateRows('events', [like({ timestamp: now + 300_000 })], 10, options)).toHaveLength(1);
    expect(validateRows('events', [like({ timestamp: 874_965_758_000 })], 10, options)).toHaveLength(1);
    const e = thrown(() => validateRows('events', [like(), like({ id: 'e2', timestamp: '2100-01-01T00:00:00Z' })], 10, options));
    expect(e.code).toBe('TIMESTAMP_IN_FUTURE');
    expect(e.message).toBe('events[1].timestamp: 2100-01-01T00:00:00.000Z is later than the server clock (2025-06-01T00:00:00.000Z) plus the tolerance of 300 s');
    expect(thrown(() => validateRows('posts', [{ id: 'p', author: 'a', created_at: now + 300_001 }], 10, options)).message).toMatch(/^posts\[0\]\.created_at: /);
    expect(thrown(() => validateRows('users', [{ id: 'u', created_at: now + 1 }], 10, { now })).code).toBe('TIMESTAMP_IN_FUTURE');
    expect(thrown(() => validateRows('follows', [{ follower: 'a', followee: 'b', created_at: now + 1 }], 10, { now })).message).toMatch(/^follows\[0\]\.created_at/);
    // Without a clock (imports), a far-future time inside the range is only range-checked.
    expect(validateRows('events', [like({ timestamp: '2100-01-01T00:00:00Z' })], 10)).toHaveLength(1);
  });

  it('has a documented default tolerance of five minutes', () => {
    expect(DEFAULT_CONFIG.server.maxFutureSkewSeconds).toBe(300);
  });
});

describe('bounds on values, strings and features', () => {
  const invalid = (kind: RowKind, row: unknown): string => {
    const e = thrown(() => validateRows(kind, [row], 10));
    expect(e.code).toBe('INVALID_INPUT');
    return e.message;
  };

  it('bounds event values to ±1e6', () => {
    expect(validateRows('events', [like({ type: 'rating', value: -1e6 }), like({ id: 'e2', type: 'dwell', value: 1e6 })], 10)).toHaveLength(2);
    expect(invalid('events', like({ type: 'rating', value: 1e308 }))).toMatch(/^events\[0\]\.value: must be between -1000000 and 1000000/);
    expect(invalid('events', like({ type: 'dwell', value: -1_000_001 }))).toMatch(/^events\[0\]\.value/);
  });

  it('refuses lone surrogates in every string field, naming it', () => {
    const lone = 'sur\ud800';
    expect(validateRows('users', [{ id: 'emoji\u{1F600}', name: '\u{1F600}' }], 10)).toHaveLength(1);
    expect(invalid('users', { id: lone })).toMatch(/^users\[0\]\.id: must not contain a lone UTF-16 surrogate/);
    expect(invalid('users', { id: 'u', name: '\udc00x' })).toMatch(/^users\[0\]\.name: must not contain a lone/);
    expect(invalid('users', { id: 'u', features: { [lone]: 1 } })).toBe(String.raw`users[0].features["sur\ud800"]: must not contain a lone UTF-16 surrogate (\ud800–\udfff without its pair)`);
    expect(invalid('users', { id: 'u', features: { k: lone } })).toMatch(/^users\[0\]\.features\.k: must not contain a lone/);
    expect(invalid('posts', { id: 'p', author: lone, created_at: 1 })).toMatch(/^posts\[0\]\.author: /);
    expect(invalid('posts', { id: 'p', author: 'a', text: `a${lone}`, created_at: 1 })).toMatch(/^posts\[0\]\.text: must not contain a lone/);
    expect(invalid('posts', { id: 'p', author: 'a', created_at: 1, tags: ['ok', lone] })).toMatch(/^posts\[0\]\.tags\[1\]: must not contain a lone/);
    expect(invalid('posts', { id: 'p', author: 'a', created_at: 1, lang: lone })).toMatch(/^posts\[0\]\.lang: /);
    expect(invalid('posts', { id: 'p', author: 'a', created_at: 1, reply_to: lone })).toMatch(/^posts\[0\]\.reply_to: /);
    expect(invalid('follows', { follower: 'a', followee: lone })).toMatch(/^follows\[0\]\.followee: /);
    expect(invalid('events', like({ user: lone }))).toMatch(/^events\[0\]\.user: /);
    expect(invalid('events', like({ type: 'comment', text: lone }))).toMatch(/^events\[0\]\.text: must not contain a lone/);
  });

  it('refuses control characters in text other than tab and line breaks', () => {
    expect(validateRows('posts', [{ id: 'p', author: 'a', created_at: 1, text: 'two\nlines\tand\r\n' }], 10)).toHaveLength(1);
    expect(invalid('posts', { id: 'p', author: 'a', created_at: 1, text: 'nul\u0000' })).toMatch(/^posts\[0\]\.text: must not contain control characters/);
  });

  it('bounds features: keys, key length and string length', () => {
    const many = Object.fromEntries(Array.from({ length: LIMITS.featureKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(invalid('users', { id: 'u', features: many })).toMatch(/^users\[0\]\.features: must have at most 32 keys/);
    expect(invalid('posts', { id: 'p', author: 'a', created_at: 1, features: many })).toMatch(/^posts\[0\]\.features: must have at most 32 keys/);
    expect(invalid('users', { id: 'u', features: { ['k'.repeat(65)]: 1 } })).toMatch(/feature names must be at most 64 characters/);
    expect(invalid('users', { id: 'u', features: { '': 1 } })).toMatch(/feature names must not be empty/);
    expect(invalid('users', { id: 'u', features: { big: 'x'.repeat(257) } })).toMatch(/^users\[0\]\.features\.big: must be at most 256 characters/);
    // The 11 MB features object of the report.
    expect(invalid('users', { id: 'u', features: { blob: 'x'.repeat(11_000_000) } })).toMatch(/at most 256 characters/);
    const full = Object.fromEntries(Array.from({ length: LIMITS.featureKeys }, (_, i) => [`${i}`.padEnd(64, 'k'), 'v'.repeat(256)]));
    expect(validateRows('users', [{ id: 'u', features: full }], 10)).toHaveLength(1);
  });

  it('refuses self-follows and follow/unfollow events aimed at oneself', () => {
    expect(invalid('follows', { follower: 'a', followee: 'a' })).toBe('follows[0].followee: a user cannot follow themselves');
    expect(invalid('events', { id: 'e', user: 'a', type: 'follow', target_user: 'a', timestamp: 1 })).toBe('events[0].target_user: a user cannot follow themselves');
    expect(invalid('events', { id: 'e', user: 'a', type: 'unfollow', target_user: 'a', timestamp: 1 })).toBe('events[0].target_user: a user cannot unfollow themselves');
    expect(validateRows('events', [{ id: 'e', user: 'a', type: 'report', target_user: 'b', timestamp: 1 }], 10)).toHaveLength(1);
  });
});

describe('batch sizes', () => {
  it('caps users and posts below maxBatch and refuses larger batches', () => {
    expect(batchRowLimit('events', 10_000)).toBe(10_000);
    expect(batchRowLimit('posts', 10_000)).toBe(500);
    expect(batchRowLimit('posts', 100)).toBe(100);
    const posts = Array.from({ length: 501 }, (_, i) => ({ id: `p${i}`, author: 'a', created_at: 1 }));
    expect(thrown(() => validateRows('posts', posts, 10_000)).message).toBe('batch of 501 posts exceeds the limit of 500');
  });

  it('fits a batch of the largest valid rows of every kind in the body limit', () => {
    const maxBatch = DEFAULT_CONFIG.server.maxBatch;
    for (const kind of ROW_KINDS) {
      if (kind !== 'posts') expect(worstCaseBatchBytes(kind, batchRowLimit(kind, maxBatch)), kind).toBeLessThanOrEqual(BASE_BODY_LIMIT_BYTES);
    }
    // Posts with media vectors (two of 1,024 values) are the largest rows: the limit follows them.
    expect(requestBodyLimitBytes(maxBatch)).toBe(worstCaseBatchBytes('posts', batchRowLimit('posts', maxBatch)));
    expect(requestBodyLimitBytes(maxBatch)).toBeLessThan(90 * 2 ** 20);
    // A larger maxBatch asks for a larger body limit (events: 100,000 rows).
    expect(requestBodyLimitBytes(100_000)).toBe(worstCaseBatchBytes('events', 100_000));
  });

  it('counts the worst case above the compact JSON of a largest valid row', () => {
    const wide = (n: number): string => '\u20ac'.repeat(n); // 3 bytes in UTF-8
    const id = wide(LIMITS.idChars);
    const features = Object.fromEntries(Array.from({ length: LIMITS.featureKeys }, (_, i) => [`${i}`.padEnd(LIMITS.featureKeyChars, '\u20ac'), wide(LIMITS.featureStringChars)]));
    const rows: Record<RowKind, Record<string, unknown>> = {
      users: { id, name: wide(LIMITS.nameChars), created_at: '2024-01-01T10:00:00.123456789+01:00', features, languages: Array.from({ length: LIMITS.userLanguages }, () => 'en-Latn-GB-x-abc') },
      posts: {
        id, author: wide(LIMITS.idChars - 1) + 'a', text: wide(LIMITS.postTextChars), created_at: -62_167_219_200_000,
        tags: Array.from({ length: LIMITS.tags }, () => wide(LIMITS.tagChars)), reply_to: id, lang: 'en-Latn-GB-x-abc',
        mentions: Array.from({ length: LIMITS.mentions }, (_, i) => wide(LIMITS.idChars - 2) + String(10 + i)),
        features: { ...Object.fromEntries(Object.entries(features).slice(1)), vectors: Object.fromEntries(Array.from({ length: LIMITS.vectorNames }, (_, i) => [
          `${i}`.padEnd(LIMITS.featureKeyChars, '\u20ac'), Array.from({ length: LIMITS.vectorDim }, () => -0.0000012345678901234567),
        ])) },
      },
      follows: { follower: id, followee: wide(LIMITS.idChars - 1) + 'b', created_at: '2024-01-01T10:00:00.123456789+01:00' },
      events: {
        id, user: id, type: 'unfollow', post: id, target_user: wide(LIMITS.idChars - 1) + 'c', value: -0.0000012345678901234,
        text: wide(LIMITS.eventTextChars), timestamp: '2024-01-01T10:00:00.123456789+01:00', request_id: wide(LIMITS.requestIdChars),
      },
    };
    for (const kind of ROW_KINDS) {
      expect(validateRows(kind, [rows[kind]], 10), kind).toHaveLength(1);
      const bytes = Buffer.byteLength(JSON.stringify(rows[kind]));
      expect(bytes, kind).toBeLessThanOrEqual(worstCaseRowBytes(kind));
      expect(bytes, kind).toBeGreaterThan(worstCaseRowBytes(kind) * 0.98);
    }
  });
});

describe('languages and vectors', () => {
  const post = (extra: Record<string, unknown>): Record<string, unknown> => ({ id: 'p', author: 'a', created_at: 1, text: 'hi', ...extra });

  it('keeps a known language tag in canonical form, reads "und" as none, refuses an unknown code by name', () => {
    expect(validateRows('posts', [post({ lang: 'ZH-hant' })], 10)[0]!.lang).toBe('zh-Hant');
    expect(validateRows('posts', [post({ lang: 'und' })], 10)[0]!.lang).toBeNull();
    for (const lang of ['xx', 'english', 'qaa', 'e']) {
      expect(thrown(() => validateRows('posts', [post({}), post({ id: 'q', lang })], 10))).toMatchObject({ code: 'UNKNOWN_LANGUAGE', message: expect.stringMatching(/^posts\[1\]\.lang: /) });
    }
    expect(validateRows('users', [{ id: 'u', languages: ['EN', 'en', 'pt-br'] }], 10)[0]!.languages).toEqual(['en', 'pt-BR']);
    expect(thrown(() => validateRows('users', [{ id: 'u', languages: ['en', 'zz'] }], 10))).toMatchObject({ code: 'UNKNOWN_LANGUAGE', message: expect.stringMatching(/^users\[0\]\.languages\[1\]: /) });
  });

  it('checks post vectors against the declared dimensions: wrong dimension, NaN, a string or an undeclared name is VECTOR_INVALID', () => {
    const declared = { vectors: { image: { dim: 3 } } };
    const ok = validateRows('posts', [post({ features: { vectors: { image: [0.1, -2, 3] }, nsfw: false } })], 10, declared);
    expect(ok[0]!.features).toEqual({ vectors: { image: [0.1, -2, 3] }, nsfw: false });
    const bad = (vectors: Record<string, unknown[]>): { code: string; message: string } => thrown(() => validateRows('posts', [post({ features: { vectors } })], 10, declared));
    expect(bad({ image: [1, 2] })).toMatchObject({ code: 'VECTOR_INVALID', message: 'posts[0].features.vectors.image: expected 3 values, got 2' });
    expect(bad({ image: [1, NaN, 2] })).toMatchObject({ code: 'VECTOR_INVALID', message: expect.stringContaining('posts[0].features.vectors.image[1]: expected a finite number, got NaN') });
    expect(bad({ image: [1, '2', 3] })).toMatchObject({ code: 'VECTOR_INVALID' });
    expect(bad({ audio: [1, 2, 3] })).toMatchObject({ code: 'VECTOR_INVALID', message: expect.stringContaining('no vector "audio" is declared') });
    // Without declarations (imports) only the values are checked.
    expect(thrown(() => validateRows('posts', [post({ features: { vectors: { any: [Infinity] } } })], 10))).toMatchObject({ code: 'VECTOR_INVALID' });
    // Only `vectors` holds vectors; it must be an object of them.
    expect(thrown(() => validateRows('posts', [post({ features: { image: [1, 2, 3] } })], 10, declared)).code).toBe('INVALID_INPUT');
    expect(thrown(() => validateRows('posts', [post({ features: { vectors: 3 } })], 10, declared)).code).toBe('INVALID_INPUT');
  });

  it('lets the config declare no more vectors, nor longer ones, than a post may carry', () => {
    const declare = (vectors: Record<string, { dim: number }>): boolean => configSchema.safeParse({ features: { vectors } }).success;
    expect(declare({ image: { dim: LIMITS.vectorDim } })).toBe(true);
    expect(declare({ image: { dim: LIMITS.vectorDim + 1 } })).toBe(false);
    const names = (n: number): Record<string, { dim: number }> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`v${i}`, { dim: 4 }]));
    expect(declare(names(LIMITS.vectorNames))).toBe(true);
    expect(declare(names(LIMITS.vectorNames + 1))).toBe(false);
  });
});
