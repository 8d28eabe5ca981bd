/**
 * The ingest path: only newly stored events reach the online updates, and live writes from the future are refused.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false }, feed: { materializeUsers: 0, similar: 'item-knn/cosine' } } });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
});

afterAll(() => engine.close());

describe('ingest', () => {
  it('applies a retried event to the online models once', async () => {
    const knn = engine.models.get('item-knn/cosine')!;
    const spy = vi.spyOn(knn, 'partialFit');
    const like = { id: 'retry-1', user: 'eve', type: 'like', post: 'c00', timestamp: Date.parse('2026-01-02T00:00:00Z') };
    expect(await engine.ingest('events', [like, like])).toMatchObject({ events: 1 });
    expect(await engine.ingest('events', [like])).toMatchObject({ events: 0, duplicateEvents: 1 });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(Object.keys(await engine.ingest('events', []))).not.toContain('insertedEventIds');
  });

  it('refuses live events later than the clock plus the tolerance, and keeps historical ones', async () => {
    await expect(engine.ingest('events', [{ id: 'future', user: 'eve', type: 'like', post: 'c01', timestamp: '2100-01-01T00:00:00Z' }])).rejects.toMatchObject({ code: 'TIMESTAMP_IN_FUTURE', statusCode: 400 });
    await expect(engine.ingest('events', [{ id: 'old', user: 'eve', type: 'like', post: 'c01', timestamp: '1997-09-20T00:00:00Z' }])).resolves.toMatchObject({ events: 1 });
  });
});
