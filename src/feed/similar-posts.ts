/**
 * @module Posts similar to a post: the configured similar-posts model's neighbours (`feed.similar`, item-kNN
 * by default), then the same author's posts, then posts sharing a tag, newest first.
 */
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import type { Store } from '../storage/store.js';
import { handle } from './explain.js';
import type { FeedItem, PostInfo } from './types.js';
import { CATALOG_AUTHOR } from '../data/importers/types.js';

export interface SimilarInput {
  store: Store;
  dataset: Dataset;
  post: PostInfo;
  k: number;
  /** Key and model whose `similarItems` is asked first. */
  model: { key: string; model: Recommender } | undefined;
}

/** A model answers `similarItems` unless it has no item similarity (it throws then). */
function neighbours(model: Recommender, item: number, k: number): ReturnType<Recommender['similarItems']> {
  try {
    return model.similarItems(item, k);
  } catch {
    return [];
  }
}

export async function similarPosts(input: SimilarInput): Promise<FeedItem[]> {
  const { store, dataset, post, k } = input;
  const out: FeedItem[] = [];
  const taken = new Set([post.id]);
  const add = (id: string, score: number, source: string, explanation: string): void => {
    if (taken.has(id) || out.length >= k) return;
    taken.add(id);
    out.push({ postId: id, score, source, sources: [source], explanation });
  };
  const item = dataset.items.index(post.id);
  if (input.model && item >= 0 && input.model.model.fitted) {
    for (const r of neighbours(input.model.model, item, k)) add(dataset.items.id(r.item), r.score, input.model.key, 'People who liked this post also liked it');
  }
  // Catalogue items share a placeholder author, not a creator: no "also by" for them.
  if (out.length < k && post.author !== CATALOG_AUTHOR) {
    for (const p of await store.postsByAuthors([post.author], k + 1)) add(p.id, 0, 'same-author', `Also by ${handle(post.author)}`);
  }
  if (out.length < k && post.tags.length > 0) {
    for (const s of sameTagPosts(dataset, post.tags)) add(s.id, 0, 'same-tag', `Also tagged #${s.tag}`);
  }
  return out;
}

/** Posts of the snapshot carrying one of these tags, newest first. */
function sameTagPosts(dataset: Dataset, tags: readonly string[]): { id: string; tag: string }[] {
  const wanted = new Set(tags.map((t) => t.replace(/^#/, '')));
  const found: { id: string; created: number; tag: string }[] = [];
  for (let i = 0; i < dataset.items.size; i++) {
    const hit = (dataset.itemTags[i] ?? []).find((t) => wanted.has(t.replace(/^#/, '')));
    if (hit !== undefined) found.push({ id: dataset.items.id(i), created: dataset.itemCreatedAt[i]!, tag: hit.replace(/^#/, '') });
  }
  found.sort((a, b) => (b.created || 0) - (a.created || 0) || (a.id < b.id ? -1 : 1));
  return found;
}
