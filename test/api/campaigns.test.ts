/**
 * Sponsored campaigns over HTTP: the admin routes with their named errors, and a sponsored post in the feed,
 * labelled, counted, and its click counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;
let app: FastifyInstance;
const net = smallNetwork();

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: `${process.env.TMPDIR ?? '/tmp'}/resonate-campaigns-test-models`, ranker: false, behavior: false }, sponsored: { firstPosition: 0, spacing: 2 } } });
  app = await createServer(engine);
  for (const [kind, rows] of [['users', net.users], ['posts', net.posts], ['follows', net.follows], ['events', net.events]] as const) {
    expect((await app.inject({ method: 'POST', url: `/v1/${kind}`, payload: rows })).statusCode).toBe(200);
  }
  await engine.train({ save: false });
});

afterAll(async () => {
  await app.close();
  await engine.close();
});

const post = (payload: unknown) => app.inject({ method: 'POST', url: '/v1/admin/campaigns', payload: payload as object });

describe('/v1/admin/campaigns', () => {
  it('answers named errors for bad amounts, creatives, targeting and unknown campaigns', async () => {
    const cases: [unknown, number, string][] = [
      [{ postId: net.posts[0]!.id, bid: -1, dailyBudget: 10 }, 400, 'CAMPAIGN_AMOUNT_INVALID'],
      [{ postId: net.posts[0]!.id, bid: 1, dailyBudget: -5 }, 400, 'CAMPAIGN_AMOUNT_INVALID'],
      [{ postId: '', bid: 1, dailyBudget: 5 }, 422, 'CAMPAIGN_CREATIVE_INVALID'],
      [{ postId: 'no-such-post', bid: 1, dailyBudget: 5 }, 422, 'CAMPAIGN_CREATIVE_INVALID'],
      [{ postId: net.posts[0]!.id, bid: 1, dailyBudget: 5, targeting: { communities: ['c1'] } }, 400, 'CAMPAIGN_TARGETING_INVALID'],
      [{ postId: net.posts[0]!.id, bid: 1, dailyBudget: 5, targeting: { hashtags: ['two words'] } }, 400, 'CAMPAIGN_TARGETING_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post(body);
      expect([res.statusCode, res.json().code]).toEqual([status, code]);
    }
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await app.inject({ method, url: '/v1/admin/campaigns/nope', ...(method === 'PATCH' ? { payload: { bid: 1 } } : {}) });
      expect([res.statusCode, res.json().code]).toEqual([404, 'CAMPAIGN_NOT_FOUND']);
    }
  });

  it('creates, lists, pauses and deletes; the feed shows the sponsored post labelled, and counts its click', async () => {
    // The creative: a post not on ana's organic first page (a post already there is never sponsored beside itself).
    const organic = (await app.inject({ url: '/v1/users/ana/feed?limit=4' })).json() as { items: { postId: string }[] };
    const ad = net.posts.find((p) => p.author !== 'ana' && !organic.items.some((i) => i.postId === p.id))!;
    const created = await post({ id: 'spring', postId: ad.id, bid: 1, dailyBudget: 100 });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ id: 'spring', postId: ad.id, status: 'active', frequencyCap: 3, targeting: { topics: [], hashtags: [] } });
    expect((await post({ id: 'spring', postId: ad.id, bid: 1, dailyBudget: 100 })).json().code).toBe('CAMPAIGN_EXISTS');

    const feed = (await app.inject({ url: '/v1/users/ana/feed?limit=4' })).json() as { requestId: string; items: { postId: string; explanation: string; sponsored?: { campaign: string; reason: string } }[] };
    const sponsored = feed.items.filter((i) => i.sponsored);
    expect(sponsored).toHaveLength(1);
    expect(sponsored[0]).toMatchObject({ postId: ad.id, sponsored: { campaign: 'spring', reason: 'shown to everyone' } });
    expect(sponsored[0]!.explanation).toMatch(/^Sponsored/);
    await app.inject({ method: 'POST', url: '/v1/events', payload: [{ id: 'click-1', user: 'ana', type: 'like', post: ad.id, request_id: feed.requestId, timestamp: Date.now() }] });

    const list = (await app.inject({ url: '/v1/admin/campaigns' })).json() as { items: { campaign: { id: string }; today: { impressions: number; clicks: number; spend: number } }[] };
    expect(list.items.map((d) => d.campaign.id)).toEqual(['spring']);
    expect(list.items[0]!.today).toMatchObject({ impressions: 1, clicks: 1 });
    expect(list.items[0]!.today.spend).toBeGreaterThan(0);

    expect((await app.inject({ method: 'PATCH', url: '/v1/admin/campaigns/spring', payload: { status: 'paused' } })).json()).toMatchObject({ status: 'paused' });
    const after = (await app.inject({ url: '/v1/users/ana/feed?limit=4' })).json() as { items: { sponsored?: unknown }[] };
    expect(after.items.some((i) => i.sponsored)).toBe(false);
    expect((await app.inject({ method: 'DELETE', url: '/v1/admin/campaigns/spring' })).json()).toEqual({ deleted: 'spring' });
    expect((await app.inject({ url: '/v1/admin/campaigns' })).json()).toEqual({ items: [] });
  });
});
