/**
 * The Bluesky feed generator over HTTP: lexicon-valid answers, the requester's service-auth JWT verified against a
 * local PLC directory, named 401s in the XRPC error shape, interactions stored as events joined to impressions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Lexicons } from '@atproto/lexicon';
import { schemas } from '@atproto/api';
import { createServer } from '../../src/api/server.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createRng } from '../../src/core/rng.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { didDocument, serviceJwt, startDidServer, testIdentity, testPlcDid, type DidServer, type TestIdentity } from '../fixtures/atproto.js';

const lex = new Lexicons(schemas);
const SERVICE = 'did:web:feeds.example.com';
const PUBLISHER = testPlcDid('publisher');
const FOR_YOU = `at://${PUBLISHER}/app.bsky.feed.generator/for-you`;
const FOLLOWING = `at://${PUBLISHER}/app.bsky.feed.generator/following`;
const SKELETON = 'app.bsky.feed.getFeedSkeleton';
const INTERACTIONS = 'app.bsky.feed.sendInteractions';

let engine: Engine;
let app: FastifyInstance;
let dids: DidServer;
let cook: TestIdentity;

beforeAll(async () => {
  dids = await startDidServer();
  cook = await testIdentity(testPlcDid('cook'));
  dids.documents.set(cook.did, didDocument(cook));
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { ranker: false, behavior: false, validate: false },
      feed: { materializeUsers: 0, exploration: { every: 0 } },
      impressions: { flushMs: 10 },
      bluesky: {
        serviceDid: SERVICE, publisherDid: PUBLISHER,
        feeds: [
          { rkey: 'for-you', displayName: 'For You' },
          { rkey: 'following', displayName: 'Following, ranked', description: 'Accounts you follow', sources: { 'in-network': 1 } },
        ],
        auth: { plcUrl: dids.url, resolveTimeoutMs: 300 },
      },
    },
  });
  const net = smallNetwork();
  // A Bluesky account (its DID is its user id) who follows and likes the cooks.
  net.users.push({ id: cook.did });
  net.follows.push({ follower: cook.did, followee: 'ana' }, { follower: cook.did, followee: 'ben' });
  net.events.push(...['c00', 'c10', 'c20'].map((post, i) => ({ id: `bsky-like-${i}`, user: cook.did, type: 'like' as const, post, timestamp: Date.parse('2026-01-02T00:00:00Z') + i })));
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
  app = await createServer(engine);
});
afterAll(async () => {
  await app.close();
  await engine.close();
  await dids.close();
});

const skeleton = (query: string, token?: string) => app.inject({ url: `/xrpc/${SKELETON}?${query}`, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
const feedParam = (uri: string) => `feed=${encodeURIComponent(uri)}`;

describe('feed generator endpoints', () => {
  it('describes the service and its feeds (lexicon-valid)', async () => {
    const res = await app.inject({ url: '/xrpc/app.bsky.feed.describeFeedGenerator' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    lex.assertValidXrpcOutput('app.bsky.feed.describeFeedGenerator', body);
    expect(body).toEqual({ did: SERVICE, feeds: [{ uri: FOR_YOU }, { uri: FOLLOWING }] });
  });

  it('serves its did:web document with the #bsky_fg endpoint', async () => {
    const doc = (await app.inject({ url: '/.well-known/did.json' })).json();
    expect(doc).toMatchObject({ id: SERVICE, service: [{ id: '#bsky_fg', type: 'BskyFeedGenerator', serviceEndpoint: 'https://feeds.example.com' }] });
  });

  it('serves an anonymous request a valid skeleton of publisher AT-URIs, 50 at most by default', async () => {
    lex.assertValidXrpcParams(SKELETON, { feed: FOR_YOU });
    const res = await skeleton(feedParam(FOR_YOU));
    expect(res.statusCode).toBe(200);
    const body = res.json() as { feed: { post: string; feedContext: string }[]; reqId: string };
    lex.assertValidXrpcOutput(SKELETON, body);
    expect(body.feed.length).toBeGreaterThan(0);
    expect(body.feed.length).toBeLessThanOrEqual(50);
    for (const item of body.feed) expect(item.post).toMatch(new RegExp(`^at://${PUBLISHER}/app\\.bsky\\.feed\\.post/[cf]\\d\\d$`));
    expect(body.feed[0]!.feedContext).toBe(`${body.reqId}/0`);
  });

  it('answers a feed it does not host with UnknownFeed, and a bad limit with InvalidRequest', async () => {
    const unknown = await skeleton(feedParam(`at://${PUBLISHER}/app.bsky.feed.generator/nope`));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ error: 'UnknownFeed', message: expect.stringContaining('not served here') });
    for (const limit of ['0', '101', 'x']) expect((await skeleton(`${feedParam(FOR_YOU)}&limit=${limit}`)).json()).toMatchObject({ error: 'InvalidRequest' });
    expect((await skeleton('limit=5')).json()).toMatchObject({ error: 'InvalidRequest' });
  });

  it('personalizes for a verified requester and logs the page under its reqId', async () => {
    const token = await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON });
    const res = await skeleton(`${feedParam(FOR_YOU)}&limit=4`, token);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { feed: { post: string }[]; reqId: string };
    lex.assertValidXrpcOutput(SKELETON, body);
    // The cook follows and likes cooking posts: their feed opens with cooking posts they have not liked yet.
    expect(body.feed[0]!.post).toMatch(/\/c\d\d$/);
    const logged: { userId: string; postId: string; position: number }[] = [];
    const end = Date.now() + 5_000;
    while (logged.length === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
      for await (const imp of engine.store.scanImpressions({ userId: cook.did })) if (imp.requestId === body.reqId) logged.push(imp);
    }
    expect(logged.map((i) => i.position)).toEqual(body.feed.map((_, i) => i));
  });

  it('serves a feed narrowed to its sources (Following: only followed authors)', async () => {
    const token = await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON });
    const body = (await skeleton(`${feedParam(FOLLOWING)}&limit=20`, token)).json() as { feed: { post: string }[] };
    expect(body.feed.length).toBeGreaterThan(0);
    // ana wrote c0x, ben c1x.
    for (const item of body.feed) expect(item.post).toMatch(/\/c[01]\d$/);
  });
});

describe('requester authentication', () => {
  const expectError = async (token: string, error: string): Promise<void> => {
    const res = await skeleton(feedParam(FOR_YOU), token);
    expect(res.statusCode, token).toBe(401);
    expect(res.json()).toEqual({ error, message: expect.any(String) });
  };

  it('refuses malformed tokens', async () => {
    for (const t of ['x', 'a.b', 'a.b.c', '!!.!!.!!', `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.e30.c2ln`]) await expectError(t, 'BadJwt');
    const noLxm = await serviceJwt(cook, { aud: SERVICE });
    await expectError(noLxm, 'BadJwt');
  });

  it('refuses a wrong audience, another method and an expired token', async () => {
    await expectError(await serviceJwt(cook, { aud: 'did:web:other.example', lxm: SKELETON }), 'BadJwtAudience');
    await expectError(await serviceJwt(cook, { aud: SERVICE, lxm: 'app.bsky.feed.getTimeline' }), 'BadJwtLexiconMethod');
    await expectError(await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON, exp: Math.floor(Date.now() / 1000) - 60 }), 'JwtExpired');
  });

  it('refuses a token signed by another key than the DID document names', async () => {
    const impostor = await testIdentity();
    await expectError(await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON }, impostor.key), 'BadJwtSignature');
  });

  it('accepts a P-256 key, and refuses unknown DIDs, documents without an atproto key, and hanging hosts', async () => {
    const p256 = await testIdentity(testPlcDid('psix'), 'p256');
    dids.documents.set(p256.did, didDocument(p256));
    expect((await skeleton(feedParam(FOR_YOU), await serviceJwt(p256, { aud: SERVICE, lxm: SKELETON }))).statusCode).toBe(200);

    const unknown = await testIdentity();
    await expectError(await serviceJwt(unknown, { aud: SERVICE, lxm: SKELETON }), 'BadJwt');
    const keyless = await testIdentity();
    dids.documents.set(keyless.did, didDocument(keyless, { withKey: false }));
    const res = await skeleton(feedParam(FOR_YOU), await serviceJwt(keyless, { aud: SERVICE, lxm: SKELETON }));
    expect(res.json()).toEqual({ error: 'BadJwt', message: expect.stringContaining('no atproto signing key') });
    const slow = await testIdentity();
    dids.hanging.add(slow.did);
    const hung = await skeleton(feedParam(FOR_YOU), await serviceJwt(slow, { aud: SERVICE, lxm: SKELETON }));
    expect(hung.json()).toEqual({ error: 'BadJwt', message: expect.stringContaining('no answer within 300 ms') });
  });

  it('resolves each DID once while its document is cached', async () => {
    const fresh = await testIdentity();
    dids.documents.set(fresh.did, didDocument(fresh));
    const before = dids.requests;
    for (let i = 0; i < 3; i++) expect((await skeleton(feedParam(FOR_YOU), await serviceJwt(fresh, { aud: SERVICE, lxm: SKELETON }))).statusCode).toBe(200);
    expect(dids.requests - before).toBe(1);
  });
});

describe('sendInteractions', () => {
  const send = (body: unknown, token?: string) =>
    app.inject({ method: 'POST', url: `/xrpc/${INTERACTIONS}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) } });

  it('needs the requester token for that method', async () => {
    expect((await send({ interactions: [] })).json()).toMatchObject({ error: 'AuthenticationRequired' });
    expect((await send({ interactions: [] }, await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON }))).json()).toMatchObject({ error: 'BadJwtLexiconMethod' });
  });

  it('stores seen, like and "show less" as the requester\'s events joined to the served page', async () => {
    const page = (await skeleton(`${feedParam(FOR_YOU)}&limit=3`, await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON }))).json() as { feed: { post: string; feedContext: string }[]; reqId: string };
    const [a, b] = page.feed as [{ post: string; feedContext: string }, { post: string; feedContext: string }];
    const input = {
      feed: FOR_YOU,
      interactions: [
        { item: a.post, event: 'app.bsky.feed.defs#interactionSeen', feedContext: a.feedContext, reqId: page.reqId },
        { item: a.post, event: 'app.bsky.feed.defs#interactionLike', feedContext: a.feedContext },
        { item: b.post, event: 'app.bsky.feed.defs#requestLess', feedContext: b.feedContext, reqId: page.reqId },
        { item: `at://${PUBLISHER}/app.bsky.feed.post/unknown`, event: 'app.bsky.feed.defs#interactionLike' },
        { item: b.post, event: 'app.bsky.feed.defs#somethingNew' },
      ],
    };
    lex.assertValidXrpcInput(INTERACTIONS, input);
    const token = await serviceJwt(cook, { aud: SERVICE, lxm: INTERACTIONS });
    const res = await send(input, token);
    expect(res.statusCode).toBe(200);
    lex.assertValidXrpcOutput(INTERACTIONS, res.json());
    expect((await send(input, token)).statusCode).toBe(200);
    const events = await engine.store.userEvents(cook.did, { since: Date.now() - 60_000 });
    const postOf = (uri: string) => uri.split('/').pop();
    expect(events.map((e) => [e.type, e.post, e.request_id]).sort()).toEqual(
      [['hide', postOf(b.post), page.reqId], ['like', postOf(a.post), page.reqId], ['view', postOf(a.post), page.reqId]].sort(),
    );
  });

  it('refuses a feed it does not host', async () => {
    const token = await serviceJwt(cook, { aud: SERVICE, lxm: INTERACTIONS });
    expect((await send({ feed: `at://${PUBLISHER}/app.bsky.feed.generator/nope`, interactions: [] }, token)).json()).toMatchObject({ error: 'UnknownFeed' });
    expect((await send({ interactions: 'x' }, token)).json()).toMatchObject({ error: 'InvalidRequest' });
  });
});

describe('cursors', () => {
  type Page = { feed: { post: string }[]; cursor?: string };
  const pages = async (token: string, limit: number, between?: (i: number) => Promise<void>): Promise<string[]> => {
    const out: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = (await skeleton(`${feedParam(FOR_YOU)}&limit=${limit}${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, token)).json() as Page;
      out.push(...page.feed.map((f) => f.post));
      if (page.cursor === undefined || page.feed.length === 0) break;
      cursor = page.cursor;
      await between?.(i);
    }
    return out;
  };

  it('pages without repeats or gaps while new posts arrive (random page sizes)', async () => {
    const rand = createRng(18);
    let written = 0;
    for (let round = 0; round < 4; round++) {
      const limit = 1 + Math.floor(rand.next() * 8);
      const token = await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON });
      const quiet = await pages(token, limit);
      // The same listing again while the followed cooks keep posting between pages.
      const busy = await pages(token, limit, async () => {
        const n = 1 + Math.floor(rand.next() * 3);
        const posts = Array.from({ length: n }, () => ({ id: `new${written++}`, author: rand.next() < 0.5 ? 'ana' : 'ben', text: 'fresh basil pasta #cooking', created_at: Date.now(), tags: ['cooking'] }));
        await engine.ingest('posts', posts);
      });
      expect(new Set(busy).size, `limit ${limit}`).toBe(busy.length);
      expect(busy, `limit ${limit}`).toEqual(quiet);
    }
    expect(written).toBeGreaterThan(0);
  });

  it('refuses a cursor of another requester or a tampered one', async () => {
    const token = await serviceJwt(cook, { aud: SERVICE, lxm: SKELETON });
    const first = (await skeleton(`${feedParam(FOR_YOU)}&limit=2`, token)).json() as Page;
    expect((await skeleton(`${feedParam(FOR_YOU)}&limit=2&cursor=${first.cursor!}`)).json()).toMatchObject({ error: 'InvalidRequest' });
    expect((await skeleton(`${feedParam(FOR_YOU)}&limit=2&cursor=%%%`, token)).statusCode).toBe(400);
  });
});
