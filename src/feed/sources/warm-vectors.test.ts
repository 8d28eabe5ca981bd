import { describe, expect, it } from 'vitest';
import { buildDataset } from '../../data/dataset-builder.js';
import { InterestProfiles } from '../interest-profiles.js';
import { warmSnapshotVectors } from './warm-vectors.js';

const posts = Array.from({ length: 250 }, (_, p) => ({ id: `p${p}`, author: `u${p % 3}`, text: `post ${p} about ${['jazz', 'garden', 'food'][p % 3]} and topic${p % 11}`, created_at: 1000 + p, tags: [`t${p % 5}`] }));
const dataset = buildDataset({ users: [{ id: 'u0' }, { id: 'u1' }, { id: 'u2' }], posts, events: [{ id: 'e', user: 'u0', type: 'like', post: 'p1', timestamp: 5000 }] });

describe('warmSnapshotVectors', () => {
  it('fills the newest posts once, with the vectors made on demand', async () => {
    const profiles = new InterestProfiles(dataset);
    expect(await warmSnapshotVectors(profiles, dataset, 120)).toBe(120);
    // Once per profiles object.
    expect(await warmSnapshotVectors(profiles, dataset, 120)).toBe(0);
    const onDemand = new InterestProfiles(dataset);
    const items = [0, 7, 129, 130, 249].map((p) => dataset.items.index(`p${p}`));
    expect(profiles.snapshotVectors(items)).toEqual(onDemand.snapshotVectors(items));
    expect(profiles.snapshotVectors(items)).toEqual(onDemand.vectorize(items.map((i) => ({ text: dataset.itemTexts[i]!, tags: dataset.itemTags[i]! }))));
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await warmSnapshotVectors(new InterestProfiles(dataset), dataset, 250, controller.signal)).toBe(0);
  });
});
