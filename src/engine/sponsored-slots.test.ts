import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { createRng } from '../core/rng.js';
import type { Campaign } from '../data/campaigns.js';
import { datasetFromStore } from '../data/dataset-from-store.js';
import type { Event, Post } from '../data/schemas.js';
import { foldSafety } from '../feed/safety.js';
import type { FeedPage, HydratedItem } from '../feed/types.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { SponsoredSlots } from './sponsored-slots.js';

const DAY0 = Date.UTC(2026, 2, 3);
const HOUR = 3_600_000;
const cfg = { ...DEFAULT_CONFIG.sponsored, firstPosition: 1, spacing: 3, reservePrice: 0.01, pacingSlack: 0 };

const post = (id: string, author: string, extra: Partial<Post> = {}): Post => ({ id, author, text: `post ${id}`, created_at: DAY0 - HOUR, tags: [], ...extra });
const organic = Array.from({ length: 10 }, (_, k) => post(`o${k}`, `author${k % 3}`));
const item = (p: Post): HydratedItem => ({ postId: p.id, score: 1, source: 's', sources: ['s'], explanation: 'e', post: p });
const page = (posts: readonly Post[] = organic, offset = 0): FeedPage => ({ items: posts.map(item), offset });
const campaign = (id: string, over: Partial<Campaign> = {}): Campaign => ({
  id, postId: `ad-${id}`, targeting: { topics: [], hashtags: [] }, bid: 1, dailyBudget: 1_000, frequencyCap: 100,
  startAt: 0, endAt: null, status: 'active', createdAt: 0, updatedAt: 0, ...over,
});
const noRules = foldSafety('viewer', []);

let store: Store;
let now: number;

beforeEach(async () => {
  store = await openStore('sqlite://:memory:');
  now = DAY0 + 12 * HOUR;
  const authors = ['advertiser', 'spammer', 'author0', 'author1', 'author2', 'viewer', 'v0', 'v1', 'v2', 'v3'];
  await store.write({ users: authors.map((id) => ({ id })), posts: [...organic, ...['c1', 'c2', 'c3'].map((c) => post(`ad-${c}`, c === 'c2' ? 'spammer' : 'advertiser', { tags: ['jazz'] }))] });
});
afterEach(async () => {
  await store.close();
});

function slots(): SponsoredSlots {
  return new SponsoredSlots(store, cfg, () => now);
}

