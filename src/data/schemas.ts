/**
 * @module The domain: zod schemas of User, Post, Follow and Event, shared by the API, importers and the store.
 *
 * External JSON uses snake_case (`created_at`, `reply_to`, `target_user`). Timestamps arrive as ISO-8601
 * strings or epoch milliseconds and are normalised to epoch milliseconds.
 */
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../core/config.js';

export { EVENT_TYPES, type EventType };

const MAX_ID = 256;
const MAX_TEXT = 20_000;

/** An external id: 1–256 characters, no control characters. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_ID, `must be at most ${MAX_ID} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

/** Epoch milliseconds from an ISO-8601 string, a number of milliseconds, or a numeric string. */
export const timestampSchema = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = typeof v === 'number' ? v : /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `expected an ISO-8601 date or epoch milliseconds, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});

const featureValue = z.union([z.number(), z.string(), z.boolean()]);

export const userSchema = z.strictObject({
  id: idSchema,
  name: z.string().max(512).optional(),
  created_at: timestampSchema.optional(),
  /** Free-form features (age bucket, locale, …) that models may use. */
  features: z.record(z.string(), featureValue).optional(),
});

export const postSchema = z.strictObject({
  id: idSchema,
  author: idSchema,
  text: z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`).default(''),
  created_at: timestampSchema,
  tags: z.array(z.string().min(1).max(128)).max(64).default([]),
  reply_to: idSchema.nullish(),
  lang: z.string().max(16).nullish(),
  features: z.record(z.string(), featureValue).optional(),
});

export const followSchema = z.strictObject({
  follower: idSchema,
  followee: idSchema,
  created_at: timestampSchema.optional(),
});

const POST_EVENTS: readonly EventType[] = ['view', 'like', 'share', 'comment', 'hide', 'report', 'rating', 'dwell'];
const USER_EVENTS: readonly EventType[] = ['follow', 'unfollow'];

export const eventSchema = z
  .strictObject({
    /** Client-supplied id: a retried batch never duplicates. */
    id: idSchema,
    user: idSchema,
    type: z.enum(EVENT_TYPES),
    post: idSchema.optional(),
    target_user: idSchema.optional(),
    value: z.number().finite().optional(),
    text: z.string().max(MAX_TEXT).optional(),
    timestamp: timestampSchema,
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

/** Flattens a zod error to its first problem, with the path prefixed by `where` (e.g. `events[3]`). */
export function firstProblem(error: z.ZodError, where = ''): FieldProblem {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  const field = (where + path).replace(/^\./, '') || where || '(root)';
  return { field, problem: issue.message };
}
