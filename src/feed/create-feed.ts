/**
 * @module The feed: pages of a user's ranked list with an opaque cursor, each item with its post, the sources
 * that proposed it and an explanation; similar posts; trending posts and hashtags.
 *
 * Sources are model keys with a blend weight (`sources`, from `config.feed.sources`): `in-network` (Store posts
 * of followees + the in-network model), `fresh` (new posts matching the user's interest profile, and neighbours
 * of their likes since the snapshot; no model), `popular/*` (trending), and any other fitted model (item-kNN, a
 * hybrid, SASRec …). A page is cut from a ranked list computed once per (user, snapshot time, page size) and kept
 * (RankedLists); the cursor carries the snapshot time, so a recomputed list reads the same Store state and pages
 * do not repeat. A served page is hydrated with one Store read and kept until a post is written. Unknown users
 * get the cold-start feed: trending (plus the posts of anyone they already follow).
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
import { decodeCursor, encodeCursor } from './cursor.js';
import { explain, type ExplainContext } from './explain.js';
import { hydrate } from './hydrate.js';
import { datasetPostInfo, loadPostInfo } from './post-info.js';
import { rankFeed } from './rank.js';
import type { FeedModeration } from './moderation.js';
import { loadSafety, visibleItems, type SafetyRules } from './safety.js';
import { RankedLists } from './ranked-lists.js';
import type { SharedFirstPages, SharedList } from './shared-pages.js';
import type { SecondStage } from './second-stage.js';
import { similarPosts } from './similar-posts.js';
import { createFreshSource, FRESH_SOURCE, type FreshSource } from './sources/fresh-source.js';
import { createInNetworkSource, IN_NETWORK_SOURCE } from './sources/in-network-source.js';
import { modelSource } from './sources/model-source.js';
import { popularList, trendingSource } from './sources/trending-source.js';
import { findTrendingModel, ordered, tagTrends, type TrendingOrder, type TrendingTag } from './trending.js';
import { newAccountHoursOf, tagBursts, type Burst } from './trending-bursts.js';
import { userReads } from './user-reads.js';
import { Explorer } from './explorer.js';
import { countFirstPage } from './first-page-cache.js';
import type { CandidateSource, FeedItem, FeedPage, HydratedItem, PageOptions, PostInfo, Reason, SourceContext, SourceSpec } from './types.js';

export interface FeedConfig {
  store: Store;
  /** The snapshot the models were fitted on (their dense indices refer to it). */
  dataset: Dataset;
  /** Fitted models by key. */
  models: Readonly<Record<string, Recommender>>;
  /** Defaults to DEFAULT_CONFIG; only `feed` is read. */
  config?: Pick<ResonateConfig, 'feed'>;
  /**
   * Per-user rules of the engine: users who switched personalization off get only the sources that need no
   * profile (in-network, trending); posts of erased authors never appear. Default: everyone personalized.
   */
  audience?: FeedAudience;
  /** Candidate sources (default: `config.feed.sources` entries that are ids or spec objects). */
  sources?: readonly SourceSpec[];
  /** Key of the similar-posts model (default: `config.feed.similar` when it is an id). */
  similar?: string;
  /** Second-stage model, asked at each ranking (it may become ready after the feed is made). */
  secondStage?: () => SecondStage | undefined;
  /**
   * Wall clock for snapshot times (default Date.now). Ages (recency, freshness) are measured from it for live
   * data; when the dataset's latest event is older than `REPLAY_AFTER_MS` at creation, ages are measured from
   * dataset.now plus the time elapsed since creation instead (historical data such as the 2024 demo network).
   */
  now?: () => number;
  /** Ranked lists kept for paging (default: 1000 plus `feed.materializeUsers`). */
  cacheSize?: number;
  /** Pages kept of a materialized list (default 5). */
  materializedPages?: number;
  /** Event weights (`config.weights`) for the fresh source's profiles and early engagement (default: the config defaults). */
  weights?: ResonateConfig['weights'];
  /**
   * The exploration policy and its decisions (the engine keeps one across feeds so learning carries over).
   * Default: one made from `feed.exploration` over this feed's sources; none when `feed.exploration.every` is 0.
   */
  exploration?: Explorer;
  /** Seed of the default explorer's policy (default 42). */
  seed?: number;
  /** First pages shared with other processes serving the same model version (default: none, this process only). */
  shared?: SharedFirstPages;
  /** Moderation thresholds on the posts' stored offensive probability (`config.moderation`; default none). */
  moderation?: FeedModeration;
}

