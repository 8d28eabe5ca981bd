/**
 * @module createEngine: the composition root. The only place that picks concrete implementations (store
 * backend, models, feed) and wires them; the API, the CLI and the workers all go through it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type ResonateConfig, type ResonateConfigInput } from './core/config.js';
import { createError } from './core/errors.js';
import { silentLogger, type Logger } from './core/logger.js';
import { noProgress, type Progress } from './core/progress.js';
import type { Dataset } from './data/dataset.js';
import { datasetFromStore } from './data/dataset-from-store.js';
import { eventWeight } from './data/dataset-builder.js';
import { validateRows, type RowKind } from './data/validate.js';
import type { Follow, Post } from './data/schemas.js';
import { openStore } from './storage/open-store.js';
import type { SearchHit, Store, StoreCounts, WriteBatch, WriteSummary } from './storage/store.js';
import { createModel, saveModel } from './models/registry.js';
import './models/index.js';
import type { Recommender } from './models/recommender.js';
import { createFeed, type Feed } from './feed/create-feed.js';
import { createEngagementRanker, type EngagementRanker } from './models/ranker/index.js';
import { createBehaviorPredictor, type BehaviorPrediction, type BehaviorPredictor } from './models/behavior/index.js';
import { vaderCompound } from './text/sentiment/lexicon.js';
import type { FeedItem, PageOptions as FeedPageOptions } from './feed/types.js';
import { findTrendingModel, type TrendingTag } from './feed/trending.js';
import { fitPostTopics, topicTrends, type PostTopics, type TrendingTopic } from './feed/trending-topics.js';
import { popularList } from './feed/sources/trending-source.js';

export interface EngineOptions {
  /** Configuration (already loaded) or overrides applied on top of defaults → file → environment. */
  config?: ResonateConfig;
  overrides?: ResonateConfigInput;
  logger?: Logger;
  /** Use this store instead of opening `config.store.url` (tests, embedding). */
  store?: Store;
}

export interface TrainReport {
  models: { id: string; fitSeconds: number }[];
  users: number;
  items: number;
  interactions: number;
  datasetSeconds: number;
}

export interface EngineStats extends StoreCounts {
  trainedAt: string | null;
  models: string[];
  /** Second-stage models trained in the background after `train`: 'off' | 'training' | 'ready' | 'failed'. */
  ranker: SecondaryState;
  behavior: SecondaryState;
  datasetUsers: number;
  datasetItems: number;
  /** Users whose first feed page is precomputed in memory (feed.materializeUsers). */
  materializedFeeds: number;
}

/** A feed item with its post, ready to render. */
export interface HydratedItem extends FeedItem {
  post: Post;
}

export interface HydratedPage {
  items: HydratedItem[];
  nextCursor?: string;
}

export type SecondaryState = 'off' | 'training' | 'ready' | 'failed';

export interface Engine {
  readonly config: ResonateConfig;
  readonly store: Store;
  readonly logger: Logger;
  /** The snapshot the models were trained on (undefined before the first `train`). */
  readonly dataset: Dataset | undefined;
  readonly models: ReadonlyMap<string, Recommender>;
  /** Validates and writes one batch of rows in one transaction; positive events update online models. */
  ingest(kind: RowKind, rows: unknown): Promise<WriteSummary>;
  /** Builds the dataset from the store and fits the configured models. */
  train(options?: { progress?: Progress; signal?: AbortSignal; save?: boolean; secondary?: boolean }): Promise<TrainReport>;
  feed(userId: string, options?: FeedPageOptions): Promise<HydratedPage>;
  similarPosts(postId: string, k?: number): Promise<HydratedItem[]>;
  trendingPosts(k?: number): Promise<HydratedItem[]>;
  /** Hashtags whose posts gain engagement fastest (time-decayed popularity of their posts). */
  trendingHashtags(k?: number): Promise<TrendingTag[]>;
  /** Topics (NMF over the texts of posts with momentum) ranked by the engagement momentum of their posts. */
  trendingTopics(k?: number): TrendingTopic[];
  search(query: string, limit?: number): Promise<SearchHit[]>;
  /** Top-k post ids for a user from one model (or the feed when `model` is omitted). */
  recommend(userId: string, options?: { k?: number; model?: string }): Promise<{ postId: string; score: number }[]>;
  /** A user's predicted next action and churn risk (calibrated), once the behaviour model is trained. */
  behavior(userId: string): BehaviorPrediction;
  /** Resolves when the background models of the latest `train` have finished (ready or failed). */
  secondaryTraining(): Promise<void>;
  stats(): Promise<EngineStats>;
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const config = options.config ?? loadConfig({ overrides: options.overrides });
  const logger = options.logger ?? silentLogger;
  const store = options.store ?? (await openStore(config.store.url));
  let dataset: Dataset | undefined;
  let models = new Map<string, Recommender>();
  let feed: Feed | undefined;
  let trainedAt: Date | null = null;
  let ranker: EngagementRanker | undefined;
  let behavior: BehaviorPredictor | undefined;
  let rankerState: SecondaryState = config.models.ranker ? 'training' : 'off';
  let behaviorState: SecondaryState = config.models.behavior ? 'training' : 'off';
  let secondary: Promise<void> = Promise.resolve();
  let closed = false;
  const closing = new AbortController();
  let materializedFeeds = 0;
  let topics: { data: Dataset; topics: PostTopics } | undefined;
  /** Hydrated feed pages by the feed's page (items array); `postsGeneration` counts post writes. */
  const hydratedPages = new WeakMap<readonly FeedItem[], { postsGeneration: number; page: HydratedPage }>();
  let postsGeneration = 0;
  let materializing: AbortController | undefined;

