/**
 * @module The domain: zod schemas of User, Post, Follow and Event, shared by the API, importers and the store.
 *
 * External JSON uses snake_case (`created_at`, `reply_to`, `target_user`). Timestamps arrive as ISO-8601
 * strings or epoch milliseconds and are normalised to epoch milliseconds. `LIMITS` holds every bound.
 */
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../core/config.js';
import { isRequestId } from './impressions.js';

export { EVENT_TYPES, type EventType };

/**
 * Every bound a row must keep. They guard the store and the models against hostile input, and they fix the
 * worst-case size of a row, from which `validate.ts` derives the largest batch that fits a request body.
 */
export const LIMITS = {
  /** Characters (UTF-16 code units) of an id. */
  idChars: 256,
  /** Characters of a post's text. */
  postTextChars: 20_000,
  /** Characters of an event's text (a short comment; a long reply is a post with `reply_to`). */
  eventTextChars: 1_000,
  nameChars: 512,
  tags: 64,
  tagChars: 128,
  /** Users one post may mention (`mentions`). */
  mentions: 16,
  langChars: 16,
  /** Words and #hashtags one user may mute. */
  mutedWords: 200,
  /** Characters of a muted word or #hashtag. */
  mutedWordChars: 100,
  /** Languages a user may list. */
  userLanguages: 16,
  /** Characters of an event's `request_id` (a request id is 36; a longer string is refused, a shorter wrong one is kept unjoined). */
  requestIdChars: 64,
  /** Keys of a `features` object, characters of a key and of a string value. */
  featureKeys: 32,
  featureKeyChars: 64,
  featureStringChars: 256,
  /** Named vectors of a post (`features.vectors`: media embeddings) and values of one. */
  vectorNames: 2,
  vectorDim: 1024,
  /** |value| of an event (a rating, seconds of dwell). */
  maxAbsValue: 1e6,
  /** Characters of a timestamp written as a string (ISO-8601 with nanoseconds and an offset is 35). */
  timestampChars: 35,
  /** Earliest and latest timestamps: 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z (epoch ms), the years ISO-8601 writes with four digits. */
  minTime: -62_167_219_200_000,
  maxTime: 253_402_300_799_999,
} as const;

// A lone surrogate (half of a UTF-16 pair) cannot be encoded as UTF-8: stored, it reads back as U+FFFD or breaks
// the next write. With the `u` flag a well-formed pair is one code point, so \p{Cs} matches only lone halves.
const LONE_SURROGATE = /\p{Cs}/u;
// Control characters other than tab, line feed and carriage return.
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);
const LONE_SURROGATE_MESSAGE = 'must not contain a lone UTF-16 surrogate (\\ud800–\\udfff without its pair)';

/** Free text of at most `max` characters: well-formed UTF-16, no control characters but tab and line breaks. */
function textSchema(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(wellFormed, LONE_SURROGATE_MESSAGE)
    .refine((s) => !CONTROL_IN_TEXT.test(s), 'must not contain control characters other than tab and line breaks');
}

/** An external id: 1–256 characters, no control characters, no lone surrogates. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.idChars, `must be at most ${LIMITS.idChars} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
  .refine(wellFormed, LONE_SURROGATE_MESSAGE)
  .meta({ description: `An id of your app: 1–${LIMITS.idChars} characters, no control characters` });

const TIME_RANGE = `between 0000-01-01 and 9999-12-31 (epoch ms ${LIMITS.minTime} to ${LIMITS.maxTime})`;
// ISO-8601 date, or date and time (seconds and fraction optional) with an optional Z or ±hh[:]mm offset.
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?)?$/;

/**
 * Epoch milliseconds of a timestamp, or undefined when it is not one: a finite number, a string of digits
 * (epoch ms, optional leading minus: dates before 1970 are allowed), or an ISO-8601 date whose fields exist
 * (no 2024-02-30). A date-time without an offset is read in the server's time zone, as `Date.parse` does.
 */
