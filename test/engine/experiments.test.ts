/**
 * Live experiments end to end: an engine with two arms that weight the feed's sources differently serves each
 * user by their arm, labels the impressions, and the report reads back what was served and answered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResonateConfigInput } from '../../src/core/config.js';
import { createRng } from '../../src/core/rng.js';
import type { EventInput, FollowInput, PostInput, UserInput } from '../../src/data/schemas.js';
import type { Impression } from '../../src/data/impressions.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { assignArm } from '../../src/experiments/assignment.js';
import { experimentReport } from '../../src/experiments/report/index.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-experiments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const USERS = 240;

/** Users who follow three of 20 authors and like posts (so both in-network and trending have candidates). */
function network(): { users: UserInput[]; posts: PostInput[]; follows: FollowInput[]; events: EventInput[] } {
  const rng = createRng(7);
  const users = Array.from({ length: USERS }, (_, i) => ({ id: `u${i}` }));
  const authors = users.slice(0, 20).map((u) => u.id);
  const posts = authors.flatMap((a, i) => [0, 1, 2].map((j) => ({ id: `p${i}_${j}`, author: a, text: `post ${j} of ${a}`, created_at: T0 + (i * 3 + j) * HOUR })));
  const follows: FollowInput[] = [], events: EventInput[] = [];
  users.forEach((u, i) => {
    for (const a of new Set([authors[rng.int(20)]!, authors[rng.int(20)]!, authors[rng.int(20)]!])) if (a !== u.id) follows.push({ follower: u.id, followee: a });
    for (let k = 0; k < 4; k++) {
      // Likes concentrate on the first authors' posts: the trending source has a clear order.
      const p = posts[Math.min(posts.length - 1, Math.floor(posts.length * rng.next() ** 2))]!;
      events.push({ id: `t${i}_${k}`, user: u.id, type: 'like', post: p.id, timestamp: T0 + 70 * HOUR + i * 60_000 + k });
    }
  });
  return { users, posts, follows, events };
}

const experiment: NonNullable<ResonateConfigInput['experiments']>[number] = {
  name: 'source-weights',
  start: new Date(Date.now() - 60_000).toISOString(),
  arms: [
    { name: 'followees', share: 0.5, feed: { sources: { 'popular/trending': 0 } } },
    { name: 'trending', share: 0.5, feed: { sources: { 'in-network': 0 } } },
  ],
};

async function logged(engine: Engine): Promise<Impression[]> {
  const out: Impression[] = [];
  for await (const row of engine.store.scanImpressions()) out.push(row);
  return out;
}

describe('live experiments', () => {
  let engine: Engine;
  const served = new Map<string, { requestId: string; items: { postId: string; source: string }[] }>();

  beforeAll(async () => {
    engine = await createEngine({
      overrides: {
        store: { url: `sqlite://${join(dir, 'x.db')}` },
        models: { ranker: false, behavior: false, validate: false, dir: join(dir, 'models') },
        feed: { materializeUsers: 0, exploration: { every: 0 }, sources: [{ id: 'in-network', weight: 1 }, { id: 'popular/trending', weight: 1 }], similar: 'popular/trending' },
        impressions: { flushMs: 20 },
        experiments: [experiment],
      },
    });
    const net = network();
    for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
    await engine.train({ save: false });
    for (let i = 0; i < USERS; i++) {
      const page = await engine.feed(`u${i}`, { pageSize: 5 });
      if (page.requestId) served.set(`u${i}`, { requestId: page.requestId, items: page.items });
    }
  }, 120_000);
  afterAll(() => engine.close());

  it('serves each user by the feed of their arm and labels the impressions', async () => {
    let followees = 0, trending = 0;
    for (const [user, page] of served) {
      const arm = assignArm({ ...experiment, salt: '' }, user);
      const sources = new Set(page.items.map((it) => it.source));
      if (arm === 'trending') {
        expect(sources).toEqual(new Set(['popular/trending']));
        trending++;
      } else {
        expect(sources.has('popular/trending')).toBe(false);
        followees++;
      }
    }
    expect(followees).toBeGreaterThan(50);
    expect(trending).toBeGreaterThan(50);
    const rows = await logged(engine);
    for (const r of rows) expect(r.experiment).toBe(`source-weights:${assignArm({ ...experiment, salt: '' }, r.userId)}`);
  });

  it('reports per-arm impressions as logged, no sample-ratio mismatch, and the better-liked arm ahead', async () => {
    // Users like what the trending arm shows far more often than what the followees arm shows (a planted effect).
    const rng = createRng(11);
    const events: EventInput[] = [];
    const now = Date.now();
    for (const [user, page] of served) {
      page.items.forEach((it, k) => {
        const p = it.source === 'popular/trending' ? 0.6 : 0.1;
        if (rng.next() < p) events.push({ id: `x${user}_${k}`, user, type: 'like', post: it.postId, timestamp: now, request_id: page.requestId });
      });
    }
    await engine.ingest('events', events);
    const expected = served.size > 0 ? [...served.values()].reduce((s, p) => s + p.items.length, 0) : 0;
    const end = Date.now() + 5_000;
    let rows = await logged(engine);
    while (rows.length < expected && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
      rows = await logged(engine);
    }
    const report = await experimentReport(engine.store, engine.config.experiments, 'source-weights', Date.now() + 1);
    const [control, treatment] = report.arms;
    expect(control!.impressions).toBe(rows.filter((r) => r.experiment === 'source-weights:followees').length);
    expect(treatment!.impressions).toBe(rows.filter((r) => r.experiment === 'source-weights:trending').length);
    expect(control!.users + treatment!.users).toBe(served.size);
    expect(report.sampleRatio.mismatch).toBe(false);
    expect(control!.metrics.likesPerImpression.value * control!.impressions + treatment!.metrics.likesPerImpression.value * treatment!.impressions).toBeCloseTo(events.length, 6);
    const ctr = report.comparisons.find((c) => c.arm === 'trending' && c.metric === 'ctr')!;
    expect(treatment!.metrics.ctr.value).toBeGreaterThan(control!.metrics.ctr.value);
    // The planted gap (0.6 vs 0.1) is far outside the interval's width.
    expect(ctr.difference.low).toBeGreaterThan(0.3);
  });
});