  /** Precomputes the first page of the most active users (stopped when a newer feed replaces this one). */
  const materialize = async (f: Feed, data: Dataset): Promise<void> => {
    materializing?.abort();
    const job = new AbortController();
    materializing = job;
    materializedFeeds = 0;
    const t0 = performance.now();
    const n = await f.warm(mostActiveUsers(data, config.feed.materializeUsers), { signal: AbortSignal.any([job.signal, closing.signal]) });
    if (feed !== f) return;
    materializedFeeds = n;
    logger.info({ users: n, seconds: Math.round(performance.now() - t0) / 1000 }, 'feeds materialized');
  };

  const makeFeed = (data: Dataset, fitted: Map<string, Recommender>): Feed =>
    createFeed({
      store,
      dataset: data,
      models: Object.fromEntries(fitted),
      config,
      rerank: ranker && config.feed.rankerWeight > 0 ? (userId, postIds) => rerankScores(ranker!, data, userId, postIds) : undefined,
    });

  /**
   * Second-stage models train after the first ones are serving, so start-up is not held back by them; each
   * becomes live when it is ready. Yielding to the event loop between them keeps the API responsive.
   */
  const trainSecondary = async (data: Dataset, fitted: Map<string, Recommender>): Promise<void> => {
    await new Promise((r) => setImmediate(r));
    if (config.models.ranker && !closed) {
      rankerState = 'training';
      try {
        const r = createEngagementRanker({ seed: config.seed });
        await r.fit(data, { signal: closing.signal });
        ranker = r;
        rankerState = 'ready';
        if (dataset === data) feed = makeFeed(data, fitted);
      } catch (e) {
        rankerState = closed ? 'off' : 'failed';
        if (closed) return;
        logger.warn({ err: e }, 'engagement ranker training failed; the feed keeps its first-stage ranking');
      }
    }
    if (feed && dataset === data && !closed) await materialize(feed, data);
    if (dataset === data && !closed) {
      try {
        topics = { data, topics: fitTopicsWithMomentum(data, fitted, config.seed) };
      } catch (e) {
        logger.warn({ err: e }, 'topic model training failed; trending topics are unavailable');
      }
    }
    if (config.models.behavior && !closed) {
      behaviorState = 'training';
      try {
        const b = createBehaviorPredictor({ seed: config.seed });
        await b.fit(data, { signal: closing.signal });
        behavior = b;
        behaviorState = 'ready';
      } catch (e) {
        behaviorState = closed ? 'off' : 'failed';
        if (closed) return;
        logger.warn({ err: e }, 'behaviour predictor training failed');
      }
    }
  };

  const requireTrained = (): { dataset: Dataset; feed: Feed } => {
    if (!dataset || !feed) throw createError('MODEL_NOT_FITTED', { model: 'feed (run `resonate train` or POST /v1/admin/train)' });
    return { dataset, feed };
  };

