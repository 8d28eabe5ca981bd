/**
 * @module The feed's memory of ranked lists: per (user, snapshot time, page size) the pages of one ranking, so
 * paging with a cursor and refreshes within the TTL cost a lookup. Least recently used lists are dropped past
 * the capacity; a materialized list may be cut to its first pages (`truncated`), and a cursor past them ranks
 * the same snapshot again.
 */
import type { FeedItem } from './types.js';

export class RankedLists {
  private readonly lists = new Map<string, FeedItem[][]>();
  private readonly cut = new WeakSet<FeedItem[][]>();
  /** Per user, per page size: the snapshot time of the latest list and until when (Date.now) it is reused. */
  private readonly latest = new Map<string, Map<number, { asOf: number; reuseUntil: number }>>();

  /** Per user, when (Date.now) their first page was last invalidated; a shared list ranked before is stale. */
  private readonly dropped = new Map<string, number>();
  private allDroppedAt = -Infinity;

  constructor(private readonly capacity: number) {}

  get(userId: string, asOf: number, pageSize: number): FeedItem[][] | undefined {
    return this.lists.get(key(userId, asOf, pageSize));
  }

  put(userId: string, asOf: number, pageSize: number, pages: FeedItem[][], truncated = false): void {
    const k = key(userId, asOf, pageSize);
    if (truncated) this.cut.add(pages);
    this.lists.delete(k);
    this.lists.set(k, pages);
    if (this.lists.size > this.capacity) this.lists.delete(this.lists.keys().next().value!);
  }

  isTruncated(pages: FeedItem[][]): boolean {
    return this.cut.has(pages);
  }

  /** The snapshot time a first page asked now should reuse, if its list is still fresh. */
  reusable(userId: string, pageSize: number): number | undefined {
    const recent = this.latest.get(userId)?.get(pageSize);
    return recent !== undefined && Date.now() < recent.reuseUntil ? recent.asOf : undefined;
  }

  /** Makes the list of `asOf` the one first-page requests reuse for `forMs`. */
  reuse(userId: string, pageSize: number, asOf: number, forMs: number): void {
    const sizes = this.latest.get(userId) ?? new Map<number, { asOf: number; reuseUntil: number }>();
    this.latest.delete(userId);
    this.latest.set(userId, sizes.set(pageSize, { asOf, reuseUntil: Date.now() + forMs }));
    if (this.latest.size > this.capacity) this.latest.delete(this.latest.keys().next().value!);
  }

  /** The next first-page request of this user ranks afresh. */
  invalidate(userId: string): void {
    this.latest.delete(userId);
    this.dropped.delete(userId);
    this.dropped.set(userId, Date.now());
    if (this.dropped.size > this.capacity) this.dropped.delete(this.dropped.keys().next().value!);
  }

  /** No first-page request reuses a list any more (lists named by cursors stay). */
  invalidateAll(): void {
    this.latest.clear();
    this.dropped.clear();
    this.allDroppedAt = Date.now();
  }

  /**
   * Whether a list ranked at `asOf` predates an invalidation of this user seen here: a shared copy written by a
   * process that ranked it just before the invalidation reached Redis must not be adopted.
   */
  invalidatedSince(userId: string, asOf: number): boolean {
    return asOf <= Math.max(this.allDroppedAt, this.dropped.get(userId) ?? -Infinity);
  }
}

function key(userId: string, asOf: number, pageSize: number): string {
  return `${userId}\u0000${asOf}\u0000${pageSize}`;
}
