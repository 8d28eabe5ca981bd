/**
 * @module Erasure as the engine does it. The store erases the user (and audits it); from that moment their reads
 * answer USER_ERASED, their posts are filtered from every feed, and the exploration decisions served to them and
 * awaiting a reward are dropped. Then the serving models unlearn them before the
 * call answers (`Lifecycle.unlearn`):
 *
 * - Count-based models (popularity, in-network, item- and user-kNN, RP3beta, SAR, EASE) implement `forget`: each is
 *   brought to exactly the state a fit on the snapshot without the user gives (their events, their posts with
 *   everyone's events on them, their follows), recomputing only what those touched. The snapshot itself is
 *   replaced by that one (`datasetWithout`: same dense ids, the erased ids replaced by tombstones).
 * - The set is published again over the new snapshot, so everything derived from the snapshot is rebuilt without
 *   the user: the feed and its caches, the fresh source's interest profiles and vocabulary, and the background
 *   models (engagement ranker, trending topics, behaviour predictor), which are trained again on it.
 * - Models without `forget` (factor and neural models) keep the user's influence until a retraining (in a child
 *   process, from the store, which no longer holds the user) replaces them; until then nobody is served the user's
 *   posts and the user is served nothing.
 * - Saved versions: when every serving model could forget, the unlearned set is written as a new version and every
 *   older version (which holds the user) is deleted; otherwise that happens when the retraining ends. A version
 *   loaded later that still holds an erased user (a crash before the write, a retraining that read the store before
 *   the erasure) is unlearned on load the same way, so no restart serves an erased user's data.
 */
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import type { ErasureSummary, Store } from '../storage/store.js';
import type { Lifecycle } from './lifecycle.js';
import type { UserPrivacy } from './user-privacy.js';

export interface ErasureDeps {
  store: Store;
  logger: Logger;
  privacy: UserPrivacy;
  lifecycle: Lifecycle;
}

/** Erases a user and unlearns them from what serves before answering; the saved versions follow (`backgroundDone`). */
export async function eraseUser(deps: ErasureDeps, userId: string, options: { replies?: 'keep' | 'delete'; actor?: string }): Promise<ErasureSummary> {
  const { store, lifecycle } = deps;
  const snapshot = lifecycle.serving.current?.dataset;
  const summary = await store.eraseUser(userId, options);
  if (!summary) throw createError('NOT_FOUND', { kind: 'user', id: userId });
  deps.privacy.markErased(userId);
  lifecycle.exploration?.forget(userId);
  const live = lifecycle.serving.current;
  live?.feed.invalidate(userId);
  live?.feed.postsChanged();
  // Their own posts are found in the snapshot by author; others' replies deleted with them are asked of the store.
  const replies = summary.replies > 0 && snapshot ? await deletedPosts(store, snapshot) : [];
  const unlearning = await lifecycle.unlearn([userId], replies);
  deps.logger.info({ posts: summary.posts, events: summary.events, follows: summary.follows, unlearnSeconds: unlearning?.seconds, stale: unlearning?.stale }, 'user erased');
  return summary;
}

/** Posts of the snapshot the store no longer holds (read in chunks). */
async function deletedPosts(store: Store, data: Dataset): Promise<string[]> {
  const ids = data.items.ids();
  const gone: string[] = [];
  for (let k = 0; k < ids.length; k += 10_000) {
    const chunk = ids.slice(k, k + 10_000);
    const present = await store.existingPosts(chunk);
    for (const id of chunk) if (!present.has(id)) gone.push(id);
  }
  return gone;
}