  const engine: Engine = {
    config,
    store,
    logger,
    get dataset() {
      return dataset;
    },
    get models() {
      return models;
    },

    async ingest(kind, rows) {
      const parsed = validateRows(kind, rows, config.server.maxBatch);
      if (kind === 'posts' && config.text.sentimentAtIngest) addSentiment(parsed as Post[]);
      const batch: WriteBatch = { [kind]: parsed };
      const summary = await store.write(batch);
      if (kind === 'posts') postsGeneration++;
      if (kind === 'events') {
        const events = parsed as NonNullable<WriteBatch['events']>;
        if (dataset) applyOnlineUpdates(events, dataset, models, config);
        if (feed) for (const user of new Set(events.map((e) => e.user))) feed.invalidate(user);
      }
      if (feed) await invalidateAffected(feed, store, kind, parsed);
      return summary;
    },

    async train(opts = {}) {
      const progress = opts.progress ?? noProgress;
      const t0 = performance.now();
      const data = await datasetFromStore(store, config.weights, progress);
      const datasetSeconds = (performance.now() - t0) / 1000;
      if (data.items.size === 0) throw createError('DATASET_EMPTY', { what: 'posts' });
      const next = new Map<string, Recommender>();
      const report: TrainReport = { models: [], users: data.users.size, items: data.items.size, interactions: data.interactions.indptr[data.users.size]!, datasetSeconds };
      for (const id of config.models.train) {
        const model = createModel(id);
        const t1 = performance.now();
        await model.fit(data, { seed: config.seed, progress, signal: opts.signal, logger });
        report.models.push({ id, fitSeconds: (performance.now() - t1) / 1000 });
        next.set(id, model);
        logger.debug({ model: id, seconds: report.models.at(-1)!.fitSeconds }, 'model fitted');
      }
      if (opts.save !== false) {
        mkdirSync(config.models.dir, { recursive: true });
        for (const [id, model] of next) saveModel(model, join(config.models.dir, `${id.replace(/\//g, '__')}.safetensors`));
      }
      dataset = data;
      models = next;
      ranker = undefined;
      behavior = undefined;
      feed = makeFeed(data, next);
      trainedAt = new Date();
      if (opts.secondary !== false) secondary = trainSecondary(data, next);
      else rankerState = behaviorState = 'off';
      return report;
    },

    async feed(userId, options) {
      const page = await requireTrained().feed.page(userId, options);
      // A page served again from the feed's cache (same items array) reuses its hydration, and so the same
      // HydratedPage object, unless a post was written since.
      const known = hydratedPages.get(page.items);
      if (known && known.postsGeneration === postsGeneration) return known.page;
      const generation = postsGeneration;
      const hydrated: HydratedPage = { ...page, items: await hydrate(store, page.items) };
      hydratedPages.set(page.items, { postsGeneration: generation, page: hydrated });
      return hydrated;
    },

    async similarPosts(postId, k = 10) {
      const { feed: f } = requireTrained();
      if (!(await store.getPost(postId))) throw createError('NOT_FOUND', { kind: 'post', id: postId });
      return hydrate(store, await f.similarPosts(postId, k));
    },

    async trendingPosts(k = 20) {
      return hydrate(store, await requireTrained().feed.trending({ kind: 'posts', k }));
    },

    async trendingHashtags(k = 20) {
      return (await requireTrained().feed.trending({ kind: 'tags', k })).slice(0, k);
    },

    trendingTopics(k = 20) {
      const { dataset: data } = requireTrained();
      const trend = findTrendingModel(Object.fromEntries(models));
      if (!topics || topics.data !== data || !trend) throw createError('MODEL_NOT_FITTED', { model: 'topics (fitted in the background after training)' });
      return topicTrends(trend.model, data, topics.topics).slice(0, k);
    },

    async search(query, limit = 20) {
      if (query.trim() === '') throw createError('INVALID_INPUT', { field: 'q', problem: 'must not be empty' });
      return store.searchPosts(query, limit);
    },

    async recommend(userId, opts = {}) {
      const k = opts.k ?? config.feed.pageSize;
      const { dataset: data } = requireTrained();
      if (opts.model === undefined) {
        const page = await engine.feed(userId, { pageSize: k });
        return page.items.map((it) => ({ postId: it.postId, score: it.score }));
      }
      const model = models.get(opts.model);
      if (!model) throw createError('MODEL_UNKNOWN', { model: opts.model, expected: [...models.keys()].join(', ') });
      const u = data.users.index(userId);
      if (u < 0) throw createError('NOT_FOUND', { kind: 'user', id: userId });
      return model.recommend(u, { k }).map((r) => ({ postId: data.items.id(r.item), score: r.score }));
    },

    behavior(userId) {
      const { dataset: data } = requireTrained();
      if (!behavior) throw createError('MODEL_NOT_FITTED', { model: `behaviour predictor (${behaviorState})` });
      const u = data.users.index(userId);
      if (u < 0) throw createError('NOT_FOUND', { kind: 'user', id: userId });
      return behavior.predictUser(u);
    },

    secondaryTraining() {
      return secondary;
    },

    async stats() {
      const counts = await store.counts();
      return {
        ...counts,
        trainedAt: trainedAt?.toISOString() ?? null,
        models: [...models.keys()],
        ranker: rankerState,
        behavior: behaviorState,
        datasetUsers: dataset?.users.size ?? 0,
        datasetItems: dataset?.items.size ?? 0,
        materializedFeeds,
      };
    },

    async close() {
      closed = true;
      closing.abort();
      await secondary;
      await store.close();
    },
  };
  return engine;
}

