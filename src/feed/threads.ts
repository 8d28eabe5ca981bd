/**
 * @module Threads and the Following feed: the replies of a post (chronological, or ranked for the viewer) and a
 * user's reverse-chronological feed of the accounts they follow, both paged with the feed's cursor (its snapshot
 * time pins what later pages read: nothing written after the first page joins the list, so pages do not repeat).
 * Posts the viewer must not see (taken down, muted or blocked authors, muted words, erased authors) are left out.
 */
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Post } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { hashtag } from './explain.js';
import { hydrate } from './hydrate.js';
import { hiddenPosts, visibleItems, type SafetyRules } from './safety.js';
import type { FeedItem, FeedPage } from './types.js';

export const REPLY_ORDERS = ['ranked', 'chronological'] as const;
export type ReplyOrder = (typeof REPLY_ORDERS)[number];
/** Most replies of one post read and ranked (deeper replies are not served). */
export const MAX_REPLIES = 1000;
/** Deepest position of the Following feed (its pages read every post above them). */
export const MAX_FOLLOWING_DEPTH = 2000;
export const FOLLOWING_SOURCE = 'following';
export const REPLIES_SOURCE = 'replies';

export interface ThreadContext {
  store: Store;
  /** The serving snapshot (reply engagement for the ranked order); absent: replies are ranked by time. */
  dataset?: Dataset;
  /** Snapshot time of a first page (epoch ms). */
  now: number;
  /** Authors nobody is shown (erased users). */
  hiddenAuthor?: (author: string) => boolean;
}

export interface ThreadPageOptions {
  cursor?: string;
  pageSize: number;
}

/** The cursor's owner: a list of replies is its post's, per viewer and order. */
function repliesKey(postId: string, viewer: string | undefined, order: ReplyOrder): string {
  return `replies\u0000${postId}\u0000${viewer ?? ''}\u0000${order}`;
}

/**
 * A page of the replies of `postId` as `viewer` may see them (anonymous when undefined). Chronological: oldest
 * first. Ranked: replies by the post's author first (the thread continues), then by the viewer's followees, then by
 * engagement in the snapshot (log-scaled), ties oldest first. NOT_FOUND when the post is gone or taken down.
 */
export async function repliesPage(
  ctx: ThreadContext, postId: string, viewer: { id: string; rules: SafetyRules; following: readonly string[] } | undefined, order: ReplyOrder, options: ThreadPageOptions,
): Promise<FeedPage> {
  const { store } = ctx;
  const root = await store.getPost(postId);
  if (!root || (await store.takenDown([postId])).size > 0 || ctx.hiddenAuthor?.(root.author)) throw createError('NOT_FOUND', { kind: 'post', id: postId });
  const key = repliesKey(postId, viewer?.id, order);
  const { offset, asOf } = position(key, options, ctx.now);
  const replies = (await store.repliesTo(postId, MAX_REPLIES)).filter((p) => p.created_at <= asOf && !ctx.hiddenAuthor?.(p.author));
  const hidden = await hiddenPosts(store, viewer?.rules, replies);
  const visible = replies.filter((p) => !hidden.has(p.id));
  const followed = new Set(viewer?.following ?? []);
  const engagement = (p: Post): number => engagementOf(ctx.dataset, p.id);
  const scored = visible.map((p, k) => {
    const score = order === 'chronological' ? visible.length - k : (p.author === root.author ? 4 : 0) + (followed.has(p.author) ? 2 : 0) + Math.log1p(engagement(p));
    return { p, score };
  });
  if (order === 'ranked') scored.sort((a, b) => b.score - a.score);
  const items: FeedItem[] = scored.map(({ p, score }) => ({
    postId: p.id, score, source: REPLIES_SOURCE, sources: [REPLIES_SOURCE],
    explanation: p.author === root.author ? `@${p.author} continues the thread` : followed.has(p.author) ? `You follow @${p.author}` : `Reply to @${root.author}`,
  }));
  return pageOf(store, viewer?.rules, key, items, offset, asOf, options.pageSize);
}

/**
 * A page of the user's Following feed: posts of the accounts they follow, newest first (ties by arrival), those
 * their rules hide left out; replies come with their parent.
 */
export async function followingPage(ctx: ThreadContext, userId: string, rules: SafetyRules, options: ThreadPageOptions): Promise<FeedPage> {
  const { store } = ctx;
  const key = `following\u0000${userId}`;
  const { offset, asOf } = position(key, options, ctx.now);
  const followees = (await store.following(userId)).filter((a) => !rules.hiddenAuthors.has(a) && !ctx.hiddenAuthor?.(a));
  // Posts newer than the snapshot are read and dropped: the page below them stays where it was.
  const newer = (await store.postsByAuthors(followees, MAX_FOLLOWING_DEPTH, asOf + 1)).length;
  const want = offset + options.pageSize + 1;
  const cap = newer + 2 * MAX_FOLLOWING_DEPTH;
  let items: FeedItem[] = [];
  // Read deeper while hidden posts leave the page short and there is more to read.
  for (let read = Math.min(cap, newer + want); ; read = Math.min(cap, 2 * read)) {
    const posts = (await store.postsByAuthors(followees, read)).filter((p) => p.created_at <= asOf);
    const hidden = await hiddenPosts(store, rules, posts);
    items = posts.filter((p) => !hidden.has(p.id)).map((p) => ({
      postId: p.id, score: p.created_at, source: FOLLOWING_SOURCE, sources: [FOLLOWING_SOURCE],
      explanation: p.tags.length > 0 ? `You follow @${p.author} · ${hashtag(p.tags[0]!)}` : `You follow @${p.author}`,
    }));
    if (items.length >= want || posts.length + newer < read || read >= cap) break;
  }
  return pageOf(store, rules, key, items, offset, asOf, options.pageSize, offset + options.pageSize < MAX_FOLLOWING_DEPTH);
}

function position(key: string, options: ThreadPageOptions, now: number): { offset: number; asOf: number } {
  if (!options.cursor) return { offset: 0, asOf: now };
  const c = decodeCursor(key, options.cursor);
  if (c.pageSize !== options.pageSize) throw createError('INVALID_INPUT', { field: 'limit', problem: `later pages keep the size of the first (${c.pageSize}), got ${options.pageSize}` });
  return { offset: c.offset, asOf: c.asOf };
}

async function pageOf(store: Store, rules: SafetyRules | undefined, key: string, items: FeedItem[], offset: number, asOf: number, pageSize: number, deeper = true): Promise<FeedPage> {
  const slice = items.slice(offset, offset + pageSize);
  const page: FeedPage = { items: await visibleItems(store, rules, await hydrate(store, slice)), offset };
  if (deeper && offset + pageSize < items.length) page.nextCursor = encodeCursor(key, { offset: offset + pageSize, pageSize, asOf });
  return page;
}

/** Users who engaged with each snapshot post (column counts of the interactions), computed once per snapshot. */
const engagementCache = new WeakMap<Dataset, Int32Array>();

function engagementOf(data: Dataset | undefined, postId: string): number {
  if (!data) return 0;
  const i = data.items.index(postId);
  if (i < 0) return 0;
  let counts = engagementCache.get(data);
  if (!counts) {
    counts = new Int32Array(data.items.size);
    const m = data.interactions;
    for (let k = 0; k < m.indptr[m.rows]!; k++) counts[m.indices[k]!]!++;
    engagementCache.set(data, counts);
  }
  return counts[i] ?? 0;
}
