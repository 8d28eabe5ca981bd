import { describe, expect, it } from 'vitest';
import type { Impression } from '../../data/impressions.js';
import type { Event, Post } from '../../data/schemas.js';
import { collectOutcomes, type OutcomeStore } from './outcomes.js';
import { summarize } from './summarize.js';
import { reportMarkdown } from './markdown.js';

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000, HOUR = 60 * MIN, DAY = 24 * HOUR;

function page(requestId: string, userId: string, at: number, posts: string[], experiment?: string): Impression[] {
  return posts.map((postId, position) => ({ requestId, userId, postId, position, source: 's', score: 1, policy: 'blend', propensity: 1, at, ...(experiment ? { experiment } : {}) }));
}

let n = 0;
function event(user: string, type: Event['type'], at: number, extra: Partial<Event> = {}): Event {
  return { id: `e${n++}`, user, type, timestamp: at, ...extra } as Event;
}

function fakeStore(impressions: Impression[], events: Event[], posts: Pick<Post, 'id' | 'author'>[]): OutcomeStore {
  return {
    async *scanImpressions(q = {}) {
      for (const i of impressions) if (i.at >= (q.since ?? -Infinity) && i.at < (q.before ?? Infinity)) yield i;
    },
    async eventsBetween(since, before, q = {}) {
      return events.filter((e) => e.timestamp >= since && e.timestamp < before && (!q.types || q.types.includes(e.type)));
    },
    async *scanPosts() {
      for (const p of posts) yield p as Post;
    },
  };
}

describe('experiment outcomes', () => {
  const impressions = [
    ...page('r1', 'u1', T0 + MIN, ['p1', 'p2'], 'x:c'),
    ...page('r2', 'u1', T0 + 10 * MIN, ['p3'], 'x:c'),
    // Two hours later: a second session.
    ...page('r3', 'u1', T0 + 2 * HOUR, ['p1'], 'x:c'),
    ...page('r4', 'u2', T0 + 5 * MIN, ['p2', 'p4'], 'x:t'),
    // Not in the experiment: no label, another experiment.
    ...page('r5', 'u3', T0 + MIN, ['p5']),
    ...page('r6', 'u4', T0 + MIN, ['p5'], 'y:c'),
  ];
  const events = [
    event('u1', 'like', T0 + 2 * MIN, { post: 'p1', request_id: 'r1' }),
    // A second engagement with the same impression: one engaged impression.
    event('u1', 'comment', T0 + 3 * MIN, { post: 'p1', request_id: 'r1' }),
    event('u1', 'share', T0 + 11 * MIN, { post: 'p3', request_id: 'r2' }),
    event('u1', 'dwell', T0 + 2 * MIN, { post: 'p2', request_id: 'r1', value: 4 }),
    // A hide without a request id during the experiment counts for the user; one before it does not.
    event('u1', 'hide', T0 + HOUR, { post: 'p9' }),
    event('u1', 'hide', T0 - HOUR, { post: 'p9' }),
    event('u2', 'like', T0 + 6 * MIN, { post: 'p4', request_id: 'r4' }),
    event('u2', 'report', T0 + 6 * MIN, { post: 'p2', request_id: 'r4' }),
    // A like naming a served request but a post it did not show joins nothing.
    event('u2', 'like', T0 + 6 * MIN, { post: 'p9', request_id: 'r4' }),
    // Pre-period (the two days before): u1 liked once; u2's like is older than that.
    event('u1', 'like', T0 - DAY, { post: 'p5' }),
    event('u2', 'like', T0 - 3 * DAY, { post: 'p5' }),
    event('u3', 'like', T0 + 2 * MIN, { post: 'p5', request_id: 'r5' }),
  ];
  const posts = [{ id: 'p1', author: 'a' }, { id: 'p2', author: 'a' }, { id: 'p3', author: 'b' }, { id: 'p4', author: 'c' }, { id: 'p5', author: 'd' }];
  const experiment = { name: 'x', arms: [{ name: 'c', share: 0.5 }, { name: 't', share: 0.5 }] };

  it('counts each exposed user by hand', async () => {
    const o = await collectOutcomes(fakeStore(impressions, events, posts), { name: 'x', arms: ['c', 't'], start: T0, stop: T0 + 2 * DAY });
    expect([...o.arms.get('c')!.users.keys()]).toEqual(['u1']);
    expect(o.arms.get('c')!.users.get('u1')).toEqual({ impressions: 4, engaged: 2, likes: 1, shares: 1, hides: 1, reports: 0, dwellSeconds: 4, sessions: 2, preEngagement: 1 });
    expect(o.arms.get('t')!.users.get('u2')).toEqual({ impressions: 2, engaged: 1, likes: 1, shares: 0, hides: 0, reports: 1, dwellSeconds: 0, sessions: 1, preEngagement: 0 });
    expect(o.catalogue).toEqual({ posts: 5, authors: 4 });
  });

  it('summarizes per arm: ratios, sessions per day, coverage', async () => {
    const o = await collectOutcomes(fakeStore(impressions, events, posts), { name: 'x', arms: ['c', 't'], start: T0, stop: T0 + 2 * DAY });
    const r = summarize(o, experiment);
    const [c, t] = r.arms;
    expect(c!.metrics.ctr.value).toBe(0.5);
    expect(t!.metrics.ctr.value).toBe(0.5);
    expect(c!.metrics.dwellSecondsPerImpression.value).toBe(1);
    expect(c!.metrics.sessionDepth.value).toBe(2);
    expect(c!.metrics.sessionsPerUserDay.value).toBe(1);
    expect(t!.metrics.sessionsPerUserDay.value).toBe(0.5);
    expect(t!.metrics.reportsPerImpression.value).toBe(0.5);
    expect([c!.catalogueCoverage, t!.catalogueCoverage]).toEqual([3 / 5, 2 / 5]);
    expect([c!.authorCoverage, t!.authorCoverage]).toEqual([2 / 4, 2 / 4]);
    expect(r.sampleRatio.pValue).toBe(1);
    expect(r.comparisons.find((x) => x.metric === 'sessionsPerUserDay')!.difference.value).toBe(-0.5);
    expect(reportMarkdown(r)).toContain('| sessionDepth | 2.0000 [2.0000, 2.0000]');
  });

  it('opens the window at the first labelled page when the experiment has no start', async () => {
    const o = await collectOutcomes(fakeStore(impressions, events, posts), { name: 'x', arms: ['c', 't'], stop: T0 + 2 * DAY });
    expect(o.start).toBe(T0 + MIN);
    // The share at T0 + 11 min is still inside; the pre-period is the same length before T0 + 1 min.
    expect(o.arms.get('c')!.users.get('u1')!.shares).toBe(1);
  });
});
