/**
 * @module JSON Schemas for the OpenAPI document: the rows generated from the same zod schemas that validate input,
 * and the shapes the routes answer with, each with a realistic example. Response schemas are documentation (the
 * server writes answers with JSON.stringify), so an object whose shape is open says so (`additionalProperties`).
 */
import { z } from 'zod';
import { eventSchema, followSchema, postSchema, userSchema } from '../data/schemas.js';

export type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), as a client sends it. */
export const toSchema = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/**
 * Sets `example` on named properties. Ids carry a pattern (no control characters) from which Swagger UI would
 * otherwise invent an unreadable sample value.
 */
function withExamples(schema: JsonSchema, examples: Record<string, unknown>): JsonSchema {
  const properties = { ...(schema.properties as Record<string, JsonSchema>) };
  for (const [k, v] of Object.entries(examples)) {
    const p = properties[k];
    if (!p) continue;
    // An array's items get the first element as their own example (a patterned item needs one too).
    const items = Array.isArray(v) && p.items && typeof p.items === 'object' ? { items: { ...(p.items as JsonSchema), example: v[0] } } : {};
    properties[k] = { ...p, ...items, example: v };
  }
  return { ...schema, properties };
}

/** A timestamp as an answer carries it. */
export const epochMs = (what: string): JsonSchema => ({ type: 'number', description: `${what}, in milliseconds since the Unix epoch (UTC)` });

const T0 = 1767225600000; // 2026-01-01T00:00:00Z

/** One example row of each kind, as a client would send it. */
export const rowExamples = {
  users: [
    { id: 'u42', name: 'Ana Souza', created_at: '2025-03-14T09:26:53Z', languages: ['en', 'pt'], features: { country: 'BR' } },
    { id: 'u7', name: 'Bram de Vries', personalization: false },
  ],
  posts: [
    { id: 'p1007', author: 'u42', text: 'First loaf with 20% rye came out great #baking', created_at: T0, tags: ['baking'], lang: 'en' },
    { id: 'p1008', author: 'u7', text: 'What hydration did you use?', created_at: '2026-01-01T00:12:00Z', reply_to: 'p1007' },
  ],
  follows: [{ follower: 'u7', followee: 'u42', created_at: T0 }],
  events: [
    { id: 'e90001', user: 'u7', type: 'like', post: 'p1007', timestamp: T0 + 3_600_000, request_id: '0b9e6c1e-2f7d-4a8e-9a55-3c1d2e4f5a6b' },
    { id: 'e90002', user: 'u7', type: 'dwell', post: 'p1007', value: 12.5, timestamp: '2026-01-01T01:00:05Z' },
    { id: 'e90003', user: 'u42', type: 'unfollow', target_user: 'u9', timestamp: T0 + 7_200_000 },
  ],
} as const;

const rowFieldExamples: Record<keyof typeof rowExamples, Record<string, unknown>> = {
  users: { id: 'u42' },
  posts: { id: 'p1007', author: 'u42', reply_to: 'p1000', mentions: ['u7'] },
  follows: { follower: 'u7', followee: 'u42' },
  events: { id: 'e90001', user: 'u7', post: 'p1007', target_user: 'u42' },
};

export const rowSchemas: Record<'users' | 'posts' | 'follows' | 'events', JsonSchema> = {
  users: withExamples(toSchema(userSchema), rowFieldExamples.users),
  posts: withExamples(toSchema(postSchema), rowFieldExamples.posts),
  follows: withExamples(toSchema(followSchema), rowFieldExamples.follows),
  events: withExamples(toSchema(eventSchema), rowFieldExamples.events),
};

export const errorSchema: JsonSchema = {
  type: 'object',
  description: 'A catalogued error (docs/errors.md); a 5xx answer also carries `requestId`, the id the server log files it under',
  properties: {
    error: { type: 'string', description: 'The HTTP reason phrase' },
    code: { type: 'string', description: 'The error code, stable across versions' },
    message: { type: 'string', description: 'What went wrong and what to do, in plain words' },
    statusCode: { type: 'integer' },
    requestId: { type: 'string' },
  },
  required: ['error', 'code', 'message', 'statusCode'],
  additionalProperties: true,
  example: { error: 'Not Found', code: 'NOT_FOUND', message: 'user "u404" not found', statusCode: 404 },
};

