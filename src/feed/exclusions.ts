/**
 * @module What a user must not be shown: posts they already saw or engaged with (their Store events and their
 * dataset history), posts they hid or reported, posts of authors they reported, and their own posts.
 */
import type { Dataset } from '../data/dataset.js';
import type { Store } from '../storage/store.js';
import type { PostInfo } from './types.js';

export interface Exclusions {
  readonly userId: string;
  /** Posts with any event of the user (view, like, share, comment, dwell, rating, hide, report). */
  readonly seen: Set<string>;
  /** Authors the user reported. */
  readonly blockedAuthors: Set<string>;
}

/**
 * Most recent events read per user: bounds the cost of one page for very active users; older history still
 * comes from the dataset snapshot.
 */
const MAX_USER_EVENTS = 10_000;

/** Reads the user's exclusions as of `asOf` (events after it are ignored, so later pages stay consistent). */
export async function loadExclusions(store: Store, dataset: Dataset, userId: string, asOf: number): Promise<Exclusions> {
  const seen = new Set<string>();
  const blockedAuthors = new Set<string>();
  for (const e of await store.userEvents(userId, { before: asOf + 1, limit: MAX_USER_EVENTS })) {
    if (e.post !== undefined) seen.add(e.post);
    if (e.type === 'report' && e.target_user !== undefined) blockedAuthors.add(e.target_user);
  }
  const u = dataset.users.index(userId);
  if (u >= 0) {
    for (const m of [dataset.interactions, dataset.negatives]) {
      if (u >= m.rows) continue;
      for (let k = m.indptr[u]!; k < m.indptr[u + 1]!; k++) seen.add(dataset.items.id(m.indices[k]!));
    }
  }
  return { userId, seen, blockedAuthors };
}

export function isExcluded(ex: Exclusions, post: PostInfo): boolean {
  return ex.seen.has(post.id) || post.author === ex.userId || ex.blockedAuthors.has(post.author);
}
