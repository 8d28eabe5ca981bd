/**
 * @module What the feed needs to share ranked first pages with other processes serving the same model version
 * (src/cache/ implements it over Redis). The local memory (RankedLists) is always asked first: a page found there
 * never costs a round trip.
 */
import type { FeedItem } from './types.js';

/** A first page's ranked list as another process may reuse it. */
export interface SharedList {
  /** Snapshot time the list was ranked at (its cursors name it). */
  asOf: number;
  /** Wall time (Date.now) until which first-page requests reuse it. */
  reuseUntil: number;
  pages: FeedItem[][];
  /** Only the first pages were kept (a cursor past them ranks the same snapshot again). */
  truncated: boolean;
}

export interface SharedFirstPages {
  /** The list shared for this user and page size; undefined when none, expired, or the shared store is unreachable. */
  get(userId: string, pageSize: number): Promise<SharedList | undefined>;
  /** Shares a list (fire and forget: a failure is a later miss, never an error of the request). */
  put(userId: string, pageSize: number, list: SharedList): void;
}
