/**
 * @module What a user must not be shown: posts they already saw or engaged with (their Store events and their
 * dataset history), posts they hid or reported, posts of authors they reported, and their own posts.
 */
import type { Dataset } from '../data/dataset.js';
import type { Store } from '../storage/store.js';
import type { PostInfo } from './types.js';
import { userReads, type UserReads } from './user-reads.js';

export interface Exclusions {
  readonly userId: string;
  /** Posts with any event of the user (view, like, share, comment, dwell, rating, hide, report). */
  readonly seen: Set<string>;
  /** Authors the user reported. */
  readonly blockedAuthors: Set<string>;
}

/**
 * Reads the user's exclusions as of `asOf` (events after it are ignored, so later pages stay consistent): their
 * newest MAX_USER_EVENTS events (from `reads` when given) and their dataset history.
 */
export async function loadExclusions(store: Store, dataset: Dataset, userId: string, asOf: number, reads?: UserReads): Promise<Exclusions> {
  const seen = new Set<string>();
  const blockedAuthors = new Set<string>();
  for (const e of await (reads ?? userReads(store, userId, asOf)).events()) {
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
