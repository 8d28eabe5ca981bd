/**
 * @module Validation of incoming rows (API batches, CLI input) against the domain schemas, with errors that
 * name the row and field: `events[3].timestamp: expected an ISO-8601 date or epoch milliseconds, got "soon"`.
 *
 * Also the size arithmetic of batches: the worst-case bytes of a row follow from `LIMITS`, and the batch limits
 * are chosen so that a batch of the largest valid rows always fits a request body.
 */
import type { z } from 'zod';
import { createError } from '../core/errors.js';
import { requireLanguage, UNDETERMINED } from './language-tags.js';
import { EVENT_TYPES, eventSchema, firstProblem, followSchema, LIMITS, postSchema, postVectors, userSchema, type Event, type Follow, type Post, type User } from './schemas.js';

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

export interface ValidateOptions {
  /**
   * The server clock (epoch ms). When given, a timestamp later than `now + maxFutureSkewMs` is refused with
   * TIMESTAMP_IN_FUTURE (live writes). Omitted, times are only range-checked: imports of history stay valid.
   */
  now?: number;
  /** Tolerance for client clocks ahead of the server's; 0 when omitted. */
  maxFutureSkewMs?: number;
  /**
   * The named vectors posts may carry (`features.vectors` of the config) and their dimensions. Given, a vector of
   * another name or dimension is VECTOR_INVALID; omitted, only its values are checked (finite numbers).
   */
  vectors?: Readonly<Record<string, { readonly dim: number }>>;
}

/**
 * Validates a batch: it must be an array of at most `batchRowLimit(kind, maxBatch)` rows, each valid, with no id
 * repeated with different content. Throws on the first problem; returns the parsed rows (timestamps in epoch ms).
 */
