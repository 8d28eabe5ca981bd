/**
 * @module `app.bsky.feed.getFeedSkeleton`: a page of the Resonate feed as post AT-URIs. The requester is served
 * their own feed (the DID is their Resonate user id); an anonymous request, which the protocol allows, gets the
 * feed of a user without history (what is popular and trending, nothing personal). The response's `reqId` is the
 * request id the engine logged the page's impressions under, and each item's `feedContext` is `<reqId>/<position>`:
 * an interaction sent back with either joins the impression it answers (`interactions.ts`). The cursor is the
 * engine's: it pins the ranked list's snapshot time, so pages neither repeat nor skip posts while new ones arrive.
 */
import type { Engine } from '../engine/index.js';
import { postUri } from './at-ids.js';
import type { FeedCatalogue } from './feeds.js';

/** The user id anonymous requests are served as: a did:web that cannot be registered (`.invalid`). */
export const ANONYMOUS_USER = 'did:web:anonymous.invalid';

export interface SkeletonRequest {
  feed: string;
  limit: number;
  cursor?: string;
  /** The verified requester's DID; undefined for an anonymous request. */
  requester?: string;
}

export interface SkeletonItem {
  post: string;
  feedContext?: string;
}

export interface FeedSkeleton {
  feed: SkeletonItem[];
  cursor?: string;
  reqId?: string;
}

export function feedContext(reqId: string, position: number): string {
  return `${reqId}/${position}`;
}

/** The request id and position an item's `feedContext` names; undefined for a context this service did not write. */
export function parseFeedContext(context: string | undefined): { reqId: string; position: number } | undefined {
  const m = context === undefined ? null : /^([0-9a-f-]{36})\/(\d{1,9})$/.exec(context);
  return m ? { reqId: m[1]!, position: Number(m[2]) } : undefined;
}

export async function feedSkeleton(engine: Engine, catalogue: FeedCatalogue, req: SkeletonRequest): Promise<FeedSkeleton> {
  const served = catalogue.find(req.feed);
  const user = req.requester ?? ANONYMOUS_USER;
  // A skeleton carries no label: no sponsored posts.
  const page = await engine.feed(user, { pageSize: req.limit, sponsored: false, ...(req.cursor !== undefined ? { cursor: req.cursor } : {}), ...(served.variant !== undefined ? { variant: served.variant } : {}) });
  const offset = page.offset ?? 0;
  const reqId = page.requestId;
  const feed = page.items.map((item, i): SkeletonItem => ({
    post: postUri(item.postId, catalogue.publisherDid),
    ...(reqId !== undefined ? { feedContext: feedContext(reqId, offset + i) } : {}),
  }));
  return { feed, ...(page.nextCursor !== undefined ? { cursor: page.nextCursor } : {}), ...(reqId !== undefined ? { reqId } : {}) };
}
