/**
 * Media vectors end to end: posts carry image embeddings in `features.vectors.image` (dimension declared in the
 * config); a wrong dimension, NaN or an undeclared name is VECTOR_INVALID (400) and nothing is written; the
 * content model serves recommendations and similar posts that follow the planted clusters of the vectors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { MEDIA_DIM, PER_CLUSTER, plantedMedia, READERS } from '../fixtures/planted-media.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
let engine: Engine;

beforeAll(async () => {
  const started = Date.now();
  engine = await createEngine({
    clock: () => T0 + 3_600_000 + (Date.now() - started),
    overrides: {
      store: { url: 'sqlite://:memory:' },
      models: { ranker: false, behavior: false, validate: false },
      features: { vectors: { image: { dim: MEDIA_DIM } } },
      feed: { sources: [{ id: 'content/tfidf', weight: 1 }], similar: 'content/tfidf', materializeUsers: 0, authorCap: 10, exploration: { every: 0 } },
    },
  });
  const { posts, events } = plantedMedia();
  await engine.ingest('users', [{ id: 'w' }, ...Object.keys(READERS).map((id) => ({ id }))]);
  await engine.ingest('posts', posts.map((p) => ({ ...p, created_at: T0 + p.created_at })));
  await engine.ingest('events', events.map((e) => ({ ...e, timestamp: T0 + e.timestamp })));
  await engine.train({ save: false });
}, 60_000);

afterAll(() => engine.close());

describe('media vectors', () => {
  it('refuses a vector of the wrong dimension, with NaN or of an undeclared name (VECTOR_INVALID, 400), writing nothing', async () => {
    const post = (id: string, vectors: Record<string, unknown[]>): Record<string, unknown> => ({ id, author: 'w', text: 'x', created_at: T0, features: { vectors } });
    const good = post('ok', { image: new Array<number>(MEDIA_DIM).fill(0.5) });
    const bads: Record<string, unknown[]>[] = [{ image: [1, 2] }, { image: [...new Array<number>(MEDIA_DIM - 1).fill(0), NaN] }, { audio: new Array<number>(MEDIA_DIM).fill(0) }];
    for (const bad of bads) {
      await expect(engine.ingest('posts', [good, post('bad', bad)])).rejects.toMatchObject({ code: 'VECTOR_INVALID', statusCode: 400 });
    }
    expect(await engine.store.getPost('ok')).toBeUndefined();
  });

  it('keeps the vector with the post', async () => {
    const stored = await engine.store.getPost('a0');
    expect((stored!.features!.vectors as Record<string, number[]>).image).toHaveLength(MEDIA_DIM);
  });

  it('similar posts follow the clusters of the image vectors', async () => {
    for (const id of ['a4', 'b1']) {
      const similar = (await engine.similarPosts(id, PER_CLUSTER - 1)).map((s) => s.postId);
      expect(similar).toHaveLength(PER_CLUSTER - 1);
      for (const s of similar) expect(s[0], `${id} → ${s}`).toBe(id[0]);
    }
  });

  it('the feed shows each reader the unseen posts of the cluster they liked first', async () => {
    for (const [user, cluster] of Object.entries(READERS)) {
      const items = (await engine.feed(user)).items;
      const top = items.slice(0, 3).map((i) => i.postId);
      expect(top.sort(), user).toEqual([3, 4, 5].map((i) => `${cluster}${i}`));
      // A page shows the posts without their vectors.
      for (const i of items) expect(i.post.features?.vectors).toBeUndefined();
    }
  });
});
