/**
 * @module A feed served by one of several feeds over the same snapshot and fitted models (experiment arms, named
 * variants): which one serves a page is the subclass's choice; writes that make pages stale reach every feed;
 * similar posts, trending and warming go to the base feed.
 */
import { createError } from '../core/errors.js';
import type { Feed } from './create-feed.js';
import type { TrendingTag } from './trending.js';
import type { FeedPage, HydratedItem, PageOptions, SourceSpec } from './types.js';

export abstract class CompositeFeed implements Feed {
  constructor(
    protected readonly base: Feed,
    private readonly others: readonly Feed[],
  ) {}

  abstract page(userId: string, options?: PageOptions): Promise<FeedPage>;

  protected all(): Feed[] {
    return [this.base, ...this.others];
  }

  invalidate(userId: string): void {
    for (const f of this.all()) f.invalidate(userId);
  }

  invalidateAll(): void {
    for (const f of this.all()) f.invalidateAll();
  }

  postsChanged(): void {
    for (const f of this.all()) f.postsChanged();
  }

  warm(userIds: readonly string[], options?: { signal?: AbortSignal; pageSize?: number }): Promise<number> {
    return this.base.warm(userIds, options);
  }

  similarPosts(postId: string, k?: number): Promise<HydratedItem[]> {
    return this.base.similarPosts(postId, k);
  }

  trending(options: { kind: 'posts'; k?: number }): Promise<HydratedItem[]>;
  trending(options: { kind: 'tags'; k?: number }): Promise<TrendingTag[]>;
  trending(options: { kind: 'posts' | 'tags'; k?: number }): Promise<HydratedItem[] | TrendingTag[]> {
    return options.kind === 'posts' ? this.base.trending({ kind: 'posts', k: options.k }) : this.base.trending({ kind: 'tags', k: options.k });
  }
}

/** Refuses source weights that name a source the feed does not have (a typo would otherwise serve another feed). */
export function checkSourceKeys(weights: Readonly<Record<string, number>> | undefined, sources: readonly SourceSpec[], field: (key: string) => string): void {
  const keys = new Set(sources.map((s) => s.key));
  for (const key of Object.keys(weights ?? {})) {
    if (!keys.has(key)) throw createError('INVALID_CONFIG', { field: field(key), problem: `not a source of the feed (expected one of: ${[...keys].join(', ')})` });
  }
}
