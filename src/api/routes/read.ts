/**
 * @module Read routes: feed, who-to-follow, similar posts, trending, search, stats, users sample for the dashboard.
 *
 * `config.user: 'id'` marks a user's own data (a user token may read it when `id` is its subject; pseudonymized
 * when pseudonymization is on); `config.anyUser` marks shared reads any user token may make (auth.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { createError } from '../../core/errors.js';
import { parseQuery } from '../parse-query.js';
import { errorSchema, postOut } from '../openapi.js';


const kParam = z.coerce.number().int().min(1).max(500);
// Built once: a zod schema compiles itself on first use, which would otherwise be paid on every request.
const feedQuery = z.object({ cursor: z.string().max(2000).optional(), limit: kParam.optional(), explain: z.enum(['full']).optional() });
const similarQuery = z.object({ k: kParam.default(10) });
const trendingQuery = z.object({ kind: z.enum(['posts', 'hashtags', 'topics']).default('posts'), k: kParam.default(20), order: z.enum(['score', 'rising']).default('score') });
const explained = (props: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', properties: { ...props, explanation: { type: 'string' } } });
const profileOut = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    posts: { type: 'integer', description: 'posts the profile is made of (engaged with, since the snapshot included)' },
    windowDays: { type: 'integer' },
    topics: { type: 'array', items: explained({ topic: { type: 'integer' }, label: { type: 'string' }, words: { type: 'array', items: { type: 'string' } }, share: { type: 'number', description: 'share of the topic mixture' }, posts: { type: 'integer' }, recentPosts: { type: 'integer' } }) },
    hashtags: { type: 'array', items: explained({ tag: { type: 'string' }, weight: { type: 'number' }, posts: { type: 'integer' }, recentPosts: { type: 'integer' } }) },
    centroid: { type: 'array', items: { type: 'object', properties: { term: { type: 'string' }, weight: { type: 'number' } } } },
    sentiment: explained({ mean: { type: ['number', 'null'] }, label: { type: 'string', enum: ['positive', 'negative', 'neutral', 'unknown'] }, posts: { type: 'integer' } }),
  },
  required: ['user', 'posts', 'windowDays', 'topics', 'hashtags', 'centroid', 'sentiment'],
  examples: [{
    user: 'ana', posts: 14, windowDays: 30,
    topics: [{ topic: 3, label: 'jazz · live · trio', words: ['jazz', 'live', 'trio', 'saxophone'], share: 0.61, posts: 12, recentPosts: 12, explanation: 'you engaged with 12 posts about jazz · live · trio in the last 30 days' }],
    hashtags: [{ tag: 'jazz', weight: 15, posts: 12, recentPosts: 12, explanation: 'you engaged with 12 posts about #jazz in the last 30 days' }],
    centroid: [{ term: '#jazz', weight: 0.52 }, { term: 'trio', weight: 0.31 }],
    sentiment: { mean: 0.42, label: 'positive', posts: 14, explanation: 'the 14 posts you engaged with are positive on average (weighted sentiment 0.42)' },
  }],
};
const searchQuery = z.object({
  q: z.string().min(1, 'must not be empty').max(512),
  limit: kParam.default(20),
  type: z.enum(['posts', 'users', 'hashtags']).default('posts'),
  user: z.string().min(1).max(256).optional(),
  fusion: z.enum(['rrf', 'blend']).optional(),
});
const searchItemOut = {
  type: 'object',
  properties: {
    post: postOut,
    user: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
    tag: { type: 'string' },
    posts: { type: 'integer', description: 'posts by the user / carrying the tag' },
    score: { type: 'number' },
  },
};
const usersQuery = z.object({ limit: kParam.default(50) });
const whoToFollowQuery = z.object({ limit: kParam.default(20) });
const predictedRatingQuery = z.object({ post: z.string().min(1, 'must name a post').max(256) });
const predictedRatingOut = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    post: { type: 'string' },
    rating: { type: 'number', description: 'the prediction clipped to the rating scale' },
    model: { type: 'string', description: 'the rating model (`ratings.model`)' },
    scale: { type: 'object', properties: { min: { type: 'number' }, max: { type: 'number' } }, required: ['min', 'max'] },
    rated: { type: 'number', description: "the user's own rating of the post in the serving snapshot, when there is one" },
  },
  required: ['user', 'post', 'rating', 'model', 'scale'],
  example: { user: '196', post: '242', rating: 3.87, model: 'rating/svd', scale: { min: 1, max: 5 } },
};
const proofOut = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['followed-by', 'follows-you', 'shared-interest'] },
    users: { type: 'array', items: { type: 'string' } },
    total: { type: 'integer' },
    posts: { type: 'integer' },
    tag: { type: 'string' },
  },
  required: ['kind'],
};
const suggestionOut = {
  type: 'object',
  properties: { userId: { type: 'string' }, score: { type: 'number' }, reasons: { type: 'array', items: { type: 'string' } }, proof: { type: 'array', items: proofOut } },
  required: ['userId', 'score', 'reasons', 'proof'],
};
const serializedPages = new WeakMap<object, string>();

export function registerReadRoutes(app: FastifyInstance, engine: Engine): void {
  app.get(
    '/v1/users/:id/feed',
    {
      config: { scope: 'read', user: 'id' },
      schema: {
        tags: ['recommend'],
        summary: "A user's personalized feed, one page at a time, each item with its source and a human explanation",
        description:
          'Each response has a `requestId`; send it back as `request_id` on the events that answer this page (a like, a hide, dwell) so they join the served impressions. Events with an unknown or malformed `request_id` are stored all the same. With `explain=full` the list is ranked afresh (not from cache) and each item carries `attribution`: the baseline score, and the Shapley contribution of each candidate source, of freshness and of each engagement-ranker head, which sum to the item\'s score minus the baseline.',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: { type: 'object', properties: { cursor: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 500 }, explain: { type: 'string', enum: ['full'], description: 'Attach score attributions to each item (slower: ranks afresh)' } } },
        response: { 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(feedQuery, request.query);
      const page = await engine.feed(id, { cursor: q.cursor, pageSize: q.limit, ...(q.explain ? { explain: q.explain } : {}) });
      // A page served from memory has the same items each time: serialize them once; each response adds its id.
      let body = serializedPages.get(page.items);
      if (body === undefined) {
        body = JSON.stringify({ items: page.items, nextCursor: page.nextCursor });
        serializedPages.set(page.items, body);
      }
      if (page.requestId !== undefined) body = `{"requestId":${JSON.stringify(page.requestId)},${body.slice(1)}`;
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.get(
    '/v1/users/:id/who-to-follow',
    {
      config: { scope: 'read', user: 'id' },
      schema: {
        tags: ['recommend'],
        summary: 'Accounts a user may want to follow, best first, each with its social proof ("followed by @a and @b you follow", "you both like #tag"); never the user, accounts they follow or erased accounts',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 500 } } },
        response: {
          200: { type: 'object', properties: { user: { type: 'string' }, items: { type: 'array', items: suggestionOut } }, required: ['user', 'items'] },
          400: errorSchema, 404: errorSchema, 409: errorSchema,
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(whoToFollowQuery, request.query);
      return { user: id, items: await engine.whoToFollow(id, { limit: q.limit }) };
    },
  );

  app.get(
    '/v1/users/:id/profile',
    {
      config: { scope: 'read', user: 'id' },
      schema: {
        tags: ['recommend'],
        summary: "A user's interest profile (the one the feed's fresh source ranks with, their engagement since the last training included): topic mixture, top hashtags, embedding centroid and sentiment tendency, each explained",
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 200: profileOut, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return engine.interestProfile(id);
    },
  );

  app.get(
    '/v1/users/:id/predicted-rating',
    {
      config: { scope: 'read', user: 'id' },
      schema: {
        tags: ['recommend'],
        summary: "The rating a user would give a post, predicted by the rating model of `ratings.model` (fitted on the serving snapshot's rating events) and clipped to the rating scale",
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: { type: 'object', properties: { post: { type: 'string' } }, required: ['post'] },
        response: { 200: predictedRatingOut, 400: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(predictedRatingQuery, request.query);
      return engine.predictedRating(id, q.post);
    },
  );

  app.get(
    '/v1/users/:id/behavior',
    {
      config: { scope: 'read', user: 'id' },
      schema: {
        tags: ['recommend'],
        summary: "A user's predicted next action (probability per event type) and churn risk (no activity in the next 7 days), calibrated",
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        response: { 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      return { user: id, ...engine.behavior(id) };
    },
  );

  app.get(
    '/v1/posts/:id/similar',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['recommend'],
        summary: 'Posts similar to a post',
        params: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        querystring: { type: 'object', properties: { k: { type: 'integer', minimum: 1, maximum: 500 } } },
        response: { 404: errorSchema },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(similarQuery, request.query);
      return { items: await engine.similarPosts(id, q.k) };
    },
  );

  app.get(
    '/v1/trending',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['recommend'],
        summary: 'What is trending now: posts, hashtags (kind=hashtags), or topics with their top words (kind=topics); hashtags and topics carry their burst score (`burst`, `rising`), and order=rising lists only those rising in the last hour, by burst score',
        querystring: { type: 'object', properties: { kind: { type: 'string', enum: ['posts', 'hashtags', 'topics'] }, k: { type: 'integer', minimum: 1, maximum: 500 }, order: { type: 'string', enum: ['score', 'rising'] } } },
      },
    },
    async (request) => {
      const q = parseQuery(trendingQuery, request.query);
      const items = q.kind === 'posts' ? await engine.trendingPosts(q.k) : q.kind === 'hashtags' ? await engine.trendingHashtags(q.k, q.order) : engine.trendingTopics(q.k, q.order);
      return { kind: q.kind, ...(q.kind === 'posts' ? {} : { order: q.order }), items };
    },
  );

  app.get(
    '/v1/search',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['search'],
        summary: 'Search posts (hybrid BM25 + word2vec vectors), people or hashtags',
        description: 'q understands "phrases", -negation, #tags, @mentions, from:handle, since:/until: dates and lang:code. With user, results are personalized (interest centroid, accounts followed); a user token may only name itself.',
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string' },
            limit: { type: 'integer', minimum: 1, maximum: 500 },
            type: { type: 'string', enum: ['posts', 'users', 'hashtags'] },
            user: { type: 'string' },
            fusion: { type: 'string', enum: ['rrf', 'blend'] },
          },
          required: ['q'],
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: searchItemOut } },
            example: { items: [{ post: { id: 'p1', author: 'ana', text: 'Sourdough with rye', created_at: 1717200000000, tags: ['baking'] }, score: 0.0325 }] },
          },
          400: errorSchema,
        },
      },
    },
    async (request) => {
      const q = parseQuery(searchQuery, request.query);
      if (q.user !== undefined && request.tokenUser !== undefined && q.user !== request.tokenUser) throw createError('FORBIDDEN_USER', { action: 'read', field: 'query parameter "user"' });
      return { items: await engine.search({ q: q.q, limit: q.limit, type: q.type, ...(q.user !== undefined ? { user: q.user } : {}), ...(q.fusion ? { fusion: q.fusion } : {}) }) };
    },
  );

  app.get('/v1/stats', { config: { scope: 'read' }, schema: { tags: ['admin'], summary: 'Dataset counts and training state' } }, async () => {
    return engine.stats();
  });

  app.get(
    '/v1/users',
    { config: { scope: 'read' }, schema: { tags: ['admin'], summary: 'A sample of user ids (most active first), for the dashboard', querystring: { type: 'object', properties: { limit: { type: 'integer' } } } } },
    async (request) => {
      const q = parseQuery(usersQuery, request.query);
      const d = engine.dataset;
      if (!d) return { items: [] };
      const rows = Array.from({ length: d.users.size }, (_, u) => ({ id: d.users.id(u), interactions: d.interactions.indptr[u + 1]! - d.interactions.indptr[u]! }));
      rows.sort((a, b) => b.interactions - a.interactions || a.id.localeCompare(b.id));
      return { items: rows.slice(0, q.limit) };
    },
  );

  app.post(
    '/v1/admin/train',
    { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'Retrain in the background (a child process for a file store) and swap the new version in; 202 at once, progress in /v1/stats' } },
    async (_request, reply) => {
      // Never on the request loop: the answer comes at once, the training runs out of it (one at a time).
      void engine.retrain();
      return reply.status(202).send({ retraining: 'running' });
    },
  );

  app.get('/health', { config: { public: true }, schema: { tags: ['admin'], summary: 'Liveness and readiness (no key needed; reads no table)', security: [] } }, async () => {
    const r = engine.runtime();
    // Background models that could not be trained, with the reason: the service is up, these parts are not.
    return { status: 'ok', trained: engine.dataset !== undefined, store: engine.store.kind, cache: engine.shared.kind, modelVersion: r.modelVersion, problems: r.problems.map(({ model, reason }) => ({ model, reason })) };
  });
}
