/**
 * @module Help for writing posts: `POST /v1/compose/suggest` gives hashtags for a draft and completions of it from
 * the compose language model, `GET /v1/posts/{id}/reply-suggestions` short replies to a post (smart replies). Any
 * user token may call them for itself (`author` / `user` default to the token's subject and may not name anyone else).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_DRAFT_CHARS } from '../../compose/index.js';
import { createError } from '../../core/errors.js';
import { idSchema } from '../../data/schemas.js';
import type { Engine } from '../../engine/index.js';
import { errors, idParams } from '../openapi.js';
import { parseQuery } from '../parse-query.js';
import type { Pseudonymization } from '../privacy.js';

const suggestBody = z.object({
  text: z.string().max(MAX_DRAFT_CHARS, `a draft may have at most ${MAX_DRAFT_CHARS} characters`),
  author: idSchema.optional(),
  limit: z.number().int().min(1).max(50).default(5),
  completions: z.number().int().min(0).max(10).optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  maxTokens: z.number().int().min(1).max(40).optional(),
});

const completionOut = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'The words that follow the draft' },
    logProb: { type: 'number', description: 'Natural-log probability of those words (and of the end of the post, when it ends there) under the language model' },
  },
  required: ['text', 'logProb'],
};

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
  example: { replies: [{ text: 'Thanks, that worked!', score: 0.82, confidence: 0.91 }, { text: 'Still broken for me', score: 0.74, confidence: 0.85 }] },
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
        summary: 'Hashtags for a draft post, most likely first, learned from the posts of the serving model version and personalized by the author\'s own tags; and completions of the draft from a language model of those posts',
        body: {
          type: 'object',
          properties: {
            text: { type: 'string', description: `The draft (at most ${MAX_DRAFT_CHARS} characters)` },
            author: { type: 'string', description: 'The writer, whose tag history personalizes the suggestions (a user token: its own id, the default)' },
            limit: { type: 'integer', minimum: 1, maximum: 50, default: 5, description: 'How many hashtags to return (1–50)' },
            completions: { type: 'integer', minimum: 0, maximum: 10, description: 'Completions wanted (default compose.completions; 0: none)' },
            temperature: { type: 'number', minimum: 0, maximum: 2, description: 'Sampling temperature (0: greedy; default compose.temperature)' },
            topP: { type: 'number', exclusiveMinimum: 0, maximum: 1, description: 'Nucleus mass (default compose.topP)' },
            maxTokens: { type: 'integer', minimum: 1, maximum: 40, description: 'Most words per completion (default compose.maxTokens)' },
          },
          required: ['text'],
          example: { text: 'Fresh basil and tomatoes from the market for tonight\'s pasta', author: 'u42', limit: 3 },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              hashtags: { type: 'array', items: suggestionOut },
              completions: { type: 'array', items: completionOut, description: 'Most probable first' },
              completionsUnavailable: { type: 'string', description: 'Why no completion is given (the model is still training, turned off or failed, or every sample was filtered)' },
            },
            required: ['hashtags', 'completions'],
            example: { hashtags: [{ tag: 'cooking', score: 0.82, reason: 'posts with “basil”, “pasta” often carry it; you use it in 60% of your tagged posts' }], completions: [{ text: 'with fresh mozzarella', logProb: -6.1 }] },
          },
          ...errors(400, 403, 409),
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
      const { text, author: _asked, ...settings } = body;
      return engine.composeSuggest(text, { ...settings, ...(author !== undefined ? { author } : {}) });
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
        params: idParams('The post replied to'),
        querystring: {
          type: 'object',
          properties: {
            user: { type: 'string', description: 'Who is replying (a user token: its own id, the default)' },
            limit: { type: 'integer', minimum: 1, maximum: 10, default: 3, description: 'Most replies to suggest (1–10)' },
          },
        },
        response: { 200: replySuggestionsOut, ...errors(400, 403, 404, 409) },
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
