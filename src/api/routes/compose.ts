/**
 * @module Help for writing posts: `POST /v1/compose/suggest` gives hashtags for a draft and completions of it from
 * the compose language model. Any user token may call it for itself (`author` defaults to the token's subject and
 * may not name anyone else).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { MAX_DRAFT_CHARS } from '../../compose/index.js';
import { createError } from '../../core/errors.js';
import { idSchema } from '../../data/schemas.js';
import type { Engine } from '../../engine/index.js';
import { errors } from '../openapi.js';
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
}
