import { describe, expect, it } from 'vitest';
import { buildDataset, datasetFromInteractions, eventWeight } from './dataset-builder.js';
import { DEFAULT_CONFIG } from '../core/config.js';
import { csrGet, rowIndices } from '../math/csr.js';
import { IdMap } from '../core/id-map.js';
import type { Event, Post } from './schemas.js';

const post = (id: string, author: string, t: number): Post => ({ id, author, text: `text of ${id}`, created_at: t, tags: ['x'] });
const ev = (id: string, user: string, type: Event['type'], t: number, extra: Partial<Event> = {}): Event => ({ id, user, type, timestamp: t, ...extra });

describe('DatasetBuilder', () => {
  it('weights events by type and keeps negatives and follows apart', () => {
    const w = DEFAULT_CONFIG.weights;
    const d = buildDataset({
      users: [{ id: 'u1' }, { id: 'u2' }],
      posts: [post('p1', 'u2', 0), post('p2', 'u2', 5)],
      follows: [{ follower: 'u1', followee: 'u2' }],
      events: [
        ev('e3', 'u1', 'share', 30, { post: 'p1' }),
        ev('e1', 'u1', 'like', 10, { post: 'p1' }),
        ev('e2', 'u1', 'view', 20, { post: 'p2' }),
        ev('e4', 'u1', 'hide', 40, { post: 'p2' }),
        ev('e5', 'u2', 'rating', 50, { post: 'p1', value: 4 }),
        ev('e6', 'u2', 'dwell', 60, { post: 'p2', value: 15 }),
        ev('e7', 'u1', 'unfollow', 70, { target_user: 'u2' }),
      ],
    });
    const u1 = d.users.index('u1'), u2 = d.users.index('u2');
    const p1 = d.items.index('p1'), p2 = d.items.index('p2');
    expect(csrGet(d.interactions, u1, p1)).toBeCloseTo(w.like + w.share);
    expect(csrGet(d.interactions, u1, p2)).toBeCloseTo(w.view);
    expect(csrGet(d.interactions, u2, p1)).toBeCloseTo(4 * w.rating);
    expect(csrGet(d.interactions, u2, p2)).toBeCloseTo(0.5 * w.dwell);
    expect(csrGet(d.negatives, u1, p2)).toBe(1);
    // The unfollow event (t=70) removes the follow edge.
    expect(rowIndices(d.follows, u1).length).toBe(0);
    expect(Array.from(d.log.time)).toEqual([10, 20, 30, 50, 60]);
    expect(d.itemAuthors[p1]).toBe(u2);
    expect(d.itemTexts[p2]).toBe('text of p2');
    expect(d.now).toBe(70);
    // Latest time per pair is kept aligned with the matrix.
    const k = Array.from(rowIndices(d.interactions, u1)).indexOf(p1) + d.interactions.indptr[u1]!;
    expect(d.interactionTimes[k]).toBe(30);
  });

  it('eventWeight follows the documented formulas', () => {
    const w = DEFAULT_CONFIG.weights;
    expect(eventWeight({ type: 'dwell', value: 60 }, w)).toBe(w.dwell);
    expect(eventWeight({ type: 'rating', value: 2 }, w)).toBe(2 * w.rating);
    expect(eventWeight({ type: 'report' }, w)).toBe(w.report);
  });

  it('builds from interaction rows in time order', () => {
    const users = IdMap.from(['a', 'b']);
    const items = IdMap.from(['x', 'y', 'z']);
    const d = datasetFromInteractions({ users, items, user: [1, 0, 0], item: [2, 0, 0], weight: [1, 2, 3], time: [30, 20, 10] });
    expect(csrGet(d.interactions, 0, 0)).toBe(5);
    expect(Array.from(d.log.time)).toEqual([10, 20, 30]);
    expect(d.now).toBe(30);
  });

  it('"now" ignores a far-future event or post among normal ones, and is the latest time otherwise', () => {
    const t0 = Date.UTC(2024, 4, 1);
    const hour = 3_600_000;
    const far = Date.UTC(2100, 0, 1);
    const events = Array.from({ length: 200 }, (_, i) => ev(`e${i}`, `u${i % 7}`, 'like', t0 + i * hour, { post: `p${i % 5}` }));
    const normal = t0 + 199 * hour;
    expect(buildDataset({ events }).now).toBe(normal);
    expect(buildDataset({ events: [...events, ev('x', 'u1', 'like', far, { post: 'p1' })] }).now).toBe(normal);
    expect(buildDataset({ posts: [post('late', 'u1', far)], events }).now).toBe(normal);
    // Old data stays old: MovieLens-era times with nothing ahead of the clock keep their latest time.
    expect(buildDataset({ events: [ev('a', 'u', 'rating', 874_965_758_000, { post: 'p', value: 4 })] }).now).toBe(874_965_758_000);
    // Data wholly ahead of the clock (a fixture, a clock set wrong) keeps its latest time, not its outlier.
    const clock = { clock: () => Date.UTC(2020, 0, 1) };
    expect(buildDataset({ events }, DEFAULT_CONFIG.weights, clock).now).toBe(normal);
    expect(buildDataset({ events: [...events, ev('x', 'u1', 'like', far, { post: 'p1' })] }, DEFAULT_CONFIG.weights, clock).now).toBe(normal);
    const users = IdMap.from(['a']);
    const items = IdMap.from(['x']);
    const fromRows = datasetFromInteractions({ users, items, user: [0, 0, 0], item: [0, 0, 0], time: [t0, t0 + hour, far] });
    expect(fromRows.now).toBe(t0 + hour);
  });
});
