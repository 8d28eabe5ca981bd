/**
 * @module Small datasets with known answers for the classical models' tests (planted structure, hand cases).
 */
import { IdMap } from '../../core/id-map.js';
import type { Rng } from '../../core/rng.js';
import { datasetFromInteractions } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';

/** A dataset from (user, item[, weight]) triples over nUsers × nItems dense ids "u0…", "i0…". */
export function tinyDataset(nUsers: number, nItems: number, pairs: ReadonlyArray<readonly [number, number, number?]>, time?: ArrayLike<number>): Dataset {
  const users = IdMap.from(Array.from({ length: nUsers }, (_, u) => `u${u}`));
  const items = IdMap.from(Array.from({ length: nItems }, (_, i) => `i${i}`));
  return datasetFromInteractions({
    users,
    items,
    user: pairs.map((p) => p[0]),
    item: pairs.map((p) => p[1]),
    weight: pairs.map((p) => p[2] ?? 1),
    ...(time ? { time } : {}),
  });
}

/**
 * Planted block structure: `groups` user groups each liking its own block of items with probability `pIn`
 * (and any other item with `pOut`). Holds out one liked in-block item per user, so a model that learns the
 * structure ranks held-out items high. Returns the training dataset and the held-out item per user.
 */
export function plantedBlocks(rng: Rng, opts: { users: number; items: number; groups: number; pIn: number; pOut: number }): { train: Dataset; heldOut: Int32Array; group: (u: number) => number; itemGroup: (i: number) => number } {
  const { users, items, groups, pIn, pOut } = opts;
  const group = (u: number): number => u % groups;
  const itemGroup = (i: number): number => i % groups;
  const pairs: [number, number][] = [];
  const heldOut = new Int32Array(users).fill(-1);
  for (let u = 0; u < users; u++) {
    const liked: number[] = [];
    for (let i = 0; i < items; i++) {
      const p = itemGroup(i) === group(u) ? pIn : pOut;
      if (rng.next() < p) liked.push(i);
    }
    const inBlock = liked.filter((i) => itemGroup(i) === group(u));
    if (inBlock.length > 1) heldOut[u] = inBlock[rng.int(inBlock.length)]!;
    for (const i of liked) if (i !== heldOut[u]) pairs.push([u, i]);
  }
  return { train: tinyDataset(users, items, pairs), heldOut, group, itemGroup };
}

/**
 * Scores a model on `plantedBlocks`: the share of top-5 recommendations inside the user's block, and the share
 * of held-out items in the top 10 (each user has about items/groups·(1−pIn) unseen in-block items, fewer than 10).
 */
export function blockScores(
  model: { recommend(users: ArrayLike<number>, o: { k: number }): { item: number }[][] },
  fx: { heldOut: Int32Array; group: (u: number) => number; itemGroup: (i: number) => number },
): { precision: number; heldOutHit: number } {
  const users = Array.from(fx.heldOut.keys());
  const recs = model.recommend(users, { k: 10 });
  let inBlock = 0, shown = 0, hits = 0, total = 0;
  users.forEach((u, j) => {
    const r = recs[j]!;
    for (const x of r.slice(0, 5)) { shown++; if (fx.itemGroup(x.item) === fx.group(u)) inBlock++; }
    if (fx.heldOut[u]! >= 0) { total++; if (r.some((x) => x.item === fx.heldOut[u])) hits++; }
  });
  return { precision: inBlock / shown, heldOutHit: hits / total };
}
