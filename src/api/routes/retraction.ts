/**
 * @module Retraction (src/engine/retraction.ts): `DELETE /v1/posts/{id}`, `PATCH /v1/posts/{id}` and
 * `DELETE /v1/events/{id}`. A write key may retract any row; a user token only its own (`ownRows`: the engine
 * checks the stored post's author or event's user against the token's subject, pseudonymized when that is on).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine/index.js';
import { errorSchema, idParams, postOut } from '../openapi.js';
import type { Pseudonymization } from '../privacy.js';


const deletedOut = {
  type: 'object',
  properties: { post: { type: 'string' }, author: { type: 'string' }, deletedAt: { type: 'number' } },
  required: ['post', 'author', 'deletedAt'],
  examples: [{ post: 'p42', author: 'ana', deletedAt: 1767229300000 }],
};

const undoneOut = {
  type: 'object',
  properties: { event: { type: 'string' }, user: { type: 'string' }, type: { type: 'string' }, unfollowed: { type: 'string' } },
  required: ['event', 'user', 'type'],
  examples: [{ event: 'e-like-17', user: 'ana', type: 'like' }],
};

const patchBody = {
  type: 'object',
  properties: {
    text: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' } },
    features: { type: 'object', additionalProperties: true },
    lang: { type: ['string', 'null'] },
    author: { type: 'string', description: 'Only the post\'s own author is accepted: an author never changes' },
  },
  example: { text: 'Sourdough at dawn #baking (edited)', tags: ['baking'] },
};

export function registerRetractionRoutes(app: FastifyInstance, engine: Engine, pseudonyms: Pseudonymization): void {
  // The requester as the engine stores user ids: a service key may retract any row.
  const by = (request: FastifyRequest): { user?: string } =>
    request.tokenUser === undefined ? {} : { user: pseudonyms.enabled ? pseudonyms.id(request.tokenUser) : request.tokenUser };

  app.delete('/v1/posts/:id', {
    config: { scope: 'write', ownRows: true },
    schema: {
      tags: ['ingest'],
      summary: 'Delete a post with every event on it: it leaves every feed, reply list, search and trending list at the next request, and the models unlearn it. A user token may delete its own posts',
      params: idParams('The post'),
      response: { 200: deletedOut, 400: errorSchema, 403: errorSchema, 404: errorSchema, 410: errorSchema },
    },
  }, async (request) => engine.deletePost((request.params as { id: string }).id, by(request)));

  app.patch('/v1/posts/:id', {
    config: { scope: 'write', ownRows: true },
    schema: {
      tags: ['ingest'],
      summary: 'Edit a post\'s text, tags, features or language (validated like a new post; tags, sentiment and language follow an edited text). A user token may edit its own posts',
      params: idParams('The post'),
      body: patchBody,
      response: {
        200: { ...postOut, examples: [{ id: 'p42', author: 'ana', text: 'Sourdough at dawn #baking (edited)', created_at: 1767225600000, tags: ['baking'], lang: 'en' }] },
        400: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 410: errorSchema,
      },
    },
  }, async (request) => engine.editPost((request.params as { id: string }).id, request.body, by(request)));

  app.delete('/v1/events/:id', {
    config: { scope: 'write', ownRows: true },
    schema: {
      tags: ['ingest'],
      summary: 'Undo an event (unlike, unshare, unfollow of a follow event, …): it is deleted, the actor\'s feed follows at the next request, the models at their next retraining. A user token may undo its own events',
      params: idParams('The event'),
      response: { 200: undoneOut, 400: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => engine.undoEvent((request.params as { id: string }).id, by(request)));
}
