/**
 * @module Test fixture: a small synthetic network (known engagement model, `src/data/synthetic/engagement.ts`)
 * built into a Dataset, cached per (users, seed).
 */
import { DatasetBuilder } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import { generateNetwork, type SyntheticNetwork } from '../../data/synthetic/index.js';

const cache = new Map<string, { net: SyntheticNetwork; data: Dataset }>();

/** The synthetic network of `users` users and its Dataset. */
export function syntheticDataset(users: number, seed: number): { net: SyntheticNetwork; data: Dataset } {
  const key = `${users}:${seed}`;
  let hit = cache.get(key);
  if (!hit) {
    const net = generateNetwork({ users, seed });
    const b = new DatasetBuilder();
    for (const batch of net.batches()) {
      for (const u of batch.users ?? []) b.addUser(u);
      for (const p of batch.posts ?? []) b.addPost(p);
      for (const f of batch.follows ?? []) b.addFollow(f);
      for (const e of batch.events ?? []) b.addEvent(e);
    }
    hit = { net, data: b.build() };
    cache.set(key, hit);
  }
  return hit;
}
