/**
 * @module Cache invalidation across processes: a write through this process drops the stale first pages here, in
 * the shared page store, and (through the invalidation bus) in every other process serving the same store.
 * Invalidations from other processes are applied to the serving feed here. With the in-memory shared state this
 * is exactly the single-process behaviour.
 */
import type { Invalidation, SharedState } from '../cache/index.js';
import type { ServingSlot } from './serving.js';

export class FeedInvalidation {
  constructor(
    private readonly serving: ServingSlot,
    private readonly shared: SharedState,
  ) {
    shared.invalidations.subscribe((m) => this.apply(m));
  }

  /** These users' next first pages rank afresh, in every process. */
  users(ids: Iterable<string>): void {
    const list = [...new Set(ids)];
    if (list.length === 0) return;
    this.apply({ kind: 'users', ids: list });
    // Dropped before the others hear of it (same connection, in order), so none of them re-reads a stale page.
    this.shared.dropPages(list);
    this.shared.invalidations.publish({ kind: 'users', ids: list });
  }

  /** Posts were written: the fresh-post pools and hydrated pages of every process are stale. */
  postsChanged(): void {
    this.apply({ kind: 'posts' });
    this.shared.invalidations.publish({ kind: 'posts' });
  }

  private apply(m: Invalidation): void {
    const feed = this.serving.current?.feed;
    if (!feed) return;
    if (m.kind === 'users') for (const id of m.ids) feed.invalidate(id);
    else if (m.kind === 'posts') feed.postsChanged();
    else feed.invalidateAll();
  }
}
