import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../core/config.js';
import { isResonateError } from '../core/errors.js';
import type { Event, Post } from '../data/schemas.js';
import { trendingContributions } from './private-aggregates.js';
import { createPrivateReleases, type DpConfig } from './private-releases.js';
import { seededRandom } from './random-source.js';

const NOW = 1_800_000_000_000;
const post = (id: string, author: string, tags: string[]): Post => ({ id, author, text: '', created_at: NOW - 7_200_000, tags });
const ev = (id: string, user: string, type: Event['type'], p: string, t = NOW - 60_000): Event => ({ id, user, type, post: p, timestamp: t });

function fakeStore(posts: Post[], events: Event[], users = 100): Parameters<typeof createPrivateReleases>[0]['store'] {
  const byId = new Map(posts.map((p) => [p.id, p]));
  return {
    eventsBetween: async (since, before) => events.filter((e) => e.timestamp >= since && e.timestamp < before),
    getPosts: async (ids) => ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
    postsBetween: async (since, before) => posts.filter((p) => p.created_at >= since && p.created_at < before),
    counts: async () => ({ users, posts: posts.length, follows: 0, events: events.length }),
  };
}

const dp = (over: Partial<DpConfig> = {}): DpConfig => ({ ...DEFAULT_CONFIG.privacy.dp, ...over });

/** 300 users like p1 (#garden #Tomatoes), 2 like p2 (#rare), one spammer likes p1 a thousand times. */
function network(): { posts: Post[]; events: Event[] } {
  const posts = [post('p1', 'a', ['#garden', 'Tomatoes']), post('p2', 'b', ['rare'])];
  const events: Event[] = [];
  for (let u = 0; u < 300; u++) events.push(ev(`e${u}`, `u${u}`, 'like', 'p1'));
  events.push(ev('r1', 'u1', 'like', 'p2'), ev('r2', 'u2', 'share', 'p2'));
  for (let i = 0; i < 1000; i++) events.push(ev(`s${i}`, 'spammer', 'like', 'p1'));
  events.push(ev('h1', 'u3', 'hide', 'p2'), ev('old', 'u4', 'like', 'p2', NOW - 3 * 86_400_000));
  return { posts, events };
}

describe('trendingContributions', () => {
  it('one contribution per engagement event and tag (without #), hides and reports left out', async () => {
    const { posts, events } = network();
    const c = await trendingContributions(fakeStore(posts, events), 'hashtags', { since: NOW - 86_400_000, before: NOW });
    expect(c.filter((x) => x.key === 'garden')).toHaveLength(1300);
    expect(c.filter((x) => x.key === 'rare').map((x) => x.user).sort()).toEqual(['u1', 'u2']);
    const p = await trendingContributions(fakeStore(posts, events), 'posts', { since: NOW - 86_400_000, before: NOW });
    expect(p.filter((x) => x.key === 'p2')).toHaveLength(2);
  });
});

describe('private releases', () => {
  it('releases trending hashtags: the popular ones with a count near their number of users, rare ones dropped', async () => {
    const { posts, events } = network();
    const releases = createPrivateReleases({ store: fakeStore(posts, events), dp: dp({ epsilon: 3 }), random: seededRandom(1), now: () => NOW });
    const { value, privacy } = await releases.trending('hashtags');
    expect(value.map((c) => c.key).sort()).toEqual(['Tomatoes', 'garden']);
    // 301 distinct users (the spammer counts once), noise of sd ≈ 1.4.
    for (const c of value) expect(Math.abs(c.count - 301)).toBeLessThan(15);
    expect(privacy).toMatchObject({ release: 'trending-hashtags', mechanism: 'laplace', epsilon: 3, l0: 3, linf: 1, reused: false });
    expect(privacy.threshold).toBeGreaterThan(2);
    expect(privacy.budget.spent.epsilon).toBe(3);
    expect(privacy.budget.left.epsilon).toBe(21);
  });

  it('serves a release again within reuseSeconds at no cost, and spends again after', async () => {
    const clock = { t: NOW };
    const { posts, events } = network();
    const releases = createPrivateReleases({ store: fakeStore(posts, events), dp: dp({ reuseSeconds: 60 }), random: seededRandom(2), now: () => clock.t });
    const a = await releases.trending('posts');
    clock.t += 30_000;
    const b = await releases.trending('posts');
    expect(b.value).toEqual(a.value);
    expect(b.privacy.reused).toBe(true);
    expect(b.privacy.budget.spent.epsilon).toBe(1);
    clock.t += 31_000;
    const c = await releases.trending('posts');
    expect(c.privacy.reused).toBe(false);
    expect(c.privacy.budget.spent.epsilon).toBe(2);
  });

  it('refuses a release over budget with PRIVACY_BUDGET_EXCEEDED, without reading the store', async () => {
    const { posts, events } = network();
    let reads = 0;
    const store = fakeStore(posts, events);
    const counting = { ...store, eventsBetween: async (s: number, b: number) => (reads++, store.eventsBetween(s, b)) };
    const releases = createPrivateReleases({ store: counting, dp: dp({ epsilon: 2, budgetPerDay: { epsilon: 3, delta: 1e-4 }, reuseSeconds: 0 }), random: seededRandom(3), now: () => NOW });
    await releases.trending('hashtags');
    expect(reads).toBe(1);
    const refused = await releases.trending('hashtags').catch((e: unknown) => e);
    expect(isResonateError(refused, 'PRIVACY_BUDGET_EXCEEDED')).toBe(true);
    expect(reads).toBe(1);
  });

  it('releases stats with the gaussian mechanism: users, capped posts and events, never negative', async () => {
    const { posts, events } = network();
    const releases = createPrivateReleases({ store: fakeStore(posts, events, 5000), dp: dp({ mechanism: 'gaussian', epsilon: 8 }), random: seededRandom(4), now: () => NOW });
    const { value, privacy } = await releases.stats();
    // Events in the window: 300 + 2 + 1 hide, and the spammer's 1000 capped at statsCap = 10.
    expect(Math.abs(value.events - 313)).toBeLessThan(6 * privacy.noiseSd);
    expect(Math.abs(value.users - 5000)).toBeLessThan(6 * privacy.noiseSd);
    expect(value.posts).toBeGreaterThanOrEqual(0);
    expect(privacy.threshold).toBeUndefined();
    expect(privacy.budget.spent.epsilon).toBeGreaterThan(0);
    expect(privacy.budget.spent.epsilon).toBeLessThanOrEqual(8);
  });
});
