/**
 * @module JSON Schemas for the OpenAPI document, generated from the same zod schemas that validate input.
 */
import { z } from 'zod';
import { eventSchema, followSchema, postSchema, userSchema } from '../data/schemas.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

export const rowSchemas: Record<'users' | 'posts' | 'follows' | 'events', JsonSchema> = {
  users: toSchema(userSchema),
  posts: toSchema(postSchema),
  follows: toSchema(followSchema),
  events: toSchema(eventSchema),
};

export const errorSchema: JsonSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' }, statusCode: { type: 'integer' } },
  required: ['error', 'code', 'message', 'statusCode'],
};

export const postOut: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' }, author: { type: 'string' }, text: { type: 'string' }, created_at: { type: 'number' },
    tags: { type: 'array', items: { type: 'string' } }, reply_to: { type: ['string', 'null'] }, lang: { type: ['string', 'null'] },
  },
  additionalProperties: true,
};
