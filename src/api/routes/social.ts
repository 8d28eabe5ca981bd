/**
 * @module Social safety and threads: mute and block accounts, mute words and #hashtags, "show less like this"
 * (each written as an event of the user, so `POST /v1/events` does the same and erasure, export and migration cover
 * them), the user's rules, the replies of a post, the Following feed, and the admin moderation queue with
 * takedowns. A mute, block or show-less is honoured by the user's very next request. With pseudonymization on,
 * send mutes and blocks of other accounts through `POST /v1/events` (its rows are pseudonymized whole).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { idSchema, LIMITS, type EventInput } from '../../data/schemas.js';
import type { Engine } from '../../engine/index.js';
import { normalizeMutedWord, type SafetyRules } from '../../feed/safety.js';
import { REPLY_ORDERS } from '../../feed/threads.js';
import type { Pseudonymization } from '../privacy.js';
import { cursorParam, epochMs, errors, examplePost, idParams as idParamsOf, limitParam, pageOut, postOut } from '../openapi.js';
import { parseQuery } from '../parse-query.js';

const idParams = idParamsOf('The user');
const postParams = idParamsOf('The post');
const targetParams = { type: 'object', properties: { id: { type: 'string', description: 'The user' }, target: { type: 'string', description: 'The other account' } }, required: ['id', 'target'] } as const;
const limit = z.coerce.number().int().min(1).max(500);
const pageQuery = z.object({ cursor: z.string().max(2000).optional(), limit: limit.optional() });
const repliesQuery = pageQuery.extend({ order: z.enum(REPLY_ORDERS).default('ranked'), viewer: idSchema.optional() });
const reportsQuery = z.object({ limit: limit.default(50) });
const targetBody = z.strictObject({ target: idSchema });
const muteBody = z.union([z.strictObject({ target: idSchema }), z.strictObject({ word: z.string().min(1).max(LIMITS.mutedWordChars) })]);
const wordsBody = z.strictObject({ words: z.array(z.string().min(1).max(LIMITS.mutedWordChars)) });
const showLessBody = z.strictObject({ post: idSchema, source: z.string().min(1).max(128).optional() });
const takedownBody = z.strictObject({ reason: z.string().max(1000).optional() }).optional();

const rulesOut = {
  type: 'object',
  properties: {
    user: { type: 'string' },
    muted: { type: 'array', items: { type: 'string' } },
    blocked: { type: 'array', items: { type: 'string' } },
    mutedWords: { type: 'array', items: { type: 'string' } },
    showLess: { type: 'integer', description: 'negative signals (show less, hide, report) damping similar posts' },
  },
  required: ['user', 'muted', 'blocked', 'mutedWords', 'showLess'],
  example: { user: 'u42', muted: ['u13'], blocked: ['u666'], mutedWords: ['#spoilers', 'crypto'], showLess: 3 },
};
const tallyProps = {
  reports: { type: 'integer', description: 'Report events' },
  reporters: { type: 'integer', description: 'Distinct users who reported' },
  lastReportedAt: epochMs('The latest report'),
  reasons: { type: 'array', items: { type: 'string' }, description: 'The reports\' texts' },
};

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw createError('INVALID_INPUT', { field: ['body', ...issue.path.map(String)].join('.'), problem: issue.message });
  }
  return r.data;
}

function rulesView(r: SafetyRules): unknown {
  return { user: r.userId, muted: [...r.muted].sort(), blocked: [...r.blocked].sort(), mutedWords: [...r.mutedWords].sort(), showLess: r.negativePosts.length };
}

/** Who asked, for the audit log: the verified key's name (never its secret); `open` on an open server. */
function actor(request: FastifyRequest): string {
  return request.apiKeyId === undefined ? 'open' : `key:${request.apiKeyId}`;
}

