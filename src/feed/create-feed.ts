/**
 * @module The feed pipeline: candidate sources → de-duplication → filters → blended score → author cap →
 * pages with an opaque cursor, each item with the sources that proposed it and an explanation.
 *
 * Sources come from `config.feed.sources` (name → weight): `in-network` (Store posts of followees + the
 * in-network model), `popular/*` (trending), and any other name of a fitted model in `models` (item-kNN, …).
 * A page is cut from a ranked list computed once per (user, snapshot time, page size) and cached; the cursor
 * carries the snapshot time, so a recomputed list (cache miss) reads the same Store state and pages do not
 * repeat. Unknown users get the cold-start feed: trending (plus the posts of anyone they already follow).
 *
 * @example
 * const feed = createFeed({ store, dataset, models: { 'in-network': inNet, 'item-knn/cosine': knn, 'popular/trending': pop } });
 * const first = await feed.page('alice');
 * const second = await feed.page('alice', { cursor: first.nextCursor });
 */
import { DEFAULT_CONFIG, type ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import type { Store } from '../storage/store.js';
import { pagesWithAuthorCap } from './author-cap.js';
import { blend, freshness } from './blend.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isExcluded, loadExclusions } from './exclusions.js';
import { explain, handle, type ExplainContext } from './explain.js';
import { datasetPostInfo, loadPostInfo } from './post-info.js';
import { IN_NETWORK_SOURCE, inNetworkSource } from './sources/in-network-source.js';
import { modelSource } from './sources/model-source.js';
import { popularList, trendingSource } from './sources/trending-source.js';
import { findTrendingModel, tagTrends, type TrendingTag } from './trending.js';
import type { Candidate, CandidateSource, FeedItem, FeedPage, PageOptions, PostInfo, SourceContext } from './types.js';

export interface FeedConfig {
  store: Store;
  /** The snapshot the models were fitted on (their dense indices refer to it). */
  dataset: Dataset;
  /** Fitted models by registry id. */
  models: Readonly<Record<string, Recommender>>;
  /** Defaults to DEFAULT_CONFIG; only `feed` is read. */
  config?: Pick<ResonateConfig, 'feed'>;
  /**
   * Wall clock for snapshot times (default Date.now). Ages (recency, freshness) are measured from it for live
   * data; when the dataset's latest event is older than `REPLAY_AFTER_MS` at creation, ages are measured from
   * dataset.now plus the time elapsed since creation instead (historical data such as the 2024 demo network).
   */
  now?: () => number;
  /**
   * Ranked lists kept for paging (default: 1000 plus `feed.materializeUsers`, so materialized first pages and the
   * users paging within a few minutes on one server both fit).
   */
  cacheSize?: number;
  /** Pages kept of a materialized list (default 5). */
  materializedPages?: number;
  /**
   * Second-stage ranker (e.g. the multi-task engagement ranker): a score per candidate post, NaN where it cannot
   * score one. Blended with the first-stage score by `config.feed.rankerWeight` after min-max scaling both.
   */
  rerank?: (userId: string, postIds: readonly string[]) => Float32Array;
}

export interface Feed {
  page(userId: string, options?: PageOptions): Promise<FeedPage>;
  /** Forgets a user's cached first page (call when the user acts: the next request ranks afresh). */
  invalidate(userId: string): void;
  /**
   * Materializes the first pages of these users (in order) so their next requests are served from memory; each
   * stays until the user acts (`invalidate`) or `feed.materializeTtlSeconds` passes. Yields to the event loop
   * between users so requests keep being served; stops early when `signal` aborts. Resolves to the number
   * of users materialized.
   */
  warm(userIds: readonly string[], options?: { signal?: AbortSignal; pageSize?: number }): Promise<number>;
  /** Posts similar to a post: item-kNN neighbours, then the same author's, then same-tag posts. */
  similarPosts(postId: string, k?: number): Promise<FeedItem[]>;
  trending(options: { kind: 'posts'; k?: number }): Promise<FeedItem[]>;
  trending(options: { kind: 'tags'; k?: number }): Promise<TrendingTag[]>;
}

const MAX_PAGE_SIZE = 500;
/**
 * Pages kept of a materialized list (memory: ~20 KB per user at 20 posts a page); a cursor past them ranks the
 * same snapshot again, so the pages that follow are the ones the full list would have given.
 */
const DEFAULT_MATERIALIZED_PAGES = 5;
/** A snapshot whose latest event is older than a week (the in-network horizon) is replayed, not live. */
const REPLAY_AFTER_MS = 168 * 3_600_000;

export function createFeed(cfg: FeedConfig): Feed {
  const { store, dataset, models } = cfg;
  const feedConfig = (cfg.config ?? DEFAULT_CONFIG).feed;
  const now = cfg.now ?? Date.now;
  const cacheSize = cfg.cacheSize ?? 1000 + feedConfig.materializeUsers;
  const cache = new Map<string, FeedItem[][]>();
  const keepPages = cfg.materializedPages ?? DEFAULT_MATERIALIZED_PAGES;
  /** Cached lists cut to their first `keepPages` pages. */
  const truncated = new WeakSet<FeedItem[][]>();
  const servedPages = new WeakMap<FeedItem[], FeedPage>();
  /** Per user, per page size: the snapshot time of the latest ranked list and until when (Date.now) it is reused. */
  const latest = new Map<string, Map<number, { asOf: number; reuseUntil: number }>>();
  const ttlMs = feedConfig.cacheTtlSeconds * 1000;
  const materializedTtlMs = feedConfig.materializeTtlSeconds * 1000;
  const trendingModel = findTrendingModel(models);
  const createdAt = now();
  /** Subtracted from the wall clock to get the time ages are measured from (0 for live data). */
  const timeShift = dataset.now < createdAt - REPLAY_AFTER_MS ? createdAt - dataset.now : 0;
  let tags: Map<string, number> | undefined;

  const sources: { source: CandidateSource; weight: number }[] = [];
  for (const [name, weight] of Object.entries(feedConfig.sources)) {
    if (!(weight > 0)) continue;
    if (name === IN_NETWORK_SOURCE) sources.push({ source: inNetworkSource, weight });
    else if (name.startsWith('popular/')) sources.push({ source: trendingSource(name), weight });
    else if (models[name]) sources.push({ source: modelSource(name), weight });
  }

  const tagScore = (tag: string): number => {
    if (!tags) tags = new Map(trendingModel ? tagTrends(trendingModel.model, dataset).map((t) => [t.tag, t.score]) : []);
    return tags.get(tag.replace(/^#/, '')) ?? 0;
  };

  const explainContext = (infos: Map<string, PostInfo>): ExplainContext => ({
    post: (id) => infos.get(id) ?? datasetPostInfo(dataset, id),
    trendingTag: (post) => {
      let best: string | undefined, bestScore = 0;
      for (const t of post.tags) {
        const s = tagScore(t);
        if (s > bestScore) { best = t; bestScore = s; }
      }
      return best;
    },
  });

  async function rank(userId: string, asOf: number, pageSize: number): Promise<FeedItem[][]> {
    const ctx: SourceContext = {
      userId,
      userIndex: dataset.users.index(userId),
      asOf,
      scoreTime: asOf - timeShift,
      limit: feedConfig.candidatesPerSource,
      store,
      dataset,
      models,
      config: feedConfig,
    };
    const [exclusions, ...results] = await Promise.all([
      loadExclusions(store, dataset, userId, asOf),
      ...sources.map(({ source }) => source.candidates(ctx)),
    ]);
    let lists = sources.map(({ source, weight }, s) => ({ name: source.name, weight, candidates: results[s]! }));
    const infos = await loadPostInfo(store, dataset, [...new Set(lists.flatMap((l) => l.candidates.map((c) => c.postId)))]);
    const keep = (c: Candidate): boolean => {
      const p = infos.get(c.postId);
      return p !== undefined && !isExcluded(exclusions, p);
    };
    lists = lists.map((l) => ({ ...l, candidates: l.candidates.filter(keep) }));
    if (lists.every((l) => l.candidates.length === 0) && trendingModel) {
      // Cold start, or everything else filtered out: fall back to trending.
      const fallback = await trendingSource(trendingModel.name).candidates(ctx);
      for (const [id, info] of await loadPostInfo(store, dataset, fallback.map((c) => c.postId))) infos.set(id, info);
      lists = [{ name: trendingModel.name, weight: 1, candidates: fallback.filter(keep) }];
    }
    const ex = explainContext(infos);
    const items: (FeedItem & { author: string })[] = blend(lists).map((b) => {
      const post = infos.get(b.postId)!;
      return {
        postId: b.postId,
        score: b.score * freshness(ctx.scoreTime - post.createdAt, feedConfig.freshnessHalfLifeHours),
        source: b.sources[0]!,
        sources: b.sources,
        explanation: explain(b.reason, post, ex),
        author: post.author,
      };
    });
    const byScore = (a: { score: number; postId: string }, b: { score: number; postId: string }): number =>
      b.score - a.score || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0);
    items.sort(byScore);
    if (cfg.rerank && items.length > 1) {
      // Cascade: the second stage re-ranks the first stage's top `rerankTop`; the rest follow in first-stage order.
      const head = items.slice(0, feedConfig.rerankTop);
      applyRerank(head, cfg.rerank(userId, head.map((i) => i.postId)), feedConfig.rankerWeight);
      head.sort(byScore);
      // Keep scores decreasing down the list: the tail is scaled under the last re-ranked score.
      const floor = head[head.length - 1]!.score, tailTop = items[head.length]?.score ?? 0;
      if (tailTop > 0) for (let k = head.length; k < items.length; k++) items[k]!.score *= (0.999 * floor) / tailTop;
      items.splice(0, head.length, ...head);
    }
    return pagesWithAuthorCap(items, pageSize, feedConfig.authorCap, (i) => i.author).map((page) =>
      page.map(({ author: _author, ...item }) => item),
    );
  }

  function reuse(userId: string, pageSize: number, asOf: number, forMs: number): void {
    const sizes = latest.get(userId) ?? new Map<number, { asOf: number; reuseUntil: number }>();
    latest.delete(userId);
    latest.set(userId, sizes.set(pageSize, { asOf, reuseUntil: Date.now() + forMs }));
    if (latest.size > cacheSize) latest.delete(latest.keys().next().value!);
  }

  async function warm(userIds: readonly string[], options: { signal?: AbortSignal; pageSize?: number } = {}): Promise<number> {
    const pageSize = options.pageSize ?? feedConfig.pageSize;
    let done = 0;
    for (const userId of userIds.slice(0, feedConfig.materializeUsers)) {
      await new Promise((r) => setImmediate(r));
      if (options.signal?.aborted) break;
      const asOf = now();
      const pages = await rank(userId, asOf, pageSize);
      const kept = pages.length > keepPages ? pages.slice(0, keepPages) : pages;
      if (kept !== pages) truncated.add(kept);
      remember(`${userId}\u0000${asOf}\u0000${pageSize}`, kept);
      reuse(userId, pageSize, asOf, materializedTtlMs);
      done++;
    }
    return done;
  }

  function remember(key: string, pages: FeedItem[][]): void {
    cache.delete(key);
    cache.set(key, pages);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  }

  async function page(userId: string, options: PageOptions = {}): Promise<FeedPage> {
    if (typeof userId !== 'string' || userId.length === 0) throw createError('INVALID_INPUT', { field: 'userId', problem: 'expected a non-empty user id' });
    let offset = 0, asOf: number, pageSize: number;
    if (options.cursor) {
      ({ offset, asOf, pageSize } = decodeCursor(userId, options.cursor));
    } else {
      pageSize = options.pageSize ?? feedConfig.pageSize;
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw createError('INVALID_INPUT', { field: 'pageSize', problem: `expected an integer in 1..${MAX_PAGE_SIZE}, got ${pageSize}` });
      }
      // A first page asked again within the TTL reuses the ranked list of the last snapshot (its cursor too).
      const recent = latest.get(userId)?.get(pageSize);
      asOf = recent !== undefined && Date.now() < recent.reuseUntil ? recent.asOf : now();
    }
    const key = `${userId}\u0000${asOf}\u0000${pageSize}`;
    let pages = cache.get(key);
    if (pages && truncated.has(pages) && offset >= pages.reduce((n, p) => n + p.length, 0)) pages = await rank(userId, asOf, pageSize);
    if (!pages) {
      pages = await rank(userId, asOf, pageSize);
      if (!options.cursor) reuse(userId, pageSize, asOf, ttlMs);
    }
    remember(key, pages);
    let start = 0, index = 0;
    while (index < pages.length && start < offset) start += pages[index++]!.length;
    if (start !== offset) throw createError('INVALID_INPUT', { field: 'cursor', problem: `offset ${offset} does not start a page` });
    if (index >= pages.length) return { items: [] };
    const items = pages[index]!;
    // A page of a cached list is the same page every time it is served (its cursor too): build it once.
    const known = servedPages.get(items);
    if (known) return known;
    const result: FeedPage = { items };
    if (index + 1 < pages.length || truncated.has(pages)) result.nextCursor = encodeCursor(userId, { offset: offset + items.length, pageSize, asOf });
    servedPages.set(items, result);
    return result;
  }

  async function similarPosts(postId: string, k = 10): Promise<FeedItem[]> {
    if (!Number.isInteger(k) || k < 1 || k > MAX_PAGE_SIZE) throw createError('INVALID_INPUT', { field: 'k', problem: `expected an integer in 1..${MAX_PAGE_SIZE}, got ${k}` });
    const post = (await loadPostInfo(store, dataset, [postId])).get(postId);
    if (!post) throw createError('NOT_FOUND', { kind: 'post', id: postId });
    const out: FeedItem[] = [];
    const taken = new Set([postId]);
    const add = (id: string, score: number, source: string, explanation: string): void => {
      if (taken.has(id) || out.length >= k) return;
      taken.add(id);
      out.push({ postId: id, score, source, sources: [source], explanation });
    };
    const knnName = models['item-knn/cosine'] ? 'item-knn/cosine' : Object.keys(models).sort().find((m) => m.startsWith('item-knn/'));
    const item = dataset.items.index(postId);
    if (knnName && item >= 0 && models[knnName]!.fitted) {
      for (const r of models[knnName]!.similarItems(item, k)) add(dataset.items.id(r.item), r.score, knnName, 'People who liked this post also liked it');
    }
    if (out.length < k) {
      for (const p of await store.postsByAuthors([post.author], k + 1)) add(p.id, 0, 'same-author', `Also by ${handle(post.author)}`);
    }
    if (out.length < k && post.tags.length > 0) {
      const wanted = new Set(post.tags.map((t) => t.replace(/^#/, '')));
      const sameTag: { id: string; created: number; tag: string }[] = [];
      for (let i = 0; i < dataset.items.size; i++) {
        const hit = (dataset.itemTags[i] ?? []).find((t) => wanted.has(t.replace(/^#/, '')));
        if (hit !== undefined) sameTag.push({ id: dataset.items.id(i), created: dataset.itemCreatedAt[i]!, tag: hit });
      }
      sameTag.sort((a, b) => (b.created || 0) - (a.created || 0) || (a.id < b.id ? -1 : 1));
      for (const s of sameTag) add(s.id, 0, 'same-tag', `Also tagged #${s.tag.replace(/^#/, '')}`);
    }
    return out;
  }

  function trending(options: { kind: 'posts'; k?: number }): Promise<FeedItem[]>;
  function trending(options: { kind: 'tags'; k?: number }): Promise<TrendingTag[]>;
  async function trending(options: { kind: 'posts' | 'tags'; k?: number }): Promise<FeedItem[] | TrendingTag[]> {
    const k = options.k ?? feedConfig.pageSize;
    if (!Number.isInteger(k) || k < 1 || k > MAX_PAGE_SIZE) throw createError('INVALID_INPUT', { field: 'k', problem: `expected an integer in 1..${MAX_PAGE_SIZE}, got ${k}` });
    if (options.kind === 'tags') return trendingModel ? tagTrends(trendingModel.model, dataset).slice(0, k) : [];
    if (options.kind !== 'posts') throw createError('INVALID_INPUT', { field: 'kind', problem: `expected "posts" or "tags", got ${JSON.stringify(options.kind)}` });
    if (!trendingModel) return [];
    const list = popularList(trendingModel.model, k);
    const ids = list.map((r) => dataset.items.id(r.item));
    const infos = await loadPostInfo(store, dataset, ids);
    const ex = explainContext(infos);
    return list.map((r, j) => {
      const post = infos.get(ids[j]!) ?? { id: ids[j]!, author: '', text: '', tags: dataset.itemTags[r.item] ?? [], createdAt: NaN };
      return { postId: ids[j]!, score: r.score, source: trendingModel.name, sources: [trendingModel.name], explanation: explain({ kind: 'trending' }, post, ex) };
    });
  }

  const invalidate = (userId: string): void => {
    latest.delete(userId);
  };

  return { page, invalidate, warm, similarPosts, trending };
}

/**
 * score ← (1 − w)·minmax(first-stage) + w·minmax(ranker). Candidates the ranker cannot score (posts newer than
 * its training snapshot) get the mean ranker score, so they are neither buried nor promoted by it.
 */
export function applyRerank(items: { score: number }[], ranker: Float32Array, weight: number): void {
  let lo = Infinity, hi = -Infinity, rlo = Infinity, rhi = -Infinity, sum = 0, n = 0;
  items.forEach((it, i) => {
    lo = Math.min(lo, it.score);
    hi = Math.max(hi, it.score);
    const r = ranker[i]!;
    if (Number.isFinite(r)) {
      rlo = Math.min(rlo, r);
      rhi = Math.max(rhi, r);
      sum += r;
      n++;
    }
  });
  if (n === 0) return;
  const mean = sum / n;
  const scale = (v: number, a: number, b: number): number => (b > a ? (v - a) / (b - a) : 0.5);
  items.forEach((it, i) => {
    const r = Number.isFinite(ranker[i]!) ? ranker[i]! : mean;
    it.score = (1 - weight) * scale(it.score, lo, hi) + weight * scale(r, rlo, rhi);
  });
}
