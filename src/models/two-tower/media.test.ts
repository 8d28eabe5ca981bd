import { describe, expect, it } from 'vitest';
import { MEDIA_DIM, plantedMedia, READERS } from '../../../test/fixtures/planted-media.js';
import { buildDataset } from '../../data/dataset-builder.js';
import { loadModel, registerModel } from '../registry.js';
import { twoTowerFactory, TwoTowerRecommender } from './two-tower.js';
import { createRng } from '../../core/rng.js';
import { csrMap } from '../../math/csr.js';
import { noGrad } from '../../nn/tensor.js';
import { dpTwoTowerFactory, dpTwoTowerParamsSchema, DpTwoTowerNet, DpTwoTowerRecommender } from './dp-two-tower.js';
import { buildFeatures, itemTower } from './two-tower.js';
registerModel(twoTowerFactory);
registerModel(dpTwoTowerFactory);

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

describe('DP two-tower with media vectors', () => {
  const params = { noiseMultiplier: 0, clip: 100, sampleRate: 1, epochs: 5, negatives: 8, positivesPerVisit: 3, embeddingDim: 8, hidden: 16, outputDim: 8, textBuckets: 256, secureRandomness: false };

  it('feeds the image vectors into its item tower (the two-tower code): with the other inputs zeroed, posts group by their planted cluster', () => {
    const data = buildDataset(plantedMedia());
    const p = dpTwoTowerParamsSchema.parse(params);
    const train = csrMap(data.interactions, () => 1);
    const f = buildFeatures(data, train, undefined, { ...p, maxFollowees: 0 });
    expect(f.mediaDim).toBe(MEDIA_DIM);
    const net = new DpTwoTowerNet(train.rows, train.cols, p, createRng(1), f.mediaDim);
    expect(net.namedParameters().map(([n]) => n)).toContain('mediaProj');
    // Only the image vectors differ between posts now: ids, texts and the (single) author read as zeros.
    for (const t of [net.itemId, net.textProj, net.author]) t.data.fill(0);
    const ids = Int32Array.from({ length: f.nItems }, (_, i) => i);
    const v = noGrad(() => itemTower(net, f, p, ids, () => true)).data, D = p.outputDim;
    const cos = (i: number, j: number): number => { let s = 0; for (let d = 0; d < D; d++) s += v[i * D + d]! * v[j * D + d]!; return s; };
    const cluster = (i: number): string => data.items.id(i)[0]!;
    let same = 0, cross = 0, nSame = 0, nCross = 0;
    for (let i = 0; i < f.nItems; i++) for (let j = i + 1; j < f.nItems; j++) {
      if (cluster(i) === cluster(j)) { same += cos(i, j); nSame++; } else { cross += cos(i, j); nCross++; }
    }
    expect(same / nSame).toBeGreaterThan(cross / nCross);
    // Each post's nearest other post is in its cluster.
    for (let i = 0; i < f.nItems; i++) {
      let best = -1;
      for (let j = 0; j < f.nItems; j++) if (j !== i && (best < 0 || cos(i, j) > cos(i, best))) best = j;
      expect(cluster(best), data.items.id(i)).toBe(cluster(i));
    }
  });

  it('trains the media projection and keeps it through save and load', async () => {
    const data = buildDataset(plantedMedia());
    const model = new DpTwoTowerRecommender(params);
    await model.fit(data, { seed: 3 });
    const saved = model.save();
    expect(saved.state.mediaDim).toBe(MEDIA_DIM);
    const proj = saved.tensors['net.mediaProj']!;
    expect(proj.shape).toEqual([MEDIA_DIM, 8]);
    const fresh = new DpTwoTowerNet(2, 12, dpTwoTowerParamsSchema.parse(params), createRng(3).fork(), MEDIA_DIM);
    expect([...proj.data]).not.toEqual([...fresh.mediaProj!.data]);
    const restored = loadModel(saved);
    expect(restored.recommend(data.users.index('ra'), { k: 3 })).toEqual(model.recommend(data.users.index('ra'), { k: 3 }));
    expect(restored.similarItems(data.items.index('a4'), 3)).toEqual(model.similarItems(data.items.index('a4'), 3));
  });
});
