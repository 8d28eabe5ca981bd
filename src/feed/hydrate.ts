/**
 * @module Hydration: the posts of a page read from the Store in one query (and the posts its replies answer in
 * one more), so a page shows each post as it is now (edits included) and each reply with its parent, without their
 * media vectors (`features.vectors`: hundreds of numbers per post that the client wrote itself). Items whose post
 * no longer exists are dropped.
 */
import { withoutVectors, type Post } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import type { FeedItem, HydratedItem } from './types.js';

export async function hydrate(store: Store, items: readonly FeedItem[]): Promise<HydratedItem[]> {
  if (items.length === 0) return [];
  const posts = new Map((await store.getPosts(items.map((i) => i.postId))).map((p) => [p.id, p]));
  const parentIds = [...new Set([...posts.values()].flatMap((p) => (p.reply_to ? [p.reply_to] : [])))];
  const parents = new Map<string, Post>(parentIds.length > 0 ? (await store.getPosts(parentIds)).map((p) => [p.id, p]) : []);
  return items.flatMap((i) => {
    const post = posts.get(i.postId);
    if (!post) return [];
    const parent = post.reply_to ? parents.get(post.reply_to) : undefined;
    return [parent ? { ...i, post: withoutVectors(post), parent: withoutVectors(parent) } : { ...i, post: withoutVectors(post) }];
  });
}
