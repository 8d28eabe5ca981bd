/**
 * @module Post lookup for the feed: from the dataset snapshot (in memory: one ranking looks up hundreds of
 * candidates), then from the Store for posts written since the snapshot. An edit made since the snapshot shows
 * in the hydrated page (read from the Store) but not in an explanation's quote until the next training.
 */
import type { Dataset } from '../data/dataset.js';
import type { Store } from '../storage/store.js';
import type { PostInfo } from './types.js';

/** Info of each id found, with at most one Store read. */
export async function loadPostInfo(store: Store, dataset: Dataset, ids: readonly string[]): Promise<Map<string, PostInfo>> {
  const out = new Map<string, PostInfo>();
  const missing: string[] = [];
  for (const id of ids) {
    const info = datasetPostInfo(dataset, id);
    if (info) out.set(id, info);
    else missing.push(id);
  }
  if (missing.length === 0) return out;
  for (const p of await store.getPosts(missing)) {
    out.set(p.id, { id: p.id, author: p.author, text: p.text, tags: p.tags, createdAt: p.created_at, lang: p.lang ?? null });
  }
  return out;
}

/** PostInfo of snapshot posts by dense index, made at first use: a ranking looks up hundreds, the snapshot does not change. */
const infoCache = new WeakMap<Dataset, (PostInfo | null | undefined)[]>();

export function datasetPostInfo(dataset: Dataset, id: string): PostInfo | undefined {
  const i = dataset.items.index(id);
  if (i < 0) return undefined;
  let cache = infoCache.get(dataset);
  if (!cache) infoCache.set(dataset, (cache = new Array<PostInfo | null | undefined>(dataset.items.size)));
  const known = cache[i];
  if (known !== undefined) return known ?? undefined;
  const info: PostInfo | null =
    dataset.itemAuthors[i]! < 0
      ? null
      : Object.freeze({
          id,
          author: dataset.users.id(dataset.itemAuthors[i]!),
          text: dataset.itemTexts[i] ?? '',
          tags: dataset.itemTags[i] ?? [],
          createdAt: dataset.itemCreatedAt[i]!,
          lang: dataset.itemLangs?.[i] ?? null,
        });
  cache[i] = info;
  return info ?? undefined;
}
