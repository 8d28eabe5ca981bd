import { describe, expect, it } from 'vitest';
import { plantedMedia, READERS } from '../../../test/fixtures/planted-media.js';
import { buildDataset } from '../../data/dataset-builder.js';
import { loadModel, registerModel } from '../registry.js';
import { twoTowerFactory, TwoTowerRecommender } from './two-tower.js';
registerModel(twoTowerFactory);

describe('two-tower with media vectors', () => {
  it('places cold items by their image vectors: each reader gets the unseen posts of the cluster they liked', async () => {
    // a3–a5 and b3–b5 have no interactions and texts of their own: only their vectors tell where they belong.
    const data = buildDataset(plantedMedia());
    const model = new TwoTowerRecommender({ epochs: 150, batchSize: 8, validationFraction: 0, idDropout: 0.5, embeddingDim: 8, hidden: 16, outputDim: 8, textBuckets: 256 });
    await model.fit(data, { seed: 3 });
    for (const [user, cluster] of Object.entries(READERS)) {
      const top = model.recommend(data.users.index(user), { k: 3 }).map((r) => data.items.id(r.item));
      expect(top.sort(), user).toEqual([3, 4, 5].map((i) => `${cluster}${i}`));
    }
    const similar = model.similarItems(data.items.index('a4'), 2).map((r) => data.items.id(r.item));
    for (const id of similar) expect(id[0]).toBe('a');
    // The same training without the vectors does not find them.
    const { posts, events } = plantedMedia();
    const blind = buildDataset({ posts: posts.map(({ features: _f, ...p }) => p), events });
    const control = new TwoTowerRecommender(model.params);
    await control.fit(blind, { seed: 3 });
    const found = Object.entries(READERS).every(([user, cluster]) =>
      control.recommend(blind.users.index(user), { k: 3 }).every((r) => blind.items.id(r.item).startsWith(cluster)));
    expect(found).toBe(false);
    // The saved model keeps the media input.
    const restored = loadModel(model.save());
    expect(restored.recommend(data.users.index('ra'), { k: 3 })).toEqual(model.recommend(data.users.index('ra'), { k: 3 }));
  });
});