describe('sponsored slots', () => {
  it('fills the slots by auction, each sponsored post labelled; off when no campaign is live', async () => {
    const s = slots();
    expect(await s.blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true })).toEqual(page());
    await store.putCampaign(campaign('c1', { bid: 2 }));
    await store.putCampaign(campaign('c3', { bid: 1 }));
    s.refresh();
    const out = await s.blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true }, '11111111-1111-4111-8111-111111111111');
    // Slots before organic 1, 4, 7: c1 (higher bid, same smoothed CTR) wins the first, c3 the second, none left for the third.
    expect(out.items.map((i) => i.postId)).toEqual(['o0', 'ad-c1', 'o1', 'o2', 'o3', 'ad-c3', 'o4', 'o5', 'o6', 'o7', 'o8', 'o9']);
    expect(out.items[1]).toMatchObject({ sponsored: { campaign: 'c1', reason: 'shown to everyone' }, explanation: 'Sponsored: shown to everyone' });
    const rows = await store.sponsoredImpressions();
    // GSP: c1 pays c3's eCPM over its own pCTR (both the prior CTR): 1 per click; c3 alone in the second slot pays the reserve.
    expect(rows.map((r) => [r.campaignId, r.price])).toEqual([['c1', 1], ['c3', 0.01]]);
    await store.putCampaign(campaign('c1', { bid: 2, status: 'paused' }));
    await store.putCampaign(campaign('c3', { bid: 1, endAt: now }));
    s.refresh();
    expect((await s.blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true })).items.some((i) => i.sponsored)).toBe(false);
  });

  it('pacing never overspends: a day of requests (some concurrent) stays within budget × elapsed fraction', async () => {
    await store.putCampaign(campaign('c1', { dailyBudget: 0.02, bid: 1 }));
    const s = slots();
    let served = 0;
    for (let h = 0; h < 24; h++) {
      now = DAY0 + h * HOUR + 30 * 60_000;
      // 20 concurrent requests per hour, each from another viewer.
      const pages = await Promise.all(Array.from({ length: 20 }, (_, k) => s.blend({ userId: `v${k % 4}`, page: page(), safety: async () => noRules, personalized: true })));
      served += pages.reduce((n, p) => n + p.items.filter((i) => i.sponsored).length, 0);
      const [day] = await store.campaignDays({ campaignId: 'c1' });
      const elapsed = (now - DAY0) / (24 * HOUR);
      expect(day?.spend ?? 0).toBeLessThanOrEqual(0.02 * elapsed + 1e-12);
    }
    const [day] = await store.campaignDays({ campaignId: 'c1' });
    // Cost per impression = reserve price × smoothed CTR ≤ 0.01 × 0.02 = 0.0002: far fewer than the 480 impressions
    // asked for fit the budget, which binds: the last hour (23:30) ends within one impression of its paced spend.
    expect(day!.impressions).toBe(served);
    expect(day!.spend).toBeLessThanOrEqual(0.02 + 1e-12);
    expect(day!.spend).toBeGreaterThan(0.02 * (23.5 / 24) - 0.0002);
    expect(served).toBeLessThan(480);
  });

  it('frequency cap per viewer per day, concurrent requests included; a new day resets it', async () => {
    await store.putCampaign(campaign('c1', { frequencyCap: 2 }));
    const s = slots();
    const pages = await Promise.all(Array.from({ length: 6 }, () => s.blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true })));
    expect(pages.reduce((n, p) => n + p.items.filter((i) => i.sponsored).length, 0)).toBe(2);
    // A fresh process reads the day's count from the store.
    expect((await slots().blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true })).items.some((i) => i.sponsored)).toBe(false);
    now += 24 * HOUR;
    expect((await s.blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true })).items.filter((i) => i.sponsored)).toHaveLength(1);
  });

  it('never next to an unsafe post, never an unsafe or taken-down creative', async () => {
    await store.putCampaign(campaign('c1'));
    const s = slots();
    // o1 offensive: the slot before it (between o0 and o1) stays empty; the next slot (before o4) is used.
    const risky = organic.map((p) => (p.id === 'o1' ? { ...p, features: { offensive: 0.95 } } : p));
    const out = await s.blend({ userId: 'viewer', page: page(risky), safety: async () => noRules, personalized: true });
    expect(out.items.map((i) => i.postId).slice(0, 6)).toEqual(['o0', 'o1', 'o2', 'o3', 'ad-c1', 'o4']);
    await store.takeDown({ post: 'ad-c1', at: now });
    expect((await s.blend({ userId: 'v1', page: page(), safety: async () => noRules, personalized: true })).items.some((i) => i.sponsored)).toBe(false);
  });

  it('a blocked or muted author\'s ad is never shown (random viewers, rules and campaigns)', async () => {
    const rng = createRng(7);
    const ids = ['c1', 'c2', 'c3'];
    for (const id of ids) await store.putCampaign(campaign(id, { bid: 0.5 + rng.next() }));
    const s = slots();
    let shown = 0;
    for (let trial = 0; trial < 60; trial++) {
      const viewer = `viewer${trial}`;
      const events: Event[] = [];
      if (rng.next() < 0.5) events.push({ id: `b${trial}`, user: viewer, type: 'block', target_user: rng.next() < 0.5 ? 'spammer' : 'advertiser', timestamp: DAY0 });
      if (rng.next() < 0.3) events.push({ id: `m${trial}`, user: viewer, type: 'mute', target_user: 'advertiser', timestamp: DAY0 });
      if (rng.next() < 0.2) events.push({ id: `w${trial}`, user: viewer, type: 'mute', text: '#jazz', timestamp: DAY0 });
      const rules = foldSafety(viewer, events);
      const out = await s.blend({ userId: viewer, page: page(organic.slice(0, 1 + rng.int(10))), safety: async () => rules, personalized: true });
      for (const it of out.items.filter((i) => i.sponsored)) {
        shown++;
        expect(rules.hiddenAuthors.has(it.post.author)).toBe(false);
        expect(rules.mutedWords).not.toContain('#jazz');
      }
    }
    expect(shown).toBeGreaterThan(10);
  });

  it('counts clicks once and keeps engagement on sponsored impressions out of the training dataset', async () => {
    await store.putCampaign(campaign('c1'));
    const s = slots();
    const req = '22222222-2222-4222-8222-222222222222';
    await s.blend({ userId: 'viewer', page: page(), safety: async () => noRules, personalized: true }, req);
    const events: Event[] = [
      { id: 'e1', user: 'viewer', type: 'like', post: 'ad-c1', request_id: req, timestamp: now + 1 },
      { id: 'e2', user: 'viewer', type: 'share', post: 'ad-c1', request_id: req, timestamp: now + 2 },
      { id: 'e3', user: 'viewer', type: 'like', post: 'o2', request_id: req, timestamp: now + 3 },
    ];
    await store.write({ events });
    const sponsored = await s.eventsStored(events);
    expect([...sponsored].sort()).toEqual(['e1', 'e2']);
    expect((await store.campaignDays({ campaignId: 'c1' }))[0]).toMatchObject({ impressions: 1, clicks: 1 });
    const data = await datasetFromStore(store);
    const viewer = data.users.index('viewer');
    const liked = [...data.interactions.indices.subarray(data.interactions.indptr[viewer]!, data.interactions.indptr[viewer + 1]!)].map((i) => data.items.id(i));
    expect(liked).toEqual(['o2']);
  });
});