export function registerSocialRoutes(app: FastifyInstance, engine: Engine, pseudonyms: Pseudonymization): void {
  /**
   * Writes the user's events through the ingest path (validated, invalidating their pages), then answers their
   * rules. The path's user id is already pseudonymized (privacy.ts); a target account is mapped here.
   */
  const act = async (user: string, events: Omit<EventInput, 'id' | 'user' | 'timestamp'>[]): Promise<unknown> => {
    const timestamp = Date.now();
    const rows = events.map((e) => ({ ...e, ...(e.target_user !== undefined ? { target_user: pseudonyms.id(e.target_user) } : {}), id: randomUUID(), user, timestamp }));
    if (rows.length > 0) await engine.ingest('events', rows);
    return rulesView(await engine.safety(user));
  };
  const write = (summary: string, body?: unknown, params: unknown = idParams) => ({
    config: { scope: 'write' as const, user: 'id' },
    schema: { tags: ['safety'], summary, params, ...(body ? { body } : {}), response: { 200: rulesOut, ...errors(400, 404, 422) } },
  });

  app.get('/v1/users/:id/safety', { config: { scope: 'read', user: 'id' }, schema: { tags: ['safety'], summary: "A user's muted and blocked accounts and muted words and #hashtags", params: idParams, response: { 200: rulesOut, ...errors(404, 409) } } }, async (request) => {
    return rulesView(await engine.safety((request.params as { id: string }).id));
  });

  app.post('/v1/users/:id/mutes', write('Mute an account ({"target"}) or a word or #hashtag ({"word"}): none of their posts reach the user from the next request on', { type: 'object', description: 'One of `target` and `word`', properties: { target: { type: 'string', description: 'The account to mute' }, word: { type: 'string', description: 'A word or #hashtag (at most 100 characters)' } }, example: { word: '#spoilers' } }), async (request) => {
    const { id } = request.params as { id: string };
    const b = parseBody(muteBody, request.body);
    return act(id, ['target' in b ? { type: 'mute', target_user: b.target } : { type: 'mute', text: b.word }]);
  });

  app.delete('/v1/users/:id/mutes/:target', write('Unmute an account', undefined, targetParams), async (request) => {
    const { id, target } = request.params as { id: string; target: string };
    return act(id, [{ type: 'unmute', target_user: target }]);
  });

  app.post('/v1/users/:id/blocks', write('Block an account: its posts leave every feed, reply list and who-to-follow list of the user', { type: 'object', properties: { target: { type: 'string', description: 'The account to block' } }, required: ['target'], example: { target: 'u666' } }), async (request) => {
    const { id } = request.params as { id: string };
    return act(id, [{ type: 'block', target_user: parseBody(targetBody, request.body).target }]);
  });

  app.delete('/v1/users/:id/blocks/:target', write('Unblock an account', undefined, targetParams), async (request) => {
    const { id, target } = request.params as { id: string; target: string };
    return act(id, [{ type: 'unblock', target_user: target }]);
  });

  app.put('/v1/users/:id/muted-words', write(`Replace the user's muted words and #hashtags (at most ${LIMITS.mutedWords})`, { type: 'object', properties: { words: { type: 'array', items: { type: 'string' }, description: 'Words and #hashtags (each at most 100 characters)' } }, required: ['words'], example: { words: ['#spoilers', 'crypto'] } }), async (request) => {
    const { id } = request.params as { id: string };
    const words = [...new Set(parseBody(wordsBody, request.body).words.map(normalizeMutedWord))].filter((w) => w !== '');
    if (words.length > LIMITS.mutedWords) throw createError('MUTED_WORDS_LIMIT', { user: id, count: words.length, limit: LIMITS.mutedWords });
    const current = new Set((await engine.safety(id)).mutedWords);
    const wanted = new Set(words);
    return act(id, [
      ...[...current].filter((w) => !wanted.has(w)).map((w) => ({ type: 'unmute' as const, text: w })),
      ...words.filter((w) => !current.has(w)).map((w) => ({ type: 'mute' as const, text: w })),
    ]);
  });

  app.post('/v1/users/:id/show-less', write('"Show less like this" on a post: it leaves the feed, and posts of its author, tags and feed source (give the item\'s `source`) are down-weighted for the user', { type: 'object', properties: { post: { type: 'string', description: 'The post' }, source: { type: 'string', description: 'The feed item\'s `source`' } }, required: ['post'], example: { post: 'p1007', source: 'als' } }), async (request) => {
    const { id } = request.params as { id: string };
    const b = parseBody(showLessBody, request.body);
    return act(id, [{ type: 'show_less', post: b.post, ...(b.source ? { text: b.source } : {}) }]);
  });

  app.get(
    '/v1/posts/:id/replies',
    {
      config: { scope: 'read', anyUser: true },
      schema: {
        tags: ['recommend'],
        summary: 'The replies of a post, paged: ranked (the author continuing the thread, then accounts the viewer follows, then engagement) or chronological (oldest first); what the viewer muted or blocked is left out',
        params: postParams,
        querystring: {
          type: 'object',
          properties: {
            order: { type: 'string', enum: [...REPLY_ORDERS], default: 'ranked', description: 'ranked, or chronological (oldest first)' },
            viewer: { type: 'string', description: 'The reading user, whose mutes, blocks and follows apply (a user token reads as itself)' },
            cursor: cursorParam,
            limit: limitParam(undefined, 500, 'replies per page (default `feed.pageSize`)'),
          },
        },
        response: {
          200: pageOut({ items: [{ postId: 'p1011', score: 4.7, source: 'replies', sources: ['replies'], explanation: '@u42 continues the thread', post: { ...examplePost, id: 'p1011', text: 'And the crumb, for the record', tags: [], reply_to: 'p1007' } }], nextCursor: 'eyJvIjoyMCwibiI6MjAsInMiOjE3NjcyMjU2MDAwMDAsInUiOiJhYmNkZWZnaCJ9' }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(repliesQuery, request.query);
      // A user token reads replies as itself, whatever `viewer` says.
      const raw = request.tokenUser ?? q.viewer;
      const viewer = raw === undefined ? undefined : pseudonyms.id(raw);
      const page = await engine.replies(id, { viewer, order: q.order, cursor: q.cursor, limit: q.limit });
      return { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  app.get(
    '/v1/users/:id/following-feed',
    {
      config: { scope: 'read', user: 'id' },
      schema: {
        tags: ['recommend'],
        summary: 'The posts of the accounts a user follows, newest first, paged (beside the ranked For You feed); replies come with their parent',
        params: idParams,
        querystring: { type: 'object', properties: { cursor: cursorParam, limit: limitParam(undefined, 500, 'posts per page (default `feed.pageSize`)') } },
        response: {
          200: pageOut({ items: [{ postId: 'p1009', score: 1767225600000, source: 'following', sources: ['following'], explanation: 'You follow @u42 · #running', post: { ...examplePost, id: 'p1009', text: 'Long run done, 21 km by the river', tags: ['running'] } }] }),
          ...errors(400, 404, 409),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const q = parseQuery(pageQuery, request.query);
      const page = await engine.followingFeed(id, { cursor: q.cursor, limit: q.limit });
      return { items: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  app.get(
    '/v1/admin/reports',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'The moderation queue: reported posts not taken down and reported accounts, most distinct reporters first; and the posts the moderation signal flagged above `moderation.reviewAbove`, most probable first',
        querystring: { type: 'object', properties: { limit: limitParam(50, 500, 'entries of each list') } },
        response: {
          200: {
            type: 'object',
            properties: {
              posts: { type: 'array', items: { type: 'object', properties: { post: postOut, ...tallyProps }, required: ['post', 'reports', 'reporters'], additionalProperties: true } },
              accounts: { type: 'array', items: { type: 'object', properties: { user: { type: 'string' }, ...tallyProps }, required: ['user', 'reports', 'reporters'], additionalProperties: true } },
              flagged: { type: 'array', items: { type: 'object', properties: { post: postOut, offensive: { type: 'number', description: 'Calibrated probability of the offensive label' } }, required: ['post', 'offensive'], additionalProperties: true } },
            },
            required: ['posts', 'accounts', 'flagged'],
            example: { posts: [{ post: { ...examplePost, id: 'p2001', author: 'u666', text: 'Cheap followers, DM me', tags: [] }, reports: 3, reporters: 3, lastReportedAt: 1767229200000, reasons: ['spam'] }], accounts: [{ user: 'u666', reports: 2, reporters: 2, lastReportedAt: 1767229100000, reasons: ['spam account'] }], flagged: [] },
          },
          ...errors(400),
        },
      },
    },
    async (request) => engine.reports(parseQuery(reportsQuery, request.query).limit),
  );

  app.post(
    '/v1/admin/posts/:id/takedown',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Take a post down for everyone: it leaves every feed, reply list, search, similar and trending list at the next request (audited)',
        params: postParams,
        body: { type: 'object', properties: { reason: { type: 'string', description: 'Why (at most 1000 characters), kept in the audit log' } }, example: { reason: 'spam' } },
        response: {
          200: {
            type: 'object',
            properties: { post: { type: 'string' }, at: epochMs('When it was taken down'), actor: { type: 'string', description: 'The API key name (`key:<name>`), or `open`' }, reason: { type: 'string' } },
            required: ['post', 'at'],
            additionalProperties: true,
            example: { post: 'p2001', at: 1767229300000, actor: 'key:moderation', reason: 'spam' },
          },
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const body = parseBody(takedownBody, request.body ?? undefined);
      return engine.takeDown(id, { actor: actor(request), ...(body?.reason ? { reason: body.reason } : {}) });
    },
  );
}
