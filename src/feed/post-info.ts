/**
 * @module Post lookup for the feed: from the Store (fresh posts included), falling back to the dataset snapshot
 * for posts only it knows.
 */
import type { Dataset } from '../data/dataset.js';
import type { Store } from '../storage/store.js';
import type { PostInfo } from './types.js';

/** Info of each id found, in one Store read. */
export async function loadPostInfo(store: Store, dataset: Dataset, ids: readonly string[]): Promise<Map<string, PostInfo>> {
  const out = new Map<string, PostInfo>();
  if (ids.length === 0) return out;
  for (const p of await store.getPosts(ids)) {
    out.set(p.id, { id: p.id, author: p.author, text: p.text, tags: p.tags, createdAt: p.created_at });
  }
  for (const id of ids) {
    if (out.has(id)) continue;
    const info = datasetPostInfo(dataset, id);
    if (info) out.set(id, info);
  }
  return out;
}

export function datasetPostInfo(dataset: Dataset, id: string): PostInfo | undefined {
  const i = dataset.items.index(id);
  if (i < 0 || dataset.itemAuthors[i]! < 0) return undefined;
  return {
    id,
    author: dataset.users.id(dataset.itemAuthors[i]!),
    text: dataset.itemTexts[i] ?? '',
    tags: dataset.itemTags[i] ?? [],
    createdAt: dataset.itemCreatedAt[i]!,
  };
}
