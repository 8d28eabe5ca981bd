/**
 * The data's own clock: a historical dataset (a month of 1997) imported into a store that also receives live events
 * dated now. Time-relative features (trending windows, topics' momentum, churn, feed freshness) must not measure
 * the historical data's ages from today, which would collapse them: trending to the live posts' few tags, every
 * historical user's churn risk to 1, historical feeds to nothing fresh.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { generateNetwork } from '../../src/data/synthetic/index.js';

const HISTORY_START = Date.UTC(1997, 10, 1);
let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { dir: mkdtempSync(join(tmpdir(), 'data-clock-')), validate: false },
      feed: { materializeUsers: 0, exploration: { every: 0 } },
    },
  });
  const net = generateNetwork({ users: 300, days: 30, start: HISTORY_START, seed: 3 });
  for (const batch of net.batches()) {
    for (const kind of ['users', 'posts', 'follows', 'events'] as const) {
      const rows = batch[kind];
      if (rows && rows.length > 0) await engine.store.write({ [kind]: rows });
    }
  }
  // Live: two new users post about one tag and like each other's posts, dated now.
  const now = Date.now();
  await engine.ingest('users', [{ id: 'live-a' }, { id: 'live-b' }]);
  await engine.ingest('posts', [
    { id: 'live-p1', author: 'live-a', text: 'streaming now #live', created_at: now - 60_000 },
    { id: 'live-p2', author: 'live-b', text: 'also live #live', created_at: now - 30_000 },
  ]);
  await engine.ingest('events', [
    { id: 'live-e1', user: 'live-b', type: 'like', post: 'live-p1', timestamp: now - 20_000 },
    { id: 'live-e2', user: 'live-a', type: 'like', post: 'live-p2', timestamp: now - 10_000 },
  ]);
  await engine.train({ save: false });
  await engine.secondaryTraining();
}, 300_000);

afterAll(async () => {
  await engine.close();
});

/** The historical users with most events (they have a history to be served from). */
async function activeHistoricalUsers(n: number): Promise<string[]> {
  const d = engine.dataset!;
  const m = d.interactions;
  return d.users.ids().filter((id) => id.startsWith('u'))
    .map((id) => { const u = d.users.index(id); return { id, n: m.indptr[u + 1]! - m.indptr[u]! }; })
    .sort((a, b) => b.n - a.n).slice(0, n).map((x) => x.id);
}

describe('historical data and live events in one store', () => {
  it('trending hashtags are not collapsed to the live tags', async () => {
    const tags = (await engine.trendingHashtags(20)).map((t) => t.tag);
    expect(tags.length).toBeGreaterThanOrEqual(8);
    expect(tags.filter((t) => t !== 'live').length).toBeGreaterThanOrEqual(7);
  });

  it('topics still fit on the historical posts', () => {
    expect(engine.trendingTopics(10).length).toBeGreaterThanOrEqual(3);
  });

  it('churn risks of historical users are not all 1', async () => {
    const risks = (await activeHistoricalUsers(30)).map((u) => engine.behavior(u).churnRisk);
    expect(risks.filter((r) => r < 0.9).length).toBeGreaterThan(risks.length / 3);
  });

  it('a historical user gets a full first page', async () => {
    for (const u of await activeHistoricalUsers(3)) {
      const page = await engine.feed(u, { pageSize: 20 });
      expect(page.items.length, u).toBe(20);
    }
  });

  it('the snapshot keeps the live part on the calendar and puts the historical part just before it', async () => {
    const d = engine.dataset!;
    const live = await engine.store.getPost('live-p1');
    expect(d.itemCreatedAt[d.items.index('live-p1')]).toBe(live!.created_at);
    const historical = d.log.time.filter((t, k) => d.users.id(d.log.user[k]!).startsWith('u'));
    // The last historical event is at most a kept minute (plus the live part's own span) before the live ones.
    expect(Date.now() - Math.max(...historical)).toBeLessThan(10 * 60_000);
    expect(d.now).toBeGreaterThan(Date.now() - 60 * 60_000);
  });
});