export interface FeedAudience {
  personalized(userId: string): boolean;
  erased(userId: string): boolean;
}

/** Sources that build no profile of the user: what a user who switched personalization off gets. */
function profileFree(spec: SourceSpec): boolean {
  return spec.id === IN_NETWORK_SOURCE || spec.id.startsWith('popular/');
}

export interface Feed {
  page(userId: string, options?: PageOptions): Promise<FeedPage>;
  /** Forgets a user's cached first page (call when the user acts: the next request ranks afresh). */
  invalidate(userId: string): void;
  /** Forgets every user's cached first page (after missing invalidations from other processes). */
  invalidateAll(): void;
  /** Call after posts are written: pages served from memory are hydrated again. */
  postsChanged(): void;
  /**
   * Materializes the first pages of these users (in order) so their next requests are served from memory; each
   * stays until the user acts (`invalidate`) or `feed.materializeTtlSeconds` passes. Yields to the event loop
   * between users; stops early when `signal` aborts. Resolves to the number of users materialized.
   */
  warm(userIds: readonly string[], options?: { signal?: AbortSignal; pageSize?: number }): Promise<number>;
  similarPosts(postId: string, k?: number): Promise<HydratedItem[]>;
  trending(options: { kind: 'posts'; k?: number }): Promise<HydratedItem[]>;
  /** Hashtags by decayed popularity (`order: 'score'`, the default) or rising now (`'rising'`), each with its burst score. */
  trending(options: { kind: 'tags'; k?: number; order?: TrendingOrder }): Promise<TrendingTag[]>;
}

const MAX_PAGE_SIZE = 500;
/** Pages kept of a materialized list (~20 KB per user at 20 posts a page); a cursor past them ranks again. */
const DEFAULT_MATERIALIZED_PAGES = 5;
/** A snapshot whose latest event is older than a week (the in-network horizon) is replayed, not live. */
const REPLAY_AFTER_MS = 168 * 3_600_000;
/** Explanation sentences remembered (a few MB at most). */
const EXPLANATIONS_KEPT = 100_000;

/** Sources named in the config without reading spec files (the engine passes resolved ones). */
function sourcesFromConfig(feed: ResonateConfig['feed']): SourceSpec[] {
  return feed.sources.flatMap((e) => {
    if (typeof e === 'string') return e.endsWith('.json') ? [] : [{ key: e, id: e, weight: 1 }];
    return [{ key: 'label' in e && typeof e.label === 'string' ? e.label : e.id, id: e.id, weight: e.weight ?? 1 }];
  });
}

/** Sources that can run without a fitted model. */
const PSEUDO_SOURCES: ReadonlySet<string> = new Set([IN_NETWORK_SOURCE, FRESH_SOURCE]);
/** Sources that need no fitted model at all (in-network works without its model, but uses it when fitted). */
export const FEED_ONLY_SOURCES: ReadonlySet<string> = new Set([FRESH_SOURCE]);

function candidateSource(spec: SourceSpec, cfg: Pick<FeedConfig, 'weights' | 'similar' | 'config'>): CandidateSource {
  if (spec.id === IN_NETWORK_SOURCE) return createInNetworkSource(spec.key);
  if (spec.id === FRESH_SOURCE) {
    const similar = cfg.similar ?? (cfg.config ?? DEFAULT_CONFIG).feed.similar;
    return createFreshSource(spec.key, { weights: cfg.weights, similar: typeof similar === 'string' ? similar : similar.label ?? similar.id });
  }
  if (spec.id.startsWith('popular/')) return trendingSource(spec.key);
  return modelSource(spec.key);
}

