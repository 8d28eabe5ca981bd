/**
 * @module Erasure as the engine does it: the store erases the user (and audits it), the engine serves nothing of
 * them from that moment (their reads answer USER_ERASED, their posts are filtered from every feed, the exploration
 * decisions served to them and awaiting a reward are dropped), and the models
 * are retrained without them; once a version trained after the erasure serves, older saved versions, which still
 * hold the user's data, are deleted.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ErasureSummary, Store } from '../storage/store.js';
import type { Lifecycle } from './lifecycle.js';
import { dropVersionsBefore } from './model-versions.js';
import type { UserPrivacy } from './user-privacy.js';

export interface ErasureDeps {
  store: Store;
  config: ResonateConfig;
  logger: Logger;
  privacy: UserPrivacy;
  lifecycle: Lifecycle;
}

export async function eraseUser(deps: ErasureDeps, userId: string, options: { replies?: 'keep' | 'delete'; actor?: string }): Promise<ErasureSummary> {
  const { store, config, lifecycle } = deps;
  const erasedAt = Date.now();
  const summary = await store.eraseUser(userId, options);
  if (!summary) throw createError('NOT_FOUND', { kind: 'user', id: userId });
  deps.privacy.markErased(userId);
  lifecycle.exploration?.forget(userId);
  const live = lifecycle.serving.current;
  live?.feed.invalidate(userId);
  live?.feed.postsChanged();
  if (live) {
    // Until the retraining ends the models still hold the user's influence (nobody is served their posts:
    // erased authors are filtered and their posts are gone from the store). A failed retraining keeps serving.
    void lifecycle.retrain().then(() => {
      const keep = lifecycle.retrainState === 'failed' ? lifecycle.serving.current?.manifest?.version : undefined;
      dropVersionsBefore(config.models.dir, erasedAt, keep);
    });
  }
  deps.logger.info({ posts: summary.posts, events: summary.events, follows: summary.follows }, 'user erased');
  return summary;
}
