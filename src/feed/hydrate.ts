/**
 * @module Hydration: the posts of a page read from the Store in one query, so a page shows each post as it is
 * now (edits included), without their media vectors (`features.vectors`: hundreds of numbers per post that the
 * client wrote itself). Items whose post no longer exists are dropped.
 */
import { withoutVectors } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import type { FeedItem, HydratedItem } from './types.js';

export async function hydrate(store: Store, items: readonly FeedItem[]): Promise<HydratedItem[]> {
  if (items.length === 0) return [];
  const posts = new Map((await store.getPosts(items.map((i) => i.postId))).map((p) => [p.id, p]));
  return items.flatMap((i) => {
    const post = posts.get(i.postId);
    return post ? [{ ...i, post: withoutVectors(post) }] : [];
  });
}