/** The error answers of a route, by status. */
export const errors = (...statuses: number[]): Record<number, JsonSchema> => Object.fromEntries(statuses.map((s) => [s, errorSchema]));

export const examplePost = { id: 'p1007', author: 'u42', text: 'First loaf with 20% rye came out great #baking', created_at: T0, tags: ['baking'], reply_to: null, lang: 'en', features: { sentiment: 'positive', sentiment_score: 0.6249 } };

export const postOut: JsonSchema = {
  type: 'object',
  description: 'A post as stored (without its media vectors)',
  properties: {
    id: { type: 'string' },
    author: { type: 'string', description: 'The author\'s user id' },
    text: { type: 'string' },
    created_at: epochMs('When the post was written'),
    tags: { type: 'array', items: { type: 'string' } },
    reply_to: { type: ['string', 'null'], description: 'The post this one answers' },
    lang: { type: ['string', 'null'], description: 'BCP 47 language tag (given, or identified at ingest)' },
    features: { type: 'object', additionalProperties: true, description: 'Free-form features: those sent, and those computed at ingest: `sentiment` (positive, neutral, negative), `sentiment_score` (VADER compound, −1..1), `offensive` (0..1, with `moderation` on)' },
  },
  required: ['id', 'author', 'text', 'created_at', 'tags'],
  additionalProperties: true,
  example: examplePost,
};

/** One ranked post of a page (feed, similar, trending, replies, Following feed). */
export const itemOut: JsonSchema = {
  type: 'object',
  properties: {
    postId: { type: 'string' },
    score: { type: 'number', description: 'The blended score (higher first); in the Following feed, the post time in epoch ms' },
    source: { type: 'string', description: 'The candidate source that contributed most' },
    sources: { type: 'array', items: { type: 'string' }, description: 'Every source that proposed the post, best first' },
    explanation: { type: 'string', description: 'A human sentence: "You follow @u42", "Trending in #jazz"' },
    exploration: {
      type: 'object',
      description: 'On a post placed by the exploration policy (`feed.exploration`)',
      properties: { policy: { type: 'string' }, arm: { type: 'string' }, propensity: { type: 'number', description: 'Probability the policy placed this post in this slot' } },
      additionalProperties: true,
    },
    attribution: { type: 'object', additionalProperties: true, description: 'With `explain=full`: the baseline, and what each source, factor and ranker head added to the score (Shapley values)' },
    post: postOut,
    parent: { ...postOut, description: 'The post a reply answers (absent when gone, taken down or hidden from the viewer)' },
  },
  required: ['postId', 'score', 'source', 'sources', 'explanation', 'post'],
  additionalProperties: true,
};

export const exampleItem = { postId: 'p1007', score: 0.8731, source: 'als', sources: ['als', 'following'], explanation: 'You follow @u42 · #baking', post: examplePost };

/** A page of ranked posts with its cursor. */
export const pageOut = (example: unknown, extra: Record<string, JsonSchema> = {}): JsonSchema => ({
  type: 'object',
  properties: {
    ...extra,
    items: { type: 'array', items: itemOut },
    nextCursor: { type: 'string', description: 'Opaque; send it back as `cursor` for the next page. Absent on the last page' },
  },
  required: ['items'],
  additionalProperties: true,
  example,
});

/** `{ id }` path parameters. */
export const idParams = (what: string): JsonSchema => ({ type: 'object', properties: { id: { type: 'string', description: what } }, required: ['id'] });

/** The page size query parameter: `limit`, documented once. */
export const limitParam = (def: number | undefined, max = 500, what = 'items'): JsonSchema => ({
  type: 'integer', minimum: 1, maximum: max, ...(def !== undefined ? { default: def } : {}), description: `How many ${what} to return (1–${max})`,
});

/** An old name of `limit`, still accepted (see `pageSizeAliases` in parse-query.ts). */
export const kAlias: JsonSchema = { type: 'integer', minimum: 1, maximum: 500, deprecated: true, description: 'Old name of `limit`, still accepted' };

export const cursorParam: JsonSchema = { type: 'string', description: 'The `nextCursor` of the previous page' };
