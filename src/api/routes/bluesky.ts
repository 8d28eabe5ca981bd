/**
 * @module The Bluesky feed generator (docs/bluesky.md): `GET /xrpc/app.bsky.feed.getFeedSkeleton`,
 * `GET /xrpc/app.bsky.feed.describeFeedGenerator`, `POST /xrpc/app.bsky.feed.sendInteractions` and the service's
 * `GET /.well-known/did.json`. They need no API key (the AppView has none): a request is anonymous, or carries the
 * requester's service-auth JWT, verified against their DID's atproto key (`src/bluesky/service-auth.ts`). Errors
 * come back in the XRPC shape `{ error, message }`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Engine } from '../../engine/index.js';
import { createError, isResonateError, type ResonateError } from '../../core/errors.js';
import { createDidResolver, type DidResolver } from '../../bluesky/did-resolver.js';
import { serviceDidDocument } from '../../bluesky/did-document.js';
import { feedCatalogue } from '../../bluesky/feeds.js';
import { recordInteractions } from '../../bluesky/interactions.js';
import { bearerToken, createServiceAuth } from '../../bluesky/service-auth.js';
import { feedSkeleton } from '../../bluesky/skeleton.js';
import { xrpcError } from '../../bluesky/xrpc-errors.js';
import { parseQuery } from '../parse-query.js';

const GET_SKELETON = 'app.bsky.feed.getFeedSkeleton';
const SEND_INTERACTIONS = 'app.bsky.feed.sendInteractions';

const skeletonQuery = z.object({
  feed: z.string().min(1).max(2000),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(2000).optional(),
});
const interactionsBody = z.object({
  feed: z.string().max(2000).optional(),
  interactions: z
    .array(z.object({ item: z.string().max(2000).optional(), event: z.string().max(200).optional(), feedContext: z.string().max(2000).optional(), reqId: z.string().max(100).optional() }))
    .max(1000),
});

const xrpcErrorSchema = {
  type: 'object',
  description: 'An XRPC error',
  properties: { error: { type: 'string', description: 'The XRPC error name' }, message: { type: 'string' } },
  required: ['error', 'message'],
  additionalProperties: true,
  example: { error: 'UnknownFeed', message: 'unknown feed at://did:web:feeds.example.com/app.bsky.feed.generator/nope' },
};
const errors = { 400: xrpcErrorSchema, 401: xrpcErrorSchema, 404: xrpcErrorSchema, 409: xrpcErrorSchema, 429: xrpcErrorSchema };

export interface BlueskyRouteOptions {
  /** DID resolution for requester tokens (default: from `bluesky.auth`). */
  resolver?: DidResolver;
}