/** Up to 3,000 posts with the most engagement momentum (what trends are made of), and their topics. */
function fitTopicsWithMomentum(data: Dataset, fitted: ReadonlyMap<string, Recommender>, seed: number): PostTopics {
  const trend = findTrendingModel(Object.fromEntries(fitted));
  const items = trend ? popularList(trend.model, 3000).map((r) => r.item) : undefined;
  return fitPostTopics(data, { items, seed });
}

/** Users ordered by how much they interacted in the snapshot (most first), at most `n`. */
export function mostActiveUsers(data: Dataset, n: number): string[] {
  const m = data.interactions;
  const order = Array.from({ length: Math.min(m.rows, data.users.size) }, (_, u) => u);
  const degree = (u: number): number => m.indptr[u + 1]! - m.indptr[u]!;
  order.sort((a, b) => degree(b) - degree(a) || a - b);
  return order.slice(0, n).map((u) => data.users.id(u));
}

/**
 * Drops the materialized first pages a write makes stale: a new post reaches its author's followers' in-network
 * candidates; a new follow changes the follower's. (Events are handled where they are ingested.)
 */
async function invalidateAffected(feed: Feed, store: Store, kind: RowKind, rows: readonly unknown[]): Promise<void> {
  if (kind === 'follows') for (const f of rows as Follow[]) feed.invalidate(f.follower);
  if (kind !== 'posts') return;
  for (const author of new Set((rows as Post[]).map((p) => p.author))) {
    for (const follower of await store.followers(author)) feed.invalidate(follower);
  }
}

/** Engagement-ranker scores (Σ_t w_t·P_t) of posts for a user; NaN for posts or users it has not seen. */
function rerankScores(ranker: EngagementRanker, data: Dataset, userId: string, postIds: readonly string[]): Float32Array {
  const out = new Float32Array(postIds.length).fill(NaN);
  const u = data.users.index(userId);
  if (u < 0) return out;
  const examples: { user: number; item: number }[] = [];
  const at: number[] = [];
  postIds.forEach((id, k) => {
    const i = data.items.index(id);
    if (i >= 0) {
      examples.push({ user: u, item: i });
      at.push(k);
    }
  });
  if (examples.length === 0) return out;
  const scores = ranker.score(examples);
  at.forEach((k, j) => (out[k] = scores[j]!));
  return out;
}

/**
 * Every post ingested gets a sentiment: the VADER compound score in [-1, 1] and its label with VADER's
 * thresholds (±0.05). Posts that already carry `features.sentiment` keep theirs.
 */
function addSentiment(posts: Post[]): void {
  for (const p of posts) {
    if (p.features?.sentiment !== undefined || p.text === '') continue;
    const c = vaderCompound(p.text);
    p.features = { ...p.features, sentiment: c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral', sentiment_score: Math.round(c * 1e4) / 1e4 };
  }
}

async function hydrate(store: Store, items: readonly FeedItem[]): Promise<HydratedItem[]> {
  const posts = new Map((await store.getPosts(items.map((i) => i.postId))).map((p) => [p.id, p]));
  return items.flatMap((i) => {
    const post = posts.get(i.postId);
    return post ? [{ ...i, post }] : [];
  });
}

/** Folds new positive events into models that learn online (item-kNN histories, iALS fold-in). */
function applyOnlineUpdates(events: NonNullable<WriteBatch['events']>, data: Dataset, models: ReadonlyMap<string, Recommender>, config: ResonateConfig): void {
  for (const e of events) {
    if (e.post === undefined) continue;
    const w = eventWeight(e, config.weights);
    if (!(w > 0)) continue;
    const u = data.users.index(e.user);
    const i = data.items.index(e.post);
    if (u < 0 || i < 0) continue;
    for (const m of models.values()) m.partialFit?.(u, [i], [w]);
  }
}
