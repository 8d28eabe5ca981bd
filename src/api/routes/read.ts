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
import { PAGE_SIZE_ALIASES, parseQuery } from '../parse-query.js';
import { cursorParam, errors, exampleItem, examplePost, idParams, itemOut, kAlias, limitParam, pageOut, postOut, type JsonSchema } from '../openapi.js';

const kParam = z.coerce.number().int().min(1).max(500);
// Built once: a zod schema compiles itself on first use, which would otherwise be paid on every request.
const feedQuery = z.object({ cursor: z.string().max(2000).optional(), limit: kParam.optional(), explain: z.enum(['full']).optional() });
const similarQuery = z.object({ limit: kParam.default(10) });
const trendingQuery = z.object({ kind: z.enum(['posts', 'hashtags', 'topics']).default('posts'), limit: kParam.default(20), order: z.enum(['score', 'rising']).default('score') });
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
  example: {
    user: 'ana', posts: 14, windowDays: 30,
    topics: [{ topic: 3, label: 'jazz · live · trio', words: ['jazz', 'live', 'trio', 'saxophone'], share: 0.61, posts: 12, recentPosts: 12, explanation: 'you engaged with 12 posts about jazz · live · trio in the last 30 days' }],
    hashtags: [{ tag: 'jazz', weight: 15, posts: 12, recentPosts: 12, explanation: 'you engaged with 12 posts about #jazz in the last 30 days' }],
    centroid: [{ term: '#jazz', weight: 0.52 }, { term: 'trio', weight: 0.31 }],
    sentiment: { mean: 0.42, label: 'positive', posts: 14, explanation: 'the 14 posts you engaged with are positive on average (weighted sentiment 0.42)' },
  },
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
  description: 'One hit: `post` (type=posts), `user` (type=users) or `tag` (type=hashtags), with its score',
  properties: {
    post: postOut,
    user: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } }, required: ['id'], additionalProperties: true },
    tag: { type: 'string', description: 'Without the leading #' },
    posts: { type: 'integer', description: 'posts by the user / carrying the tag' },
    score: { type: 'number', description: 'Relevance (higher first): the fused score of the lexical and vector rankings' },
  },
  required: ['score'],
  additionalProperties: true,
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
  additionalProperties: true,
  example: { user: 'u42', post: 'p1007', rating: 3.87, model: 'rating/svd', scale: { min: 1, max: 5 } },
};
const proofOut = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['followed-by', 'follows-you', 'shared-interest'] },
    users: { type: 'array', items: { type: 'string' }, description: 'followed-by: accounts the user follows that follow the suggestion' },
    total: { type: 'integer', description: 'followed-by: how many such accounts in all' },
    posts: { type: 'integer', description: 'shared-interest: posts behind the shared interest' },
    tag: { type: 'string', description: 'shared-interest: the hashtag both like' },
  },
  required: ['kind'],
  additionalProperties: true,
};
const suggestionOut = {
  type: 'object',
  properties: {
    userId: { type: 'string' },
    score: { type: 'number', description: "The ranker's probability that the user follows this account" },
    reasons: { type: 'array', items: { type: 'string' }, description: 'The social proof in words' },
    proof: { type: 'array', items: proofOut },
  },
  required: ['userId', 'score', 'reasons', 'proof'],
  additionalProperties: true,
};
const trendingItemOut: JsonSchema = {
  description: 'kind=posts: a ranked post; kind=hashtags: `{ tag, label, score }`; kind=topics: `{ topic, label, words, score, coherence }`',
  anyOf: [
    itemOut,
    { type: 'object', properties: { tag: { type: 'string', description: 'Without the leading #' }, label: { type: 'string', description: '"#tag", for display' }, score: { type: 'number' } }, required: ['tag', 'label', 'score'], additionalProperties: true },
    {
      type: 'object',
      properties: {
        topic: { type: 'integer' }, score: { type: 'number', description: 'Engagement momentum of the topic\'s posts' },
        words: { type: 'array', items: { type: 'string' }, description: 'The top words' }, label: { type: 'string', description: 'The three top words, for display' },
        coherence: { type: 'number' },
      },
      required: ['topic', 'score', 'words', 'label'],
      additionalProperties: true,
    },
  ],
};
const stateOut = { type: 'string', enum: ['off', 'training', 'ready', 'failed'] };
const problemOut = { type: 'object', properties: { model: { type: 'string' }, reason: { type: 'string' } }, required: ['model', 'reason'], additionalProperties: true };
const statsOut: JsonSchema = {
  type: 'object',
  description: 'Store counts, the serving model version and the state of background work',
  properties: {
    users: { type: 'integer' }, posts: { type: 'integer' }, follows: { type: 'integer' }, events: { type: 'integer' },
    trainedAt: { type: ['string', 'null'], description: 'When the serving models were trained (ISO-8601), null before' },
    models: { type: 'array', items: { type: 'string' } },
    modelVersion: {
      anyOf: [{ type: 'object', properties: { version: { type: 'integer' }, createdAt: { type: 'string', description: 'ISO-8601' }, validation: { type: 'object', additionalProperties: true } }, required: ['version', 'createdAt'], additionalProperties: true }, { type: 'null' }],
      description: 'The serving saved version (null before the first training or for an unsaved one)',
    },
    retraining: { type: 'string', enum: ['idle', 'running', 'failed'] },
    lastRetrainError: { type: ['string', 'null'] },
    feedSources: { type: 'array', items: { type: 'object', properties: { key: { type: 'string' }, weight: { type: 'number' } }, required: ['key', 'weight'] } },
    ranker: stateOut, behavior: stateOut, topics: stateOut,
    problems: { type: 'array', items: problemOut, description: 'Background models that could not be trained, with the reason' },
    datasetUsers: { type: 'integer' }, datasetItems: { type: 'integer' },
    materializedFeeds: { type: 'integer', description: 'Users whose first page is precomputed in memory' },
    impressions: { type: 'object', additionalProperties: true, description: 'This process\'s impression log: rows written, pending, dropped, failed flushes' },
    feedback: { type: 'object', additionalProperties: true, description: 'How events\' request ids joined served impressions since start: joined, unknown, malformed' },
  },
  required: ['users', 'posts', 'follows', 'events', 'trainedAt', 'models', 'modelVersion', 'retraining'],
  additionalProperties: true,
  example: {
    users: 1200, posts: 48210, follows: 9034, events: 310552, trainedAt: '2026-01-01T03:00:12.345Z', models: ['als', 'popular/decay'],
    modelVersion: { version: 3, createdAt: '2026-01-01T03:00:12.345Z' }, retraining: 'idle', lastRetrainError: null,
    feedSources: [{ key: 'als', weight: 1 }, { key: 'popular/decay', weight: 0.3 }], ranker: 'ready', behavior: 'ready', topics: 'ready', problems: [],
    datasetUsers: 1187, datasetItems: 47001, materializedFeeds: 100, impressions: { written: 5400, pending: 0, dropped: 0, failedFlushes: 0 }, feedback: { joined: 812, unknown: 3, malformed: 0 },
  },
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
        params: idParams('The user'),
        querystring: { type: 'object', properties: { cursor: cursorParam, limit: limitParam(undefined, 500, 'posts per page (default `feed.pageSize`, 20; later pages keep the size of the first)'), explain: { type: 'string', enum: ['full'], description: 'Attach score attributions to each item (slower: ranks afresh)' } } },
        response: {
          200: pageOut(
            { requestId: '0b9e6c1e-2f7d-4a8e-9a55-3c1d2e4f5a6b', items: [exampleItem], nextCursor: 'eyJvIjoyMCwibiI6MjAsInMiOjE3NjcyMjU2MDAwMDAsInUiOiJhYmNkZWZnaCJ9' },
            { requestId: { type: 'string', description: 'Send it back as `request_id` on the events that answer this page' } },
          ),
          ...errors(400, 404, 409),
        },
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
        params: idParams('The user'),
        querystring: { type: 'object', properties: { limit: limitParam(20, 500, 'accounts') } },
        response: {
          200: {
            type: 'object',
            properties: { user: { type: 'string' }, items: { type: 'array', items: suggestionOut } },
            required: ['user', 'items'],
            additionalProperties: true,
            example: { user: 'u7', items: [{ userId: 'u42', score: 0.71, reasons: ['followed by @u3 and @u9 you follow'], proof: [{ kind: 'followed-by', users: ['u3', 'u9'], total: 4 }] }] },
          },
          ...errors(400, 404, 409),
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
        params: idParams('The user'),
        response: { 200: profileOut, ...errors(400, 404, 409) },
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
        params: idParams('The user'),
        querystring: { type: 'object', properties: { post: { type: 'string', description: 'The post to rate' } }, required: ['post'] },
        response: { 200: predictedRatingOut, ...errors(400, 404, 409, 422) },
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
        params: idParams('The user'),
        response: {
          200: {
            type: 'object',
            properties: {
              user: { type: 'string' },
              nextAction: { type: 'object', additionalProperties: { type: 'number' }, description: 'Calibrated probability of each event type being the next action' },
              churnRisk: { type: 'number', description: 'Calibrated probability of no event in the next 7 days' },
            },
            required: ['user', 'nextAction', 'churnRisk'],
            additionalProperties: true,
            example: { user: 'u42', nextAction: { view: 0.61, like: 0.27, share: 0.04, comment: 0.08 }, churnRisk: 0.12 },
          },
          ...errors(404, 409),
        },
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
        summary: 'Posts similar to a post (by the models of `feed.similar`), best first',
        params: idParams('The post'),
        querystring: { type: 'object', properties: { limit: limitParam(10, 500, 'posts'), k: kAlias } },
        response: {
          200: { type: 'object', properties: { items: { type: 'array', items: itemOut } }, required: ['items'], additionalProperties: true, example: { items: [{ ...exampleItem, postId: 'p1012', source: 'similar', sources: ['similar'], explanation: 'Similar to a post you viewed', post: { ...examplePost, id: 'p1012', text: 'Rye starter, day 5: finally bubbly' } }] } },
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(similarQuery, request.query, PAGE_SIZE_ALIASES);
      return { items: await engine.similarPosts(id, q.limit) };
    },
  );

  app.get(
    '/v1/trending',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['recommend'],
        summary: 'What is trending now: posts, hashtags (kind=hashtags), or topics with their top words (kind=topics); hashtags and topics carry their burst score (`burst`, `rising`), and order=rising lists only those rising in the last hour, by burst score',
        querystring: { type: 'object', properties: { kind: { type: 'string', enum: ['posts', 'hashtags', 'topics'], default: 'posts', description: 'What to rank' }, limit: limitParam(20), k: kAlias, order: { type: 'string', enum: ['score', 'rising'], default: 'score', description: 'score: decayed popularity; rising: only hashtags or topics rising in the last hour, by burst score' } } },
        response: {
          200: {
            type: 'object',
            properties: { kind: { type: 'string', enum: ['posts', 'hashtags', 'topics'] }, order: { type: 'string', enum: ['score', 'rising'], description: 'Absent for kind=posts' }, items: { type: 'array', items: trendingItemOut } },
            required: ['kind', 'items'],
            additionalProperties: true,
            example: { kind: 'hashtags', order: 'score', items: [{ tag: 'baking', label: '#baking', score: 41.2, burst: 3.1, rising: true }, { tag: 'running', label: '#running', score: 17.9, burst: 0.4, rising: false }] },
          },
          ...errors(400),
        },
      },
    },
    async (request) => {
      const q = parseQuery(trendingQuery, request.query, PAGE_SIZE_ALIASES);
      const items = q.kind === 'posts' ? await engine.trendingPosts(q.limit) : q.kind === 'hashtags' ? await engine.trendingHashtags(q.limit, q.order) : engine.trendingTopics(q.limit, q.order);
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
            q: { type: 'string', description: 'The query (1–512 characters)', example: 'sourdough rye -bread #baking' },
            limit: limitParam(20, 500, 'hits'),
            type: { type: 'string', enum: ['posts', 'users', 'hashtags'], default: 'posts', description: 'What to search' },
            user: { type: 'string', description: 'The searching user, to personalize posts and people' },
            fusion: { type: 'string', enum: ['rrf', 'blend'], description: 'How lexical and vector rankings are fused (default: `search.fusion`)' },
          },
          required: ['q'],
        },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: searchItemOut } },
            required: ['items'],
            additionalProperties: true,
            example: { items: [{ post: examplePost, score: 0.0325 }] },
          },
          ...errors(400, 403),
        },
      },
    },
    async (request) => {
      const q = parseQuery(searchQuery, request.query);
      if (q.user !== undefined && request.tokenUser !== undefined && q.user !== request.tokenUser) throw createError('FORBIDDEN_USER', { action: 'read', field: 'query parameter "user"' });
      return { items: await engine.search({ q: q.q, limit: q.limit, type: q.type, ...(q.user !== undefined ? { user: q.user } : {}), ...(q.fusion ? { fusion: q.fusion } : {}) }) };
    },
  );

  app.get('/v1/stats', { config: { scope: 'read' }, schema: { tags: ['admin'], summary: 'Dataset counts and training state', response: { 200: statsOut } } }, async () => {
    return engine.stats();
  });

  app.get(
    '/v1/users',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['admin'],
        summary: 'A sample of user ids (most active first, from the serving snapshot), for the dashboard',
        querystring: { type: 'object', properties: { limit: limitParam(50, 500, 'users') } },
        response: {
          200: {
            type: 'object',
            properties: { items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, interactions: { type: 'integer', description: 'Interactions in the snapshot' } }, required: ['id', 'interactions'] } } },
            required: ['items'],
            example: { items: [{ id: 'u42', interactions: 318 }, { id: 'u7', interactions: 206 }] },
          },
          ...errors(400),
        },
      },
    },
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
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Retrain in the background (a child process for a file store) and swap the new version in; 202 at once, progress in /v1/stats',
        response: { 202: { type: 'object', properties: { retraining: { type: 'string', enum: ['running'] } }, required: ['retraining'], example: { retraining: 'running' } } },
      },
    },
    async (_request, reply) => {
      // Never on the request loop: the answer comes at once, the training runs out of it (one at a time).
      void engine.retrain();
      return reply.status(202).send({ retraining: 'running' });
    },
  );

  const healthOut = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ok'] },
      trained: { type: 'boolean', description: 'Whether models serve (false before the first training or load)' },
      store: { type: 'string', description: 'The store backend: sqlite or postgres' },
      cache: { type: 'string', description: 'Where shared state lives: memory or redis' },
      modelVersion: { type: ['integer', 'null'], description: 'The serving saved version' },
      problems: { type: 'array', items: problemOut, description: 'Background models that could not be trained, with the reason' },
    },
    required: ['status', 'trained', 'store', 'cache', 'modelVersion', 'problems'],
    example: { status: 'ok', trained: true, store: 'sqlite', cache: 'memory', modelVersion: 3, problems: [] },
  };
  app.get('/health', { config: { public: true }, schema: { tags: ['admin'], summary: 'Liveness and readiness (no key needed; reads no table)', security: [], response: { 200: healthOut } } }, async () => {
    const r = engine.runtime();
    // Background models that could not be trained, with the reason: the service is up, these parts are not.
    return { status: 'ok', trained: engine.dataset !== undefined, store: engine.store.kind, cache: engine.shared.kind, modelVersion: r.modelVersion, problems: r.problems.map(({ model, reason }) => ({ model, reason })) };
  });
}