export function parseTimestamp(v: number | string): number | undefined {
  let ms: number;
  if (typeof v === 'number') ms = v;
  else if (/^-?\d{1,15}$/.test(v)) ms = Number(v);
  else {
    const m = v.length <= LIMITS.timestampChars ? ISO_DATE.exec(v) : null;
    if (!m) return undefined;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const daysInMonth = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
    if (daysInMonth === undefined || day < 1 || day > daysInMonth) return undefined;
    if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return undefined;
    ms = Date.parse(v);
  }
  return Number.isFinite(ms) && ms >= LIMITS.minTime && ms <= LIMITS.maxTime ? ms : undefined;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Epoch milliseconds from an ISO-8601 string, a number of milliseconds, or a string of digits (see `parseTimestamp`). */
export const timestampSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseTimestamp(v);
  if (ms === undefined) {
    const shown = typeof v === 'string' && v.length > 64 ? `${JSON.stringify(v.slice(0, 64))}…` : JSON.stringify(v);
    ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 date or epoch milliseconds ${TIME_RANGE}, got ${shown}` });
    return z.NEVER;
  }
  return ms;
}).meta({ description: 'Epoch milliseconds (a number, or a string of digits) or an ISO-8601 date or date-time (without an offset: the server\'s time zone); stored as epoch milliseconds' });

const featureKey = z
  .string()
  .min(1, 'feature names must not be empty')
  .max(LIMITS.featureKeyChars, `feature names must be at most ${LIMITS.featureKeyChars} characters`)
  .refine(wellFormed, LONE_SURROGATE_MESSAGE)
  .refine((s) => !CONTROL_IN_TEXT.test(s), 'feature names must not contain control characters');
const featureValue = z.union([z.number(), textSchema(LIMITS.featureStringChars), z.boolean()]);
/** Free-form features (age bucket, locale, …) that models may use: at most 32 keys of 64 characters, strings of 256. */
const featuresSchema = z
  .record(featureKey, featureValue)
  .refine((f) => Object.keys(f).length <= LIMITS.featureKeys, `must have at most ${LIMITS.featureKeys} keys`);

/**
 * A post's precomputed embeddings by name (`features.vectors.image`: an image embedding the client computed). The
 * values are checked after parsing (`validate.ts`): a non-number, NaN or a dimension other than the config's is
 * VECTOR_INVALID, not a generic problem.
 */
const vectorsSchema = z
  .record(featureKey, z.array(z.unknown()).max(LIMITS.vectorDim, `a vector must have at most ${LIMITS.vectorDim} values`).transform((v) => v as number[]))
  .refine((v) => Object.keys(v).length <= LIMITS.vectorNames, `must have at most ${LIMITS.vectorNames} vectors`);
/** A post's features: those of any row, and `vectors` (named embeddings). */
const postFeaturesSchema = z
  .record(featureKey, z.union([featureValue, vectorsSchema]))
  .superRefine((f, ctx) => {
    if (Object.keys(f).length > LIMITS.featureKeys) ctx.addIssue({ code: 'custom', message: `must have at most ${LIMITS.featureKeys} keys` });
    for (const [k, v] of Object.entries(f)) {
      if ((k === 'vectors') !== (typeof v === 'object')) {
        ctx.addIssue({ code: 'custom', path: [k], message: k === 'vectors' ? 'must be an object of named vectors' : 'must be a number, string or boolean' });
      }
    }
  });

/** The named vectors of a post, or undefined. */
export function postVectors(post: Pick<Post, 'features'>): Readonly<Record<string, number[]>> | undefined {
  const v = post.features?.vectors;
  return typeof v === 'object' ? v : undefined;
}

/** The post without its named vectors (what a page shows: the client that wrote them has them). */
export function withoutVectors(post: Post): Post {
  if (postVectors(post) === undefined) return post;
  const { vectors: _vectors, ...features } = post.features!;
  return { ...post, features };
}

export const userSchema = z.strictObject({
  id: idSchema,
  /**
   * false: the user's feed is built without profiling (accounts they follow and what is popular only) and their
   * events stay out of model training (the EU Digital Services Act's non-profiling option). Default true.
   */
  personalization: z.boolean().optional(),
  /** false: no smart replies for this user (`GET /v1/posts/{id}/reply-suggestions?user=` answers none, `opted_out`). Default true. */
  smartReplies: z.boolean().optional(),
  name: textSchema(LIMITS.nameChars).optional(),
  created_at: timestampSchema.optional(),
  features: featuresSchema.optional(),
  /** Languages the user reads (BCP 47 tags, checked and made canonical by `validate.ts`), for the feed's `feed.languages` policy. */
  languages: z.array(textSchema(LIMITS.langChars)).max(LIMITS.userLanguages, `must have at most ${LIMITS.userLanguages} languages`).optional(),
});

export const postSchema = z.strictObject({
  id: idSchema,
  author: idSchema,
  text: textSchema(LIMITS.postTextChars).default(''),
  created_at: timestampSchema,
  tags: z.array(textSchema(LIMITS.tagChars).min(1)).max(LIMITS.tags, `must have at most ${LIMITS.tags} tags`).default([]),
  reply_to: idSchema.nullish(),
  lang: textSchema(LIMITS.langChars).nullish(),
  features: postFeaturesSchema.optional(),
  /**
   * Ids of the users the post mentions (mention edges). When absent, the ingest path takes the `@handle`s of the
   * text that name a stored user id (users have no separate handle).
   */
  mentions: z.array(idSchema).max(LIMITS.mentions, `must have at most ${LIMITS.mentions} mentions`).optional(),
});

export const followSchema = z
  .strictObject({
    follower: idSchema,
    followee: idSchema,
    created_at: timestampSchema.optional(),
  })
  .refine((f) => f.follower !== f.followee, { path: ['followee'], message: 'a user cannot follow themselves' });

const POST_EVENTS: readonly EventType[] = ['view', 'like', 'share', 'comment', 'hide', 'report', 'rating', 'dwell', 'show_less'];
const USER_EVENTS: readonly EventType[] = ['follow', 'unfollow', 'block', 'unblock'];
/** Mute and unmute name an account (`target_user`) or a word or #hashtag (`text`), one of them. */
const MUTE_EVENTS: readonly EventType[] = ['mute', 'unmute'];

export const eventSchema = z
  .strictObject({
    /** Client-supplied id: a retried batch never duplicates. */
    id: idSchema,
    user: idSchema,
    type: z.enum(EVENT_TYPES),
    post: idSchema.optional(),
    target_user: idSchema.optional(),
    value: z
      .number()
      .finite()
      .min(-LIMITS.maxAbsValue, `must be between -${LIMITS.maxAbsValue} and ${LIMITS.maxAbsValue}`)
      .max(LIMITS.maxAbsValue, `must be between -${LIMITS.maxAbsValue} and ${LIMITS.maxAbsValue}`)
      .optional(),
    text: textSchema(LIMITS.eventTextChars).optional(),
    timestamp: timestampSchema,
    /**
     * The feed response this event answers (its `request_id`), joining it to the served impression. Never a
     * reason to refuse an event: anything that is not a request id Resonate issued reads as `null` (malformed,
     * counted, not joined).
     */
    request_id: z
      .union([z.string().max(LIMITS.requestIdChars, `must be at most ${LIMITS.requestIdChars} characters`), z.number(), z.null()])
      .transform((v): string | null => (isRequestId(v) ? v : null))
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (POST_EVENTS.includes(e.type) && e.post === undefined && e.type !== 'report') {
      ctx.addIssue({ code: 'custom', path: ['post'], message: `a "${e.type}" event needs a post` });
    }
    if (e.type === 'report' && e.post === undefined && e.target_user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['post'], message: 'a "report" event needs a post or a target_user' });
    }
    if (USER_EVENTS.includes(e.type) && e.target_user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['target_user'], message: `a "${e.type}" event needs a target_user` });
    }
    if (USER_EVENTS.includes(e.type) && e.target_user === e.user) {
      ctx.addIssue({ code: 'custom', path: ['target_user'], message: `a user cannot ${e.type} themselves` });
    }
    if (MUTE_EVENTS.includes(e.type)) {
      if ((e.target_user === undefined) === (e.text === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['target_user'], message: `a "${e.type}" event needs a target_user or a text (a word or #hashtag), not both` });
      } else if (e.target_user === e.user) {
        ctx.addIssue({ code: 'custom', path: ['target_user'], message: `a user cannot ${e.type} themselves` });
      } else if (e.text !== undefined && (e.text.trim() === '' || e.text.length > LIMITS.mutedWordChars)) {
        ctx.addIssue({ code: 'custom', path: ['text'], message: `a muted word must have 1 to ${LIMITS.mutedWordChars} characters` });
      }
    }
    if ((e.type === 'rating' || e.type === 'dwell') && e.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `a "${e.type}" event needs a numeric value` });
    }
  });