function checkCount(field: string, k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_PAGE_SIZE) throw createError('INVALID_INPUT', { field, problem: `expected an integer in 1..${MAX_PAGE_SIZE}, got ${k}` });
}

export function createFeed(cfg: FeedConfig): Feed {
  return new ServedFeed(cfg);
}

/** A page reused from memory: its ranked pages, where it starts, and the snapshot time and size of its list. */
interface ListAt {
  pages: FeedItem[][];
  offset: number;
  asOf: number;
  pageSize: number;
}

class ServedFeed implements Feed {
  private readonly store: Store;
  private readonly dataset: Dataset;
  private readonly models: Readonly<Record<string, Recommender>>;
  private readonly feedConfig: ResonateConfig['feed'];
  private readonly now: () => number;
  private readonly lists: RankedLists;
  private readonly keepPages: number;
  /** Hydrated pages by the ranked page they show, with the post generation they were read at. */
  private readonly hydrated = new WeakMap<FeedItem[], { generation: number; page: FeedPage }>();
  private postGeneration = 0;
  /** Wall time (Date.now) of the latest post write. */
  private lastPostWrite = -Infinity;
  private readonly trendingModel: { name: string; model: Recommender } | undefined;
  /** Subtracted from the wall clock to get the time ages are measured from (0 for live data). */
  private readonly timeShift: number;
  private readonly sources: { source: CandidateSource; weight: number }[];
  private readonly unprofiledSources: { source: CandidateSource; weight: number }[];
  private readonly similarKey: string;
  private tags: Map<string, number> | undefined;
  /** Explanations that depend only on snapshot posts, by reason and post (cleared past EXPLANATIONS_KEPT). */
  private readonly explanations = new Map<string, string>();
  private readonly explorer: Explorer | undefined;

  constructor(private readonly cfg: FeedConfig) {
    ({ store: this.store, dataset: this.dataset, models: this.models } = cfg);
    this.feedConfig = (cfg.config ?? DEFAULT_CONFIG).feed;
    this.now = cfg.now ?? Date.now;
    this.lists = new RankedLists(cfg.cacheSize ?? 1000 + this.feedConfig.materializeUsers);
    this.keepPages = cfg.materializedPages ?? DEFAULT_MATERIALIZED_PAGES;
    this.trendingModel = findTrendingModel(this.models);
    const createdAt = this.now();
    this.timeShift = this.dataset.now < createdAt - REPLAY_AFTER_MS ? createdAt - this.dataset.now : 0;
    const specs = (cfg.sources ?? sourcesFromConfig(this.feedConfig)).filter((s) => s.weight > 0 && (this.models[s.key] || PSEUDO_SOURCES.has(s.id)));
    this.sources = specs.map((s) => ({ source: candidateSource(s, cfg), weight: s.weight }));
    this.unprofiledSources = this.sources.filter((_, j) => profileFree(specs[j]!));
    const similar = this.feedConfig.similar;
    this.similarKey = cfg.similar ?? (typeof similar === 'string' ? similar : similar.label ?? similar.id);
    const exploration = this.feedConfig.exploration;
    this.explorer = cfg.exploration ?? (exploration.every > 0 ? new Explorer({ ...exploration, arms: specs.map((s) => s.key), seed: cfg.seed }) : undefined);
  }


  private bursts: Map<string, Burst> | undefined;

  /** Hashtag bursts of the snapshot (computed once), new accounts left out as the trending model's guard says. */
  private tagBursts(): Map<string, Burst> {
    this.bursts ??= tagBursts(this.dataset, { newAccountHours: newAccountHoursOf(this.trendingModel?.model) });
    return this.bursts;
  }

