/**
 * @module Unlearning erased users from a serving set: what their erasure removes from the snapshot (their
 * interactions, their posts with everyone's interactions on them, their follows), the snapshot without it, and
 * every model that can `forget` brought to the state a fit on that snapshot gives. Models without `forget` (factor
 * and neural models) are returned as stale: they still hold the users until a retraining replaces them.
 */
import type { Dataset } from '../data/dataset.js';
import { datasetWithout, type Removal } from '../data/dataset-without.js';
import type { Recommender } from '../models/recommender.js';

/** The removal erasing these users means for a snapshot; `posts` adds further erased posts (deleted replies). */
export function removalOf(data: Dataset, userIds: Iterable<string>, posts: Iterable<string> = []): Removal {
  const users = new Set<number>();
  for (const id of userIds) {
    const u = data.users.index(id);
    if (u >= 0) users.add(u);
  }
  const items = new Set<number>();
  for (let i = 0; i < data.itemAuthors.length; i++) if (users.has(data.itemAuthors[i]!)) items.add(i);
  for (const id of posts) {
    const i = data.items.index(id);
    if (i >= 0) items.add(i);
  }
  return { users: [...users].sort((a, b) => a - b), items: [...items].sort((a, b) => a - b) };
}

export interface Unlearned {
  /** The snapshot without the removal (same dense ids). */
  dataset: Dataset;
  /** Keys of the models that cannot forget (they still hold the removed data). */
  stale: string[];
}

/** Applies `forget` to every model that has it, in place; the others are listed as stale. */
export function unlearnModels(data: Dataset, models: ReadonlyMap<string, Recommender>, removal: Removal): Unlearned {
  const dataset = datasetWithout(data, removal);
  const stale: string[] = [];
  for (const [key, model] of models) {
    if (model.forget) model.forget(dataset, removal);
    else stale.push(key);
  }
  return { dataset, stale };
}

/** Ids of the snapshot's users that are erased: a version trained or saved before their erasure still holds them. */
export function erasedIn(data: Dataset, isErased: (id: string) => boolean): string[] {
  return data.users.ids().filter(isErased);
}