export function validateRows<K extends RowKind>(kind: K, rows: unknown, maxBatch: number, options: ValidateOptions = {}): RowsOf[K][] {
  if (!Array.isArray(rows)) {
    throw createError('INVALID_INPUT', { field: kind, problem: `expected a JSON array of ${kind}, got ${rows === null ? 'null' : typeof rows}` });
  }
  const limit = batchRowLimit(kind, maxBatch);
  if (rows.length > limit) throw createError('BATCH_TOO_LARGE', { size: rows.length, kind, limit });
  const schema = SCHEMAS[kind];
  const latest = options.now === undefined ? Infinity : options.now + (options.maxFutureSkewMs ?? 0);
  const out: RowsOf[K][] = [];
  const seen = new Map<string, string>();
  rows.forEach((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const { field, problem } = firstProblem(parsed.error, `${kind}[${i}]`);
      throw createError('INVALID_INPUT', { field, problem });
    }
    if (kind === 'posts') checkPost(parsed.data as Post, `${kind}[${i}]`, options.vectors);
    if (kind === 'users') checkUser(parsed.data as User, `${kind}[${i}]`);
    const [timeField, time] = rowTime(kind, parsed.data);
    if (time !== undefined && time > latest) {
      throw createError('TIMESTAMP_IN_FUTURE', {
        field: `${kind}[${i}].${timeField}`,
        time: new Date(time).toISOString(),
        now: new Date(options.now!).toISOString(),
        tolerance: (options.maxFutureSkewMs ?? 0) / 1000,
      });
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

/** A user's languages in canonical form, each once (UNKNOWN_LANGUAGE for a code that names no language). */
function checkUser(user: User, where: string): void {
  if (user.languages) user.languages = [...new Set(user.languages.map((l, j) => requireLanguage(l, `${where}.languages[${j}]`)))];
}

/**
 * A post's language in canonical form (`und` read as none; UNKNOWN_LANGUAGE for a code that names no language)
 * and its vectors checked (VECTOR_INVALID).
 */
function checkPost(post: Post, where: string, declared: ValidateOptions['vectors']): void {
  if (post.lang === UNDETERMINED) post.lang = null;
  else if (post.lang != null) post.lang = requireLanguage(post.lang, `${where}.lang`);
  for (const [name, values] of Object.entries(postVectors(post) ?? {})) {
    const field = `${where}.features.vectors.${name}`;
    const dim = declared?.[name]?.dim;
    if (declared && dim === undefined) {
      const names = Object.keys(declared);
      throw createError('VECTOR_INVALID', { field, problem: `no vector "${name}" is declared in features.vectors of the config (declared: ${names.length > 0 ? names.join(', ') : 'none'})` });
    }
    if (dim !== undefined && values.length !== dim) throw createError('VECTOR_INVALID', { field, problem: `expected ${dim} values, got ${values.length}` });
    const bad = values.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) throw createError('VECTOR_INVALID', { field: `${field}[${bad}]`, problem: `expected a finite number, got ${String(values[bad])}` });
  }
}

function rowKey(kind: RowKind, row: User | Post | Follow | Event): string | undefined {
  if (kind === 'follows') return undefined;
  return (row as { id: string }).id;
}

function rowTime(kind: RowKind, row: User | Post | Follow | Event): [field: string, time: number | undefined] {
  if (kind === 'events') return ['timestamp', (row as Event).timestamp];
  return ['created_at', (row as { created_at?: number }).created_at];
}

// ---- Batch sizes -------------------------------------------------------------------------------------------

/** The request body limit the API had before batch sizes were derived from the row bounds (64 MiB). */
export const BASE_BODY_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * Rows of one batch beyond `server.maxBatch`'s cap: users and posts can be large (features, 20,000 characters
 * of text), so fewer of them make a batch. With these caps every kind's worst-case batch but posts fits 64 MiB at
 * the default maxBatch of 10,000 (a test keeps it so); posts carrying two vectors of 1,024 values raise the body
 * limit to about 82 MiB.
 */
export const KIND_ROW_CAP: Readonly<Partial<Record<RowKind, number>>> = { users: 1_000, posts: 500 };

/** Most rows of `kind` one batch may carry: `maxBatch`, or the kind's lower cap. */
export function batchRowLimit(kind: RowKind, maxBatch: number): number {
  return Math.min(maxBatch, KIND_ROW_CAP[kind] ?? Infinity);
}

// Worst-case bytes, counted for compact JSON in UTF-8 as JSON.stringify writes it: no whitespace, non-ASCII
// characters raw (at most 3 bytes per UTF-16 code unit; a surrogate pair is 4 bytes for 2 units), `"` and `\`,
// tab and line breaks escaped in 2 bytes. Other control characters (6-byte escapes) and lone surrogates are
// refused by the schemas, so 3 bytes per character bounds every string. A client that escapes every non-ASCII
// character (`\u00e9`, 6 bytes) writes up to twice as much and may need smaller batches.
const BYTES_PER_CHAR = 3;
/** Longest number JSON.stringify writes (`-0.0000012345678901234567`). */
const NUMBER_BYTES = 25;
const str = (chars: number): number => 2 + chars * BYTES_PER_CHAR;
/** `{"k1":v1,"k2":v2}` with every field present at its largest. */
const object = (fields: Record<string, number>): number => {
  const entries = Object.entries(fields);
  return 2 + entries.reduce((s, [k, v]) => s + k.length + 3 + v, 0) + Math.max(0, entries.length - 1);
};
const array = (n: number, item: number): number => 2 + n * item + Math.max(0, n - 1);

const ID = str(LIMITS.idChars);
// A timestamp string is ASCII (digits or ISO-8601); a number is at most NUMBER_BYTES.
const TIME = Math.max(2 + LIMITS.timestampChars, NUMBER_BYTES);
const FEATURES = 2 + LIMITS.featureKeys * (str(LIMITS.featureKeyChars) + 1 + Math.max(str(LIMITS.featureStringChars), NUMBER_BYTES)) + LIMITS.featureKeys - 1;
// A post's features may add `"vectors":{…}`: named arrays of numbers (counted on top of the scalar keys).
const VECTORS = 2 + LIMITS.vectorNames * (str(LIMITS.featureKeyChars) + 1 + array(LIMITS.vectorDim, NUMBER_BYTES)) + LIMITS.vectorNames - 1;
const POST_FEATURES = FEATURES + 1 + str('vectors'.length) + 1 + VECTORS;
const ROW_BYTES: Readonly<Record<RowKind, number>> = {
  users: object({ id: ID, name: str(LIMITS.nameChars), created_at: TIME, features: FEATURES, languages: array(LIMITS.userLanguages, str(LIMITS.langChars)), personalization: 5, smartReplies: 5 }),
  posts: object({
    id: ID, author: ID, text: str(LIMITS.postTextChars), created_at: TIME, tags: array(LIMITS.tags, str(LIMITS.tagChars)),
    reply_to: ID, lang: str(LIMITS.langChars), features: POST_FEATURES, mentions: array(LIMITS.mentions, ID),
  }),
  follows: object({ follower: ID, followee: ID, created_at: TIME }),
  events: object({
    id: ID, user: ID, type: 2 + Math.max(...EVENT_TYPES.map((t) => t.length)), post: ID, target_user: ID, value: NUMBER_BYTES,
    text: str(LIMITS.eventTextChars), timestamp: TIME, request_id: Math.max(str(LIMITS.requestIdChars), NUMBER_BYTES),
  }),
};

/** Largest compact-JSON size in bytes of one valid row of `kind` (every optional field present at its bound). */
export function worstCaseRowBytes(kind: RowKind): number {
  return ROW_BYTES[kind];
}

/** Largest compact-JSON size in bytes of a batch (a JSON array) of `rows` valid rows of `kind`. */
export function worstCaseBatchBytes(kind: RowKind, rows: number): number {
  return array(rows, ROW_BYTES[kind]);
}

/**
 * The request body limit that lets every valid batch through: the largest worst-case batch over the kinds at
 * their row limits, and never below 64 MiB (room for pretty-printed JSON). 64 MiB at the default maxBatch.
 */
export function requestBodyLimitBytes(maxBatch: number): number {
  return Math.max(BASE_BODY_LIMIT_BYTES, ...ROW_KINDS.map((k) => worstCaseBatchBytes(k, batchRowLimit(k, maxBatch))));
}