export type UserInput = z.input<typeof userSchema>;
export type PostInput = z.input<typeof postSchema>;
export type FollowInput = z.input<typeof followSchema>;
export type EventInput = z.input<typeof eventSchema>;
export type User = z.output<typeof userSchema>;
export type Post = z.output<typeof postSchema>;
export type Follow = z.output<typeof followSchema>;
export type Event = z.output<typeof eventSchema>;

/** A validation failure located at a field path, ready for a clear error message. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/**
 * Flattens a zod error to its first problem, with the path prefixed by `where` (e.g. `events[3]`). A bad record
 * key reports the key's own problem; a key that is not a plain name is shown quoted and cut (it may be huge or hold
 * a lone surrogate).
 */
export function firstProblem(error: z.ZodError, where = ''): FieldProblem {
  let issue: z.core.$ZodIssue = error.issues[0]!;
  const path = [...issue.path];
  while (issue.code === 'invalid_key' && issue.issues[0] !== undefined) issue = issue.issues[0];
  const field = (where + path.map(pathSegment).join('')).replace(/^\./, '') || where || '(root)';
  return { field, problem: issue.message };
}

const MAX_SHOWN_KEY = 64;

function pathSegment(p: PropertyKey): string {
  if (typeof p === 'number') return `[${p}]`;
  const key = String(p);
  if (/^[\w-]{1,64}$/.test(key)) return `.${key}`;
  // JSON.stringify escapes control characters and lone surrogates, so the message stays well-formed.
  const cut = key.length > MAX_SHOWN_KEY ? `${key.slice(0, MAX_SHOWN_KEY)}…` : key;
  return `[${JSON.stringify(cut)}]`;
}
