/**
 * @module Help for writing posts: `POST /v1/compose/suggest` gives hashtags for a draft, `GET
 * /v1/posts/{id}/reply-suggestions` short replies to a post (smart replies). Any user token may call them for itself
 * (`author` / `user` default to the token's subject and may not name anyone else).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_DRAFT_CHARS } from '../../compose/index.js';
import { createError } from '../../core/errors.js';
import { idSchema } from '../../data/schemas.js';
import type { Engine } from '../../engine/index.js';
import { errorSchema } from '../openapi.js';
import { parseQuery } from '../parse-query.js';
import type { Pseudonymization } from '../privacy.js';

const suggestBody = z.object({
  text: z.string().max(MAX_DRAFT_CHARS, `a draft may have at most ${MAX_DRAFT_CHARS} characters`),
  author: idSchema.optional(),
  limit: z.number().int().min(1).max(50).default(5),
});

const replyQuery = z.object({ user: idSchema.optional(), limit: z.coerce.number().int().min(1).max(10).default(3) });

const replySuggestionsOut = {
  type: 'object',
  properties: {
    replies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          text: { type: 'string' },
          score: { type: 'number', description: 'Cosine of the post and reply vectors, plus the personal boost when `user` is given' },
          confidence: { type: 'number', description: 'Calibrated probability (0..1) that a post whose best reply scores this is a real post of the learned threads (below 0.5 for the best reply: nothing is suggested)' },
        },
        required: ['text', 'score', 'confidence'],
      },
    },
    suppressed: { type: 'string', enum: ['low_confidence', 'opted_out'], description: 'Why `replies` is empty, when it is' },
    reason: { type: 'string' },
  },
  required: ['replies'],
  examples: [{ replies: [{ text: 'Thanks, that worked!', score: 0.82, confidence: 0.91 }, { text: 'Still broken for me', score: 0.74, confidence: 0.85 }] }, { replies: [], suppressed: 'low_confidence', reason: 'no reply is confident enough (best 0.31, needs 0.5)' }],
};

const suggestionOut = {
  type: 'object',
  properties: {
    tag: { type: 'string', description: 'Without the leading #' },
    score: { type: 'number', description: 'Probability that the draft carries the tag (0..1)' },
    reason: { type: 'string' },
  },
  required: ['tag', 'score', 'reason'],
};

export function registerComposeRoutes(app: FastifyInstance, engine: Engine, pseudonyms: Pseudonymization): void {
  app.post(
    '/v1/compose/suggest',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['compose'],
        summary: 'Hashtags for a draft post, most likely first, learned from the posts of the serving model version and personalized by the author\'s own tags',
        body: {
          type: 'object',
          properties: {
            text: { type: 'string', description: `The draft (at most ${MAX_DRAFT_CHARS} characters)` },
            author: { type: 'string', description: 'The writer, whose tag history personalizes the suggestions (a user token: its own id, the default)' },
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
          },
          required: ['text'],
          examples: [{ text: 'Fresh basil and tomatoes from the market for tonight\'s pasta', author: 'ana', limit: 3 }],
        },
        response: {
          200: {
            type: 'object',
            properties: { hashtags: { type: 'array', items: suggestionOut } },
            required: ['hashtags'],
            examples: [{ hashtags: [{ tag: 'cooking', score: 0.82, reason: 'posts with “basil”, “pasta” often carry it; you use it in 60% of your tagged posts' }] }],
          },
          400: errorSchema, 403: errorSchema, 409: errorSchema,
        },
      },
    },
    async (request) => {
      const body = parseQuery(suggestBody, request.body);
      if (request.tokenUser !== undefined && body.author !== undefined && body.author !== request.tokenUser) {
        throw createError('FORBIDDEN_USER', { action: 'compose for', field: 'author' });
      }
      const raw = body.author ?? request.tokenUser;
      const author = raw === undefined ? undefined : pseudonyms.id(raw);
      return { hashtags: engine.suggestHashtags(body.text, { limit: body.limit, ...(author !== undefined ? { author } : {}) }) };
    },
  );

  app.get(
    '/v1/posts/:id/reply-suggestions',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['compose'],
        summary: 'Up to `limit` short replies to a post (smart replies), retrieved from the app\'s own past replies by a dual encoder, diverse in intent and personalized by `user`\'s own replies',
        description: 'None, with `suppressed` and `reason`, when `user` switched smart replies off (`smartReplies: false` on the user) or when the best reply is below the calibrated confidence. MODEL_UNAVAILABLE while the suggester cannot be trained (e.g. too few reply threads).',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: {
          type: 'object',
          properties: {
            user: { type: 'string', description: 'Who is replying (a user token: its own id, the default)' },
            limit: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
          },
        },
        response: { 200: replySuggestionsOut, 400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(replyQuery, request.query);
      if (request.tokenUser !== undefined && q.user !== undefined && q.user !== request.tokenUser) {
        throw createError('FORBIDDEN_USER', { action: 'get reply suggestions for', field: 'query parameter "user"' });
      }
      const raw = q.user ?? request.tokenUser;
      const user = raw === undefined ? undefined : pseudonyms.id(raw);
      return engine.replySuggestions(id, { limit: q.limit, ...(user !== undefined ? { user } : {}) });
    },
  );
}
