import { describe, expect, it } from 'vitest';
import { MEDIA_DIM, PER_CLUSTER, plantedMedia } from '../../../test/fixtures/planted-media.js';
import { buildDataset } from '../../data/dataset-builder.js';
import { createModel, loadModel, registerModel } from '../registry.js';
import { mediaRows } from '../shared/media-vectors.js';
import { contentTfidfFactory } from './tfidf.js';
registerModel(contentTfidfFactory);

const DIM = MEDIA_DIM;

describe('content/tfidf with media vectors', () => {
  const data = buildDataset(plantedMedia());

  it('keeps each post\'s vector in the snapshot', () => {
    const image = data.itemVectors!.image!;
    expect(image.dim).toBe(DIM);
    expect(Array.from(image.present)).toEqual(new Array(2 * PER_CLUSTER).fill(1));
    const rows = mediaRows(data, 1)!;
    // Unit rows at α = 1 (√α · unit vector).
    for (let i = 0; i < data.items.size; i++) expect(Math.hypot(...rows.rows.subarray(i * DIM, (i + 1) * DIM))).toBeCloseTo(1, 5);
    expect(mediaRows(data, 0)).toBeUndefined();
  });

  it('recommends the unseen posts of the cluster a reader liked, and finds similar posts by their vectors', async () => {
    const model = createModel('content/tfidf');
    await model.fit(data);
    for (const [u, c] of [['ra', 'a'], ['rb', 'b']] as const) {
      const top = model.recommend(data.users.index(u), { k: 3 }).map((r) => data.items.id(r.item));
      expect(top.sort(), u).toEqual([3, 4, 5].map((i) => `${c}${i}`));
    }
    const similar = model.similarItems(data.items.index('b4'), PER_CLUSTER - 1).map((r) => data.items.id(r.item));
    expect(similar.sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b5']);
    // The saved model answers the same.
    const restored = loadModel(model.save());
    expect(restored.recommend(data.users.index('ra'), { k: 3 })).toEqual(model.recommend(data.users.index('ra'), { k: 3 }));
  });

  it('without the media (mediaWeight 0) the texts alone say nothing: no post scores', async () => {
    const model = createModel('content/tfidf', { mediaWeight: 0 });
    await model.fit(data);
    expect(model.recommend(data.users.index('ra'), { k: 3 }).every((r) => r.score === 0)).toBe(true);
  });
});