  private tagScore(tag: string): number {
    this.tags ??= new Map(this.trendingModel ? tagTrends(this.trendingModel.model, this.dataset).map((t) => [t.tag, t.score]) : []);
    return this.tags.get(tag.replace(/^#/, '')) ?? 0;
  }

  private explainContext(infos: Map<string, PostInfo>): ExplainContext {
    return {
      post: (id) => infos.get(id) ?? datasetPostInfo(this.dataset, id),
      trendingTag: (post) => {
        let best: string | undefined, bestScore = 0;
        for (const t of post.tags) {
          const s = this.tagScore(t);
          if (s > bestScore) [best, bestScore] = [t, s];
        }
        return best;
      },
    };
  }

  /**
   * `explain`, remembered when the sentence depends only on snapshot posts (which do not change under the
   * feed): "Because you liked …" of a snapshot post, "Trending in #tag" of a snapshot post. Posts written since
   * the snapshot are explained afresh (an edit shows at the next ranking).
   */
  private explain(reason: Reason, post: PostInfo, ex: ExplainContext): string {
    const key = reason.kind === 'because' ? `b${reason.postId}` : reason.kind === 'trending' ? `t${post.id}` : undefined;
    if (key === undefined) return explain(reason, post, ex);
    const snapshotPost = reason.kind === 'because' ? reason.postId : post.id;
    const known = this.explanations.get(key);
    if (known !== undefined) return known;
    const text = explain(reason, post, ex);
    if (datasetPostInfo(this.dataset, snapshotPost)) {
      if (this.explanations.size >= EXPLANATIONS_KEPT) this.explanations.clear();
      this.explanations.set(key, text);
    }
    return text;
  }

  private context(userId: string, asOf: number): SourceContext {
    const { dataset, store, models, feedConfig } = this;
    return { userId, userIndex: dataset.users.index(userId), asOf, scoreTime: asOf - this.timeShift, limit: feedConfig.candidatesPerSource, store, dataset, models, config: feedConfig, reads: userReads(store, userId, asOf) };
  }

  private rank(userId: string, asOf: number, pageSize: number, safety: SafetyRules, attribute?: { from: number; to: number }): Promise<FeedItem[][]> {
    const audience = this.cfg.audience;
    const personalized = !audience || audience.personalized(userId);
    return rankFeed({
      ctx: this.context(userId, asOf),
      sources: personalized ? this.sources : this.unprofiledSources,
      trending: this.trendingModel?.name,
      secondStage: personalized ? this.cfg.secondStage?.() : undefined,
      explainContext: (infos) => this.explainContext(infos),
      explain: (reason, post, ex) => this.explain(reason, post, ex),
      pageSize,
      hiddenAuthor: audience?.erased,
      // Exploration learns from the user's engagement: not for users who switched personalization off.
      explorer: personalized && this.explorer && this.explorer.every > 0 ? this.explorer : undefined,
      ...(attribute ? { attribute } : {}),
      ...(this.cfg.moderation ? { moderation: this.cfg.moderation } : {}),
      safety,
    });
  }

  /** The list ranked afresh with attributions, at the cursor's snapshot time (or the first page's), never cached. */
  private async attributedList(userId: string, options: PageOptions, safety: SafetyRules): Promise<ListAt> {
    let offset = 0, asOf: number, pageSize: number;
    if (options.cursor) ({ offset, asOf, pageSize } = decodeCursor(userId, options.cursor));
    else {
      pageSize = options.pageSize ?? this.feedConfig.pageSize;
      checkCount('pageSize', pageSize);
      asOf = this.reusableFirstPage(userId, pageSize) ?? this.now();
    }
    return { pages: await this.rank(userId, asOf, pageSize, safety, { from: offset, to: offset + pageSize }), offset, asOf, pageSize };
  }

  async warm(userIds: readonly string[], options: { signal?: AbortSignal; pageSize?: number } = {}): Promise<number> {
    const pageSize = options.pageSize ?? this.feedConfig.pageSize;
    let done = 0;
    for (const userId of userIds.slice(0, this.feedConfig.materializeUsers)) {
      await new Promise((r) => setImmediate(r));
      if (options.signal?.aborted) break;
      const asOf = this.now();
      const pages = await this.rank(userId, asOf, pageSize, await loadSafety(this.store, userId));
      const keep = this.keepPages;
      const kept = pages.length > keep ? pages.slice(0, keep) : pages;
      const forMs = this.feedConfig.materializeTtlSeconds * 1000;
      this.lists.put(userId, asOf, pageSize, kept, pages.length > keep);
      this.lists.reuse(userId, pageSize, asOf, forMs);
      this.cfg.shared?.put(userId, pageSize, { asOf, reuseUntil: Date.now() + forMs, pages: kept, truncated: pages.length > keep });
      done++;
    }
    return done;
  }

  /**
   * The snapshot time a first page reuses: the last list's, unless posts were written since it was ranked and it
   * is older than `feed.freshWithinSeconds` (so a new post reaches interested users within that time).
   */
  private reusableFirstPage(userId: string, pageSize: number): number | undefined {
    const asOf = this.lists.reusable(userId, pageSize);
    return asOf === undefined || this.staleSince(asOf) ? undefined : asOf;
  }

  private staleSince(asOf: number): boolean {
    return this.lastPostWrite >= asOf && Date.now() - asOf >= this.feedConfig.freshWithinSeconds * 1000;
  }

  /**
   * A list another process shared (asked only after a local miss): adopted into local memory for the time it has
   * left, when it is the one a cursor names (`asOf`) or, for a first page, still fresh.
   */
  private async adoptShared(userId: string, pageSize: number, asOf?: number): Promise<number | undefined> {
    const list: SharedList | undefined = await this.cfg.shared?.get(userId, pageSize);
    if (!list) return undefined;
    const usable = asOf !== undefined ? list.asOf === asOf : !this.staleSince(list.asOf) && list.reuseUntil > Date.now() && !this.lists.invalidatedSince(userId, list.asOf);
    if (!usable) return undefined;
    this.lists.put(userId, list.asOf, pageSize, list.pages, list.truncated);
    if (asOf === undefined) this.lists.reuse(userId, pageSize, list.asOf, list.reuseUntil - Date.now());
    return list.asOf;
  }

  /** The ranked list a request reads: cached, or ranked now (and cached). */
  private async rankedList(userId: string, options: PageOptions, safety: SafetyRules): Promise<ListAt> {
    let offset = 0, asOf: number, pageSize: number;
    if (options.cursor) {
      ({ offset, asOf, pageSize } = decodeCursor(userId, options.cursor));
      if (!this.lists.get(userId, asOf, pageSize)) await this.adoptShared(userId, pageSize, asOf);
    } else {
      pageSize = options.pageSize ?? this.feedConfig.pageSize;
      checkCount('pageSize', pageSize);
      // A first page asked again within the TTL reuses the ranked list of the last snapshot (its cursor too).
      const local = this.reusableFirstPage(userId, pageSize);
      const shared = local === undefined ? await this.adoptShared(userId, pageSize) : undefined;
      asOf = local ?? shared ?? this.now();
      if (this.lists.get(userId, asOf, pageSize)) countFirstPage(local !== undefined ? 'local' : 'shared');
      else countFirstPage('ranked');
    }
    let pages = this.lists.get(userId, asOf, pageSize);
    const truncated = pages !== undefined && this.lists.isTruncated(pages);
    if (pages && truncated && offset >= pages.reduce((n, p) => n + p.length, 0)) pages = await this.rank(userId, asOf, pageSize, safety);
    if (!pages) {
      pages = await this.rank(userId, asOf, pageSize, safety);
      if (!options.cursor) {
        const forMs = this.feedConfig.cacheTtlSeconds * 1000;
        this.lists.reuse(userId, pageSize, asOf, forMs);
        const keep = this.keepPages;
        if (forMs > 0) this.cfg.shared?.put(userId, pageSize, { asOf, reuseUntil: Date.now() + forMs, pages: pages.slice(0, keep), truncated: pages.length > keep });
      }
    }
    this.lists.put(userId, asOf, pageSize, pages, truncated && this.lists.isTruncated(pages));
    return { pages, offset, asOf, pageSize };
  }

  async page(userId: string, options: PageOptions = {}): Promise<FeedPage> {
    if (typeof userId !== 'string' || userId.length === 0) throw createError('INVALID_INPUT', { field: 'userId', problem: 'expected a non-empty user id' });
    // The user's mutes, blocks and muted words as stored now: a list ranked before a mute is filtered too.
    const safety = await loadSafety(this.store, userId);
    const { pages, offset, asOf, pageSize } = options.explain === 'full' ? await this.attributedList(userId, options, safety) : await this.rankedList(userId, options, safety);
    let start = 0, index = 0;
    while (index < pages.length && start < offset) start += pages[index++]!.length;
    if (start !== offset) throw createError('INVALID_INPUT', { field: 'cursor', problem: `offset ${offset} does not start a page` });
    if (index >= pages.length) return { items: [] };
    const items = pages[index]!;
    this.explorer?.served(userId, items);
    // A page served again (same ranked page, no post written since) is the same object, hydration included.
    const known = this.hydrated.get(items);
    if (known && known.generation === this.postGeneration) return this.visible(known.page, safety);
    const generation = this.postGeneration;
    const result: FeedPage = { items: await hydrate(this.store, items), offset };
    if (index + 1 < pages.length || this.lists.isTruncated(pages)) result.nextCursor = encodeCursor(userId, { offset: offset + items.length, pageSize, asOf });
    this.hydrated.set(items, { generation, page: result });
    return this.visible(result, safety);
  }

  /** The page as its viewer may see it now (taken-down posts and what their rules hide left out); the same object when nothing is. */
  private async visible(page: FeedPage, safety: SafetyRules): Promise<FeedPage> {
    const items = await visibleItems(this.store, safety, page.items);
    return items.length === page.items.length && items.every((it, k) => it === page.items[k]) ? page : { ...page, items };
  }

  invalidate(userId: string): void {
    this.lists.invalidate(userId);
  }

  invalidateAll(): void {
    this.lists.invalidateAll();
    this.postsChanged();
  }

  postsChanged(): void {
    this.postGeneration++;
    this.lastPostWrite = Date.now();
    for (const { source } of this.sources) (source as Partial<FreshSource>).pool?.stale();
  }

  async similarPosts(postId: string, k = 10): Promise<HydratedItem[]> {
    checkCount('k', k);
    const { store, dataset, models } = this;
    const post = (await loadPostInfo(store, dataset, [postId])).get(postId);
    if (!post) throw createError('NOT_FOUND', { kind: 'post', id: postId });
    const model = models[this.similarKey] ? { key: this.similarKey, model: models[this.similarKey] } : undefined;
    return visibleItems(store, undefined, await hydrate(store, await similarPosts({ store, dataset, post, k, model })));
  }

  trending(options: { kind: 'posts'; k?: number }): Promise<HydratedItem[]>;
  /** Hashtags by decayed popularity (`order: 'score'`, the default) or rising now (`'rising'`), each with its burst score. */
  trending(options: { kind: 'tags'; k?: number; order?: TrendingOrder }): Promise<TrendingTag[]>;
  async trending(options: { kind: 'posts' | 'tags'; k?: number; order?: TrendingOrder }): Promise<HydratedItem[] | TrendingTag[]> {
    const k = options.k ?? this.feedConfig.pageSize;
    checkCount('k', k);
    const trend = this.trendingModel;
    if (options.kind === 'tags') return trend ? ordered(tagTrends(trend.model, this.dataset, this.tagBursts()), options.order ?? 'score').slice(0, k) : [];
    if (options.kind !== 'posts') throw createError('INVALID_INPUT', { field: 'kind', problem: `expected "posts" or "tags", got ${JSON.stringify(options.kind)}` });
    if (!trend) return [];
    const list = popularList(trend.model, k);
    const ids = list.map((r) => this.dataset.items.id(r.item));
    const infos = await loadPostInfo(this.store, this.dataset, ids);
    const ex = this.explainContext(infos);
    const items = list.map((r, j) => {
      const post = infos.get(ids[j]!) ?? { id: ids[j]!, author: '', text: '', tags: this.dataset.itemTags[r.item] ?? [], createdAt: NaN };
      return { postId: ids[j]!, score: r.score, source: trend.name, sources: [trend.name], explanation: explain({ kind: 'trending' }, post, ex) };
    });
    return visibleItems(this.store, undefined, await hydrate(this.store, items));
  }
}