export async function registerBlueskyRoutes(app: FastifyInstance, engine: Engine, options: BlueskyRouteOptions = {}): Promise<void> {
  const config = engine.config.bluesky;
  const catalogue = feedCatalogue(config);
  const { plcUrl, resolveTimeoutMs, cacheSeconds, clockToleranceSeconds } = config.auth;
  const resolver = options.resolver ?? createDidResolver({ plcUrl, resolveTimeoutMs, cacheSeconds });
  const auth = createServiceAuth({ serviceDid: config.serviceDid, resolver, clockToleranceSeconds });
  const didDocument = serviceDidDocument(config);

  /** The verified requester, or undefined when the request carries no token. */
  const requester = async (request: FastifyRequest, method: string): Promise<string | undefined> => {
    const token = bearerToken(request.headers.authorization);
    return token === undefined ? undefined : auth.verify(token, method);
  };

  await app.register(async (xrpc) => {
    xrpc.setErrorHandler((error: Error, request, reply) => {
      const e: ResonateError = isResonateError(error) ? error : createError('INTERNAL', { problem: error.message }, error);
      if (e.statusCode >= 500) request.log.error({ err: error }, 'request failed');
      if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(e.retryAfterSeconds));
      void reply.status(e.statusCode).send(xrpcError(e, request.id));
    });

    xrpc.get(
      `/xrpc/${GET_SKELETON}`,
      {
        config: { public: true },
        schema: {
          tags: ['bluesky'],
          summary: 'Bluesky feed generator: a page of a served feed as post AT-URIs (anonymous, or personalized with the requester\'s service-auth JWT)',
          security: [],
          querystring: {
            type: 'object',
            properties: {
              feed: { type: 'string', description: 'The feed generator record\'s AT-URI', example: 'at://did:web:feeds.example.com/app.bsky.feed.generator/for-you' },
              limit: { type: 'integer', minimum: 1, maximum: 100, default: 50, description: 'How many posts to return (1–100)' },
              cursor: { type: 'string', description: 'The `cursor` of the previous page' },
            },
            required: ['feed'],
          },
          response: {
            200: {
              type: 'object',
              properties: {
                feed: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { post: { type: 'string', description: 'The post\'s AT-URI' }, feedContext: { type: 'string', description: 'Echoed back in sendInteractions' } },
                    required: ['post'],
                    additionalProperties: true,
                  },
                },
                cursor: { type: 'string', description: 'Send it back for the next page; absent on the last page' },
                reqId: { type: 'string', description: 'The served response\'s id' },
              },
              required: ['feed'],
              additionalProperties: true,
              example: { feed: [{ post: 'at://did:web:localhost/app.bsky.feed.post/p42', feedContext: '0b9e6c1e-2f7d-4a8e-9a55-3c1d2e4f5a6b/0' }], cursor: 'eyJvIjoxLCJuIjoxLCJzIjoxLCJ1IjoiYWJjIn0', reqId: '0b9e6c1e-2f7d-4a8e-9a55-3c1d2e4f5a6b' },
            },
            ...errors,
          },
        },
      },
      async (request) => {
        const q = parseQuery(skeletonQuery, request.query);
        const did = await requester(request, GET_SKELETON);
        return feedSkeleton(engine, catalogue, { feed: q.feed, limit: q.limit, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}), ...(did !== undefined ? { requester: did } : {}) });
      },
    );

    xrpc.get(
      '/xrpc/app.bsky.feed.describeFeedGenerator',
      {
        config: { public: true },
        schema: {
          tags: ['bluesky'],
          summary: 'Bluesky feed generator: the service DID and the feeds it serves',
          security: [],
          response: {
            200: {
              type: 'object',
              properties: {
                did: { type: 'string', description: 'The service DID (`bluesky.serviceDid`)' },
                feeds: { type: 'array', items: { type: 'object', properties: { uri: { type: 'string', description: 'The feed generator record\'s AT-URI' } }, required: ['uri'], additionalProperties: true } },
              },
              required: ['did', 'feeds'],
              additionalProperties: true,
              example: { did: 'did:web:localhost', feeds: [{ uri: 'at://did:web:localhost/app.bsky.feed.generator/for-you' }] },
            },
            ...errors,
          },
        },
      },
      async () => catalogue.describe(),
    );

    xrpc.post(
      `/xrpc/${SEND_INTERACTIONS}`,
      {
        config: { public: true },
        schema: {
          tags: ['bluesky'],
          summary: 'Bluesky feed generator: what the requester did with served items (seen, like, "show less"…), stored as their events (service-auth JWT required)',
          security: [],
          body: {
            type: 'object',
            properties: {
              feed: { type: 'string', description: 'The feed the items were served from (AT-URI)' },
              interactions: {
                type: 'array',
                maxItems: 1000,
                items: {
                  type: 'object',
                  properties: {
                    item: { type: 'string', description: 'The post\'s AT-URI' },
                    event: { type: 'string', description: 'The lexicon token, e.g. app.bsky.feed.defs#interactionLike' },
                    feedContext: { type: 'string', description: 'The `feedContext` the skeleton gave the item' },
                    reqId: { type: 'string' },
                  },
                },
              },
            },
            required: ['interactions'],
            example: {
              feed: 'at://did:web:feeds.example.com/app.bsky.feed.generator/for-you',
              interactions: [{ item: 'at://did:plc:abc123/app.bsky.feed.post/3kq2x7', event: 'app.bsky.feed.defs#interactionLike', feedContext: '0b9e6c1e-2f7d-4a8e-9a55-3c1d2e4f5a6b/0' }],
            },
          },
          response: { 200: { type: 'object', description: 'Empty on success', properties: {}, example: {} }, ...errors },
        },
      },
      async (request) => {
        const did = await requester(request, SEND_INTERACTIONS);
        if (did === undefined) throw createError('BLUESKY_AUTH_REQUIRED', { method: SEND_INTERACTIONS });
        const parsed = interactionsBody.safeParse(request.body);
        if (!parsed.success) throw createError('INVALID_INPUT', { field: parsed.error.issues[0]!.path.join('.') || 'body', problem: parsed.error.issues[0]!.message });
        if (parsed.data.feed !== undefined) catalogue.find(parsed.data.feed);
        const summary = await recordInteractions(engine, did, parsed.data.interactions, catalogue.publisherDid);
        request.log.debug({ ...summary }, 'bluesky interactions');
        return {};
      },
    );

    xrpc.get(
      '/.well-known/did.json',
      {
        config: { public: true },
        schema: {
          tags: ['bluesky'],
          summary: 'The service\'s did:web document (its #bsky_fg BskyFeedGenerator endpoint); 404 when bluesky.serviceDid is not a did:web',
          security: [],
          response: {
            200: {
              type: 'object',
              properties: {
                '@context': { type: 'array', items: { type: 'string' } },
                id: { type: 'string' },
                service: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, type: { type: 'string' }, serviceEndpoint: { type: 'string' } }, required: ['id', 'type', 'serviceEndpoint'] } },
              },
              required: ['@context', 'id', 'service'],
              example: { '@context': ['https://www.w3.org/ns/did/v1'], id: 'did:web:feeds.example.com', service: [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: 'https://feeds.example.com' }] },
            },
            ...errors,
          },
        },
      },
      async () => {
        if (!didDocument) throw createError('NOT_FOUND', { kind: 'DID document of', id: config.serviceDid });
        return didDocument;
      },
    );
  });
}
