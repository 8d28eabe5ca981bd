/**
 * @module createEngine: the composition root. It picks the concrete parts (store backend, model plan, the
 * model lifecycle with its trainer and feed, the ingest path) and wires them; it holds no training or caching
 * logic of its own. The API, the CLI and the workers all go through it.
 */
import { randomUUID } from 'node:crypto';
import { loadConfig, type ResonateConfig, type ResonateConfigInput } from '../core/config.js';
import { createError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Progress } from '../core/progress.js';
import type { Dataset } from '../data/dataset.js';
import type { Post } from '../data/schemas.js';
import type { RowKind } from '../data/validate.js';
import type { FeedPage, HydratedItem, PageOptions } from '../feed/types.js';
import type { TrendingTag } from '../feed/trending.js';
import { findTrendingModel, ordered, type TrendingOrder } from '../feed/trending.js';
import { topicTrends, type PostTopics, type TrendingTopic } from '../feed/trending-topics.js';
import { newAccountHoursOf, topicBursts, type Burst } from '../feed/trending-bursts.js';
import type { BehaviorPrediction } from '../models/behavior/index.js';
import { registerBuiltinModels } from '../models/builtin.js';
import type { Recommender } from '../models/recommender.js';
import { openStore } from '../storage/open-store.js';
import { createSharedState, type SharedState } from '../cache/index.js';
import { SearchService, type SearchItem, type SearchRequest } from '../search/search-service.js';
import type { ErasureSummary, SearchHit, Store, StoreCounts, UserExport, WriteSummary } from '../storage/store.js';
import type { BackgroundFailure, BackgroundState } from './background-models.js';
import { createIngest } from './ingest.js';
import { Retraction, type DeletedPostResult, type Requester, type UndoneEvent } from './retraction.js';
import { createModerationScorer, flaggedPosts } from './moderation.js';
import { FeedInvalidation } from './feed-invalidation.js';
import { FeedbackJoin, type FeedbackJoinStats } from './feedback-join.js';
import { ImpressionLog, type ImpressionLogStats } from './impression-log.js';
import { createLifecycle, type Lifecycle, type RetrainState } from './lifecycle.js';
import { eraseUser } from './user-rights.js';
import { exposureAt, exposureLabel } from '../experiments/assignment.js';
import { checkArmSources, feedForExposure } from '../experiments/experiment-feed.js';
import { planModels, type ModelPlan } from './model-plan.js';
import { checkVariantSources } from '../feed/variant-feeds.js';
import type { SkippedVersion, VersionManifest } from './model-versions.js';
import type { ServingSet } from './serving.js';
import { UserPrivacy } from './user-privacy.js';
import { checkRatingsConfig, createServedRatings, type PredictedRating, type ServedRatings } from './served-ratings.js';
import { createServedWhoToFollow, type FollowSuggestion, type ServedWhoToFollow } from './who-to-follow.js';
import { liveProfile, postVectorsById, profileSummary } from './interest-profile.js';
import { match } from '../feed/interest-profiles.js';
import type { ProfileSummary } from '../feed/profile-summary.js';
import { suggesterFor, type HashtagSuggestion, type ReplyAnswer } from '../compose/index.js';
import { createServedCompose, type ComposeRequest, type ComposeSuggestions, type ServedCompose } from './compose.js';
import { loadSafety, type SafetyRules } from '../feed/safety.js';
import { followingPage, repliesPage, type ReplyOrder } from '../feed/threads.js';
import { reportQueue, takeDownPost, type ReportQueue } from './report-queue.js';
import type { Takedown } from '../storage/store.js';
import { SponsoredSlots } from './sponsored-slots.js';
import { CampaignAdmin } from './campaigns.js';
import { openJobQueue, type JobQueue } from '../jobs/job-queue.js';
import { enqueueTraining, followPublished } from './jobs.js';

export interface EngineOptions {
  /** Configuration (already loaded) or overrides applied on top of defaults → file → environment. */
  config?: ResonateConfig;
  overrides?: ResonateConfigInput;
  logger?: Logger;
  /** Use this store instead of opening `config.store.url` (tests, embedding). */
  store?: Store;
  /** Use this shared state instead of the one `config.cache.url` names (closed by its owner, not the engine). */
  sharedState?: SharedState;
  /**
   * The engine's clock (epoch ms; default `Date.now`): the feed's snapshot time and ages, the impression log's
   * `at`, and the future-timestamp check of ingest read it. A simulation runs the engine on simulated time with it.
   */
  clock?: () => number;
}

export interface TrainReport {
  models: { id: string; fitSeconds: number }[];
  users: number;
  items: number;
  interactions: number;
  datasetSeconds: number;
  /** The model version written (absent when not saved). */
  version?: number;
}

export type SecondaryState = BackgroundState;

export interface EngineStats extends StoreCounts {
  trainedAt: string | null;
  models: string[];
  /** The model version serving (null before the first training, or for an unsaved one). */
  modelVersion: { version: number; createdAt: string; validation?: VersionManifest['validation'] } | null;
  /** A retraining in the background: 'idle' | 'running' | 'failed' (the serving version stays on failure). */
  retraining: RetrainState;
  lastRetrainError: string | null;
  /** The feed's candidate sources and their blend weights. */
  feedSources: { key: string; weight: number }[];
  /** Second-stage models trained in the background after `train`: 'off' | 'training' | 'ready' | 'failed'. */
  ranker: SecondaryState;
  behavior: SecondaryState;
  /** The trending topics (NMF over the posts), fitted in the background too. */
  topics: SecondaryState;
  /** The compose language model (draft completions), trained in the background too. */
  compose: SecondaryState;
  /** The smart-reply suggester (dual encoder over the reply threads), fitted in the background too. */
  replies: SecondaryState;
  /** Background models that could not be trained on the serving snapshot, each with its reason in plain words. */
  problems: BackgroundFailure[];
  datasetUsers: number;
  datasetItems: number;
  /** Users whose first feed page is precomputed in memory (feed.materializeUsers). */
  materializedFeeds: number;
  /** The impression log of this process: rows written, waiting, dropped. */
  impressions: ImpressionLogStats;
  /** How new events' request ids joined served impressions (since start). */
  feedback: FeedbackJoinStats;
}

/** What this process is doing right now, read from memory (no store query): for /health and /metrics. */
export interface EngineRuntime {
  /** The serving model version's number (null before the first training or load, or when it was not saved). */
  modelVersion: number | null;
  retraining: RetrainState;
  /** The impression log's buffer: rows not yet committed, written, dropped. */
  impressions: ImpressionLogStats;
  /** Write batches accepted by `ingest` and not yet answered (validating, queued for the store, or committing). */
  ingestInFlight: number;
  /** Background models that could not be trained on the data, with the reason. */
  problems: BackgroundFailure[];
}

export type { HydratedItem };
export type HydratedPage = FeedPage;

export interface Engine {
  readonly config: ResonateConfig;
  readonly store: Store;
  readonly logger: Logger;
  /** What this process shares with the others serving the same store (`cache.url`): pages, invalidations, rate limits, model version. */
  readonly shared: SharedState;
  /** The models to fit and how the feed uses them, resolved from the config. */
  readonly plan: ModelPlan;
  /** The snapshot the serving models were trained on (undefined before the first `train` or `load`). */
  readonly dataset: Dataset | undefined;
  readonly models: ReadonlyMap<string, Recommender>;
  /** Validates and writes one batch of rows in one transaction; new positive events update online models. */
  ingest(kind: RowKind, rows: unknown): Promise<WriteSummary>;
  /** Builds the dataset from the store, fits the planned models, saves them as a new version and serves them. */
  train(options?: { progress?: Progress; signal?: AbortSignal; save?: boolean; secondary?: boolean; jobKey?: string; beforeSave?: () => void }): Promise<TrainReport>;
  /** Serves the newest saved version whose specs match the config, without training; undefined when none does. */
  load(options?: { secondary?: boolean }): Promise<{ manifest: VersionManifest; skipped: SkippedVersion[] } | undefined>;
  /** Whether the store changed since the serving version was trained. */
  dataChanged(): Promise<boolean>;
  /**
   * Trains a new version out of the request loop (a child process for a file store) and swaps it in. With
   * `jobs.backend`, enqueues a training job instead; the version a worker publishes is then adopted.
   */
  retrain(): Promise<void>;
  /** Starts the `models.retrainEvery` schedule (with `jobs.backend` the workers schedule it: nothing here). */
  scheduleRetraining(): void;
  /** The job queue of `jobs.*` (opened on first use as a producer), or undefined with `jobs.backend: none`. */
  jobs(): Promise<JobQueue | undefined>;
  feed(userId: string, options?: PageOptions): Promise<HydratedPage>;
  similarPosts(postId: string, k?: number): Promise<HydratedItem[]>;
  trendingPosts(k?: number): Promise<HydratedItem[]>;
  /** Hashtags whose posts gain engagement fastest (time-decayed popularity of their posts). */
  trendingHashtags(k?: number, order?: TrendingOrder): Promise<TrendingTag[]>;
  /** Topics (NMF over the texts of posts with momentum) ranked by the engagement momentum of their posts. */
  trendingTopics(k?: number, order?: TrendingOrder): TrendingTopic[];
  /**
   * Search (`src/search/search-service.ts`): posts by hybrid lexical + vector retrieval (a plain string or `type:
   * 'posts'`), people or hashtags; personalized when `user` is given.
   */
  search(query: string, limit?: number): Promise<SearchHit[]>;
  search(request: SearchRequest): Promise<SearchItem[]>;
  /** Top-k post ids for a user from one model (by key) or the feed when `model` is omitted. */
  recommend(userId: string, options?: { k?: number; model?: string }): Promise<{ postId: string; score: number }[]>;
  /**
   * Hashtags for a draft post, most likely first, from the serving snapshot's posts (personalized by `author`'s
   * own tags); tags already in the draft are left out.
   */
  suggestHashtags(draft: string, options?: { author?: string; limit?: number }): HashtagSuggestion[];
  /**
   * Hashtags for a draft as `suggestHashtags`, and completions of it from the compose language model (sampled with
   * temperature and top-p, blocklisted words never generated, offensive ones filtered); `completionsUnavailable`
   * gives the reason when none can be given.
   */
  composeSuggest(draft: string, request?: ComposeRequest): Promise<ComposeSuggestions>;
  /**
   * Up to `limit` (1–10, default 3) short replies to a stored post, retrieved from the app's past replies by the
   * smart-reply suggester (a background model); none, with the reason, when `user` switched smart replies off or
   * no reply is confident enough. NOT_FOUND for a missing or taken-down post.
   */
  replySuggestions(postId: string, options?: { user?: string; limit?: number }): Promise<ReplyAnswer>;
  /**
   * Accounts a user may want to follow, best first, each with its social proof; never the user, accounts they
   * follow or erased accounts. Built from the serving snapshot on its first request.
   */
  whoToFollow(userId: string, options?: { limit?: number }): Promise<FollowSuggestion[]>;
  /**
   * A user's interest profile (the fresh source's, with their engagement since the snapshot): topic mixture, top
   * hashtags, embedding centroid and sentiment tendency, each explained. NOT_FOUND for a user nobody knows.
   */
  interestProfile(userId: string): Promise<ProfileSummary>;
  /** The rating `ratings.model` predicts for a user and a post, clipped to the rating scale (fitted on first request). */
  predictedRating(userId: string, postId: string): PredictedRating;
  /** The replies of a post as `viewer` may see them (anonymous when absent), paged; NOT_FOUND for a missing or taken-down post. */
  replies(postId: string, options?: { viewer?: string; order?: ReplyOrder; cursor?: string; limit?: number }): Promise<HydratedPage>;
  /** The posts of the accounts a user follows, newest first, paged (beside the ranked feed). */
  followingFeed(userId: string, options?: { cursor?: string; limit?: number }): Promise<HydratedPage>;
  /** A user's mutes, blocks, muted words and negative feedback, as folded from their events now. */
  safety(userId: string): Promise<SafetyRules>;
  /** The moderation queue: reported posts not taken down and reported accounts, most reporters first. */
  reports(limit?: number): Promise<ReportQueue>;
  /**
   * Deletes a post (with every event on it) for everyone at the next request; the serving models unlearn it
   * (see retraction.ts). `by.user`: a user token's subject, who may delete only their own posts.
   */
  deletePost(postId: string, by?: Requester): Promise<DeletedPostResult>;
  /** Edits a post's text, tags, features or language through the ingest path; its author never changes. */
  editPost(postId: string, patch: unknown, by?: Requester): Promise<Post>;
  /** Undoes an event (an unlike, an unshare, an unfollow of a follow event); a user may undo only their own. */
  undoEvent(eventId: string, by?: Requester): Promise<UndoneEvent>;
  /** Sponsored campaigns (`/v1/admin/campaigns`): create, list, change, delete, and their delivery. */
  readonly campaigns: CampaignAdmin;
  /** Takes a post down for everyone at the next request (audited). */
  takeDown(postId: string, options?: { actor?: string; reason?: string }): Promise<Takedown>;
  /** A user's predicted next action and churn risk (calibrated), once the behaviour model is trained. */
  behavior(userId: string): BehaviorPrediction;
  /**
   * Erases a user from the store (their posts, follows, events; replies to their posts with `replies: 'delete'`),
   * serves nothing of them from now on, and before answering has the serving models that can `forget` unlearn them
   * exactly; the others are retrained without them in the background, and the saved versions follow (see
   * `secondaryTraining`). Audited.
   */
  eraseUser(userId: string, options?: { replies?: 'keep' | 'delete'; actor?: string }): Promise<ErasureSummary>;
  /** Everything stored about a user (audited). */
  exportUser(userId: string, options?: { actor?: string }): Promise<UserExport>;
  /**
   * Resolves when the deleted posts asked so far are unlearned, the background models of the latest training or
   * load have finished (ready or failed), and the versions written after an erasure or a deletion are on disk.
   */
  secondaryTraining(): Promise<void>;
  stats(): Promise<EngineStats>;
  runtime(): EngineRuntime;
  close(): Promise<void>;
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  registerBuiltinModels();
  const config = options.config ?? loadConfig({ overrides: options.overrides });
  const logger = options.logger ?? silentLogger;
  const plan = planModels(config);
  checkArmSources(config.experiments, plan.sources);
  checkVariantSources(config.bluesky.feeds.map((f) => ({ name: f.rkey, sources: f.sources ?? {} })), plan.sources, 'bluesky.feeds');
  checkRatingsConfig(config);
  const store = options.store ?? (await openStore(config.store.url));
  const privacy = await UserPrivacy.load(store);
  const audience = { personalized: (id: string) => privacy.personalized(id), erased: (id: string) => privacy.isErased(id) };
  const shared = options.sharedState ?? createSharedState(config, logger);
  const ownsShared = options.sharedState === undefined;
  // Training and loading block the event loop: connect first, so the first pages are shared. Redis down: start anyway.
  if (!(await shared.connected())) logger.warn({}, 'starting without redis: serving from this process memory until it is reachable');
  const clock = options.clock ?? Date.now;
  const lifecycle = createLifecycle({
    store, config, plan, logger, injectedStore: options.store !== undefined, audience, clock,
    sharedPages: (version) => shared.pages(version),
    onNewVersion: (version) => shared.version.announce(version),
  });
  shared.version.follow((version) => void lifecycle.adopt(version));
  // Workers publish by writing CURRENT in the shared models folder: followed even without Redis.
  const unfollow = config.jobs.backend === 'none' ? undefined : followPublished(config.models.dir, config.jobs.followSeconds, (version) => void lifecycle.adopt(version));
  return new ResonateEngine(config, store, logger, plan, privacy, lifecycle, shared, ownsShared, clock, unfollow);
}

/** The engine's API over its parts; every method delegates to the part that owns the work. */
class ResonateEngine implements Engine {
  readonly ingest: Engine['ingest'];
  private readonly follows: ServedWhoToFollow;
  private readonly ratings: ServedRatings;
  private readonly compose: ServedCompose;

  constructor(
    readonly config: ResonateConfig,
    readonly store: Store,
    readonly logger: Logger,
    readonly plan: ModelPlan,
    private readonly privacy: UserPrivacy,
    private readonly lifecycle: Lifecycle,
    readonly shared: SharedState,
    private readonly ownsShared: boolean,
    private readonly clock: () => number,
    private readonly unfollow: (() => void) | undefined,
  ) {
    this.impressions = new ImpressionLog(store, config.impressions, logger);
    this.feedbackJoin = new FeedbackJoin(store);
    this.sponsored = new SponsoredSlots(store, config.sponsored, clock, logger);
    this.invalidation = new FeedInvalidation(lifecycle.serving, shared);
    const moderation = createModerationScorer(config.moderation, logger);
    this.ratings = createServedRatings({ config, logger });
    this.compose = createServedCompose(config, lifecycle.background, moderation);
    this.searchService = new SearchService(store, { seed: config.seed, hidden: (id) => privacy.isErased(id), interest: (user, ids) => this.interestMatch(user, ids) });
    const ingest = createIngest(store, config, lifecycle.serving, privacy, this.invalidation, { join: this.feedbackJoin, explorer: lifecycle.exploration, clock, sponsored: this.sponsored, search: this.searchService, checkEvents: (events, data) => this.ratings.checkEvents(events, data), ...(moderation ? { moderation } : {}) });
    this.ingest = async (kind, rows) => {
      this.ingestInFlight++;
      try {
        return await ingest(kind, rows);
      } finally {
        this.ingestInFlight--;
      }
    };
    this.retraction = new Retraction({ store, lifecycle, invalidation: this.invalidation, logger, ingest: this.ingest, clock, identifyLanguage: config.text.identifyLanguage });
    this.follows = createServedWhoToFollow({ seed: config.seed, logger, isErased: (id) => privacy.isErased(id) });
    this.campaigns = new CampaignAdmin(store, () => this.sponsored.refresh(), clock, this.sponsored.predictions);
  }

  readonly campaigns: CampaignAdmin;

  private readonly invalidation: FeedInvalidation;
  /** Topic bursts per fitted topics (one set per snapshot). */
  private readonly topicBursts = new WeakMap<PostTopics, Map<number, Burst>>();
  private readonly retraction: Retraction;
  private readonly searchService: SearchService;
  private ingestInFlight = 0;

  private readonly impressions: ImpressionLog;
  private readonly feedbackJoin: FeedbackJoin;
  private readonly sponsored: SponsoredSlots;

  get dataset(): Dataset | undefined {
    return this.lifecycle.serving.current?.dataset;
  }

  get models(): ReadonlyMap<string, Recommender> {
    return this.lifecycle.serving.current?.models ?? new Map<string, Recommender>();
  }

  /** The serving set, or MODEL_NOT_FITTED before the first training or load. */
  private serving(): ServingSet {
    const s = this.lifecycle.serving.current;
    if (!s) throw createError('MODEL_NOT_FITTED', { model: 'feed (run `resonate train` or POST /v1/admin/train)' });
    return s;
  }

  /** Reads of an erased user answer USER_ERASED, whatever the snapshot still holds. */
  private readable(userId: string): string {
    if (this.privacy.isErased(userId)) throw createError('USER_ERASED', { id: userId });
    return userId;
  }

  async train(opts: Parameters<Engine['train']>[0] = {}): Promise<TrainReport> {
    const set = await this.lifecycle.train({ progress: opts.progress, signal: opts.signal, save: opts.save, background: opts.secondary, ...(opts.jobKey ? { jobKey: opts.jobKey } : {}), ...(opts.beforeSave ? { beforeSave: opts.beforeSave } : {}) });
    const d = set.dataset;
    return {
      models: [...set.models.keys()].map((id) => ({ id, fitSeconds: set.fitSeconds[id] ?? 0 })),
      users: d.users.size, items: d.items.size, interactions: d.interactions.indptr[d.users.size]!, datasetSeconds: set.datasetSeconds,
      ...(set.manifest ? { version: set.manifest.version } : {}),
    };
  }

  load(opts: { secondary?: boolean } = {}): ReturnType<Engine['load']> {
    return this.lifecycle.load({ background: opts.secondary });
  }

  dataChanged(): Promise<boolean> {
    return this.lifecycle.dataChanged();
  }

  async retrain(): Promise<void> {
    if (this.config.jobs.backend === 'none') return this.lifecycle.retrain();
    try {
      const queue = (await this.jobs())!;
      const { key, id } = await enqueueTraining(queue, this.store, this.plan.specs);
      this.logger.info({ key, ...(id ? { id } : { queued: 'already' }) }, 'training job enqueued');
    } catch (err) {
      // Like a failed retraining: logged, the serving version stays (callers do not wait for it).
      this.logger.error({ err }, 'could not enqueue the training job; the serving version stays');
    }
  }

  scheduleRetraining(): void {
    if (this.config.jobs.backend === 'none') this.lifecycle.schedule();
  }

  private queue: Promise<JobQueue | undefined> | undefined;

  jobs(): Promise<JobQueue | undefined> {
    this.queue ??= openJobQueue(this.config.jobs, 'producer').catch((e: unknown) => {
      // Not kept: the next call tries again.
      this.queue = undefined;
      throw e;
    });
    return this.queue;
  }

  async feed(userId: string, opts?: PageOptions): Promise<HydratedPage> {
    const id = this.readable(userId);
    const at = this.clock();
    // The user's arm while an experiment runs: its feed serves the page and the impression names it.
    const exposure = exposureAt(this.config.experiments, id, at);
    const set = this.serving();
    const organic = await feedForExposure(set.feed, exposure).page(id, opts);
    // A page served from memory is the same object each time: each response gets its own id.
    const requestId = randomUUID();
    // The blender step: sponsored posts in the page's safe slots (not on an attribution request).
    const page = opts?.explain === 'full' || opts?.sponsored === false ? organic : await this.sponsored.blend({
      userId: id, page: organic, safety: () => loadSafety(this.store, id), personalized: this.privacy.personalized(id),
      dataset: set.dataset, ranker: this.lifecycle.background.ranker(set.dataset),
    }, requestId);
    if (!this.impressions.enabled || page.items.length === 0) return page === organic ? page : { ...page, requestId };
    // The organic items are logged as served (the blended ranking: propensity 1 unless an item says otherwise);
    // sponsored ones have their own log (Store.recordSponsoredImpressions) and stay out of this one.
    await this.impressions.record({ requestId, userId: id, offset: page.offset ?? 0, at, items: organic.items, ...(exposure ? { experiment: exposureLabel(exposure) } : {}) });
    this.feedbackJoin.served(requestId);
    return { ...page, requestId };
  }

  async similarPosts(postId: string, k = 10): Promise<HydratedItem[]> {
    return this.serving().feed.similarPosts(postId, k);
  }

  trendingPosts(k = 20): Promise<HydratedItem[]> {
    return this.serving().feed.trending({ kind: 'posts', k });
  }

  trendingHashtags(k = 20, order: TrendingOrder = 'score'): Promise<TrendingTag[]> {
    return this.serving().feed.trending({ kind: 'tags', k, order });
  }

  trendingTopics(k = 20, order: TrendingOrder = 'score'): TrendingTopic[] {
    const { dataset, models } = this.serving();
    const trend = findTrendingModel(Object.fromEntries(models));
    const topics = this.lifecycle.background.topics(dataset);
    if (!trend) throw createError('MODEL_UNAVAILABLE', { model: 'topic model', reason: 'trending topics rank topics by a popular/* model, and feed.sources has none' });
    if (!topics) throw this.lifecycle.background.unavailable('topics');
    let bursts = this.topicBursts.get(topics);
    if (!bursts) this.topicBursts.set(topics, (bursts = topicBursts(dataset, topics, { newAccountHours: newAccountHoursOf(trend.model) })));
    return ordered(topicTrends(trend.model, dataset, topics, undefined, bursts), order).slice(0, k);
  }

  search(query: string, limit?: number): Promise<SearchHit[]>;
  search(request: SearchRequest): Promise<SearchItem[]>;
  async search(query: string | SearchRequest, limit = 20): Promise<SearchItem[]> {
    const request = typeof query === 'string' ? { q: query, limit } : query;
    if (request.user !== undefined) this.readable(request.user);
    return this.searchService.search(request);
  }

  async recommend(userId: string, opts: { k?: number; model?: string } = {}): Promise<{ postId: string; score: number }[]> {
    const k = opts.k ?? this.config.feed.pageSize;
    this.readable(userId);
    const { dataset, models, feed } = this.serving();
    if (opts.model === undefined) return (await feed.page(this.readable(userId), { pageSize: k })).items.map((it) => ({ postId: it.postId, score: it.score }));
    const model = models.get(opts.model);
    if (!model) throw createError('MODEL_UNKNOWN', { model: opts.model, expected: [...models.keys()].join(', ') });
    return model.recommend(userIndex(dataset, this.readable(userId)), { k }).map((r) => ({ postId: dataset.items.id(r.item), score: r.score }));
  }

  suggestHashtags(draft: string, opts: { author?: string; limit?: number } = {}): HashtagSuggestion[] {
    const limit = opts.limit ?? 5;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 50)) throw createError('INVALID_INPUT', { field: 'limit', problem: `expected an integer from 1 to 50, got ${limit}` });
    const author = opts.author === undefined ? undefined : this.readable(opts.author);
    return suggesterFor(this.serving().dataset).suggest(draft, { limit, ...(author !== undefined ? { author } : {}) });
  }

  composeSuggest(draft: string, request: ComposeRequest = {}): Promise<ComposeSuggestions> {
    const author = request.author === undefined ? undefined : this.readable(request.author);
    return this.compose.suggest(this.serving().dataset, draft, { ...request, ...(author !== undefined ? { author } : {}) });
  }

  async replySuggestions(postId: string, opts: { user?: string; limit?: number } = {}): Promise<ReplyAnswer> {
    const limit = opts.limit ?? 3;
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 10)) throw createError('INVALID_INPUT', { field: 'limit', problem: `expected an integer from 1 to 10, got ${limit}` });
    const user = opts.user === undefined ? undefined : this.readable(opts.user);
    const post = await this.store.getPost(postId);
    if (!post || (await this.store.takenDown([postId])).size > 0) throw createError('NOT_FOUND', { kind: 'post', id: postId });
    if (user !== undefined && (await this.store.getUser(user))?.smartReplies === false) {
      return { replies: [], suppressed: 'opted_out', reason: 'this user switched smart replies off' };
    }
    const suggester = this.lifecycle.background.replies(this.serving().dataset);
    if (!suggester) throw this.lifecycle.background.unavailable('replies');
    return suggester.suggest(post.text ?? '', { limit, ...(user !== undefined ? { user } : {}) });
  }

  async whoToFollow(userId: string, opts: { limit?: number } = {}): Promise<FollowSuggestion[]> {
    const limit = checkLimit(opts.limit ?? 20);
    const dataset = this.serving().dataset;
    const rules = await loadSafety(this.store, this.readable(userId));
    return this.follows.suggest(dataset, userId, limit, (id) => rules.hiddenAuthors.has(id));
  }

  /** Search personalization: each post's match with the user's live interest profile (none before a model serves). */
  private async interestMatch(userId: string, ids: readonly string[]): Promise<ReadonlyMap<string, number> | undefined> {
    const set = this.lifecycle.serving.current;
    if (!set) return undefined;
    const { profile } = await liveProfile(set.dataset, this.store, userId, this.config.weights, undefined);
    if (profile.terms.size === 0) return undefined;
    const vectors = await postVectorsById(set.dataset, this.store, ids);
    return new Map([...vectors].map(([id, v]) => [id, match(profile, v)]));
  }

  async interestProfile(userId: string): Promise<ProfileSummary> {
    const { dataset } = this.serving();
    this.readable(userId);
    if (dataset.users.index(userId) < 0 && !(await this.store.getUser(userId))) throw createError('NOT_FOUND', { kind: 'user', id: userId });
    return profileSummary(dataset, this.store, userId, this.config.weights, this.lifecycle.background.topics(dataset), this.clock());
  }

  async replies(postId: string, opts: { viewer?: string; order?: ReplyOrder; cursor?: string; limit?: number } = {}): Promise<HydratedPage> {
    const pageSize = checkLimit(opts.limit ?? this.config.feed.pageSize);
    const viewerId = opts.viewer === undefined ? undefined : this.readable(opts.viewer);
    const viewer = viewerId === undefined ? undefined : { id: viewerId, rules: await loadSafety(this.store, viewerId), following: await this.store.following(viewerId) };
    return repliesPage(this.threadContext(), postId, viewer, opts.order ?? 'ranked', { cursor: opts.cursor, pageSize });
  }

  async followingFeed(userId: string, opts: { cursor?: string; limit?: number } = {}): Promise<HydratedPage> {
    const pageSize = checkLimit(opts.limit ?? this.config.feed.pageSize);
    const rules = await loadSafety(this.store, this.readable(userId));
    return followingPage(this.threadContext(), userId, rules, { cursor: opts.cursor, pageSize });
  }

  private threadContext(): Parameters<typeof repliesPage>[0] {
    return { store: this.store, dataset: this.lifecycle.serving.current?.dataset, now: this.clock(), hiddenAuthor: (id) => this.privacy.isErased(id) };
  }

  safety(userId: string): Promise<SafetyRules> {
    return loadSafety(this.store, this.readable(userId));
  }

  async reports(limit = 50): Promise<ReportQueue> {
    const n = checkLimit(limit);
    // Taken-down posts drop out below, so ask the signal for a few more than shown.
    const flagged = await flaggedPosts(this.store, this.config.moderation.reviewAbove, { since: -Infinity, now: this.clock(), limit: 2 * n });
    return reportQueue(this.store, n, flagged.items);
  }

  async takeDown(postId: string, opts: { actor?: string; reason?: string } = {}): Promise<Takedown> {
    const takedown = await takeDownPost(this.store, postId, { ...opts, at: this.clock() });
    // Every process drops its hydrated pages; each request also reads the takedowns of what it serves.
    this.invalidation.postsChanged();
    return takedown;
  }

  deletePost(postId: string, by: Requester = {}): Promise<DeletedPostResult> {
    return this.retraction.deletePost(postId, by);
  }

  editPost(postId: string, patch: unknown, by: Requester = {}): Promise<Post> {
    return this.retraction.editPost(postId, patch, by);
  }

  undoEvent(eventId: string, by: Requester = {}): Promise<UndoneEvent> {
    return this.retraction.undoEvent(eventId, by);
  }

  predictedRating(userId: string, postId: string): PredictedRating {
    return this.ratings.predict(this.serving().dataset, this.readable(userId), postId);
  }

  behavior(userId: string): BehaviorPrediction {
    this.readable(userId);
    const { dataset } = this.serving();
    const predictor = this.lifecycle.background.behavior(dataset);
    if (!predictor) throw this.lifecycle.background.unavailable('behavior');
    return predictor.predictUser(userIndex(dataset, userId));
  }

  async eraseUser(userId: string, opts: { replies?: 'keep' | 'delete'; actor?: string } = {}): Promise<ErasureSummary> {
    const summary = await eraseUser({ store: this.store, logger: this.logger, privacy: this.privacy, lifecycle: this.lifecycle }, this.readable(userId), opts);
    // The other processes drop their pages too (this one did in eraseUser): their posts may be on them.
    this.invalidation.users([userId]);
    this.invalidation.postsChanged();
    return summary;
  }

  async exportUser(userId: string, opts: { actor?: string } = {}): Promise<UserExport> {
    const data = await this.store.exportUser(this.readable(userId), opts);
    if (!data) throw createError('NOT_FOUND', { kind: 'user', id: userId });
    return data;
  }

  async secondaryTraining(): Promise<void> {
    await this.retraction.settled();
    return this.lifecycle.backgroundDone();
  }

  stats(): Promise<EngineStats> {
    return engineStats(this.store, this.lifecycle, this.plan, { impressions: this.impressions.stats(), feedback: this.feedbackJoin.stats() });
  }

  runtime(): EngineRuntime {
    const version = this.lifecycle.serving.current?.manifest?.version;
    return { modelVersion: version ?? null, retraining: this.lifecycle.retrainState, impressions: this.impressions.stats(), ingestInFlight: this.ingestInFlight, problems: [...this.lifecycle.background.failures] };
  }

  async close(): Promise<void> {
    this.unfollow?.();
    const queue = this.queue;
    this.queue = undefined;
    if (queue) await queue.then((q) => q?.close(), () => undefined);
    await this.impressions.close();
    await this.lifecycle.close();
    if (this.ownsShared) await this.shared.close();
    await this.store.close();
  }
}

function checkLimit(limit: number): number {
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= 500)) throw createError('INVALID_INPUT', { field: 'limit', problem: `expected an integer from 1 to 500, got ${limit}` });
  return limit;
}

function userIndex(data: Dataset, userId: string): number {
  const u = data.users.index(userId);
  if (u < 0) throw createError('NOT_FOUND', { kind: 'user', id: userId });
  return u;
}

async function engineStats(store: Store, lifecycle: Lifecycle, plan: ModelPlan, logs: Pick<EngineStats, 'impressions' | 'feedback'>): Promise<EngineStats> {
  const counts = await store.counts();
  const live = lifecycle.serving.current;
  const m = live?.manifest;
  return {
    ...counts,
    trainedAt: live?.trainedAt.toISOString() ?? null,
    models: live ? [...live.models.keys()] : [],
    modelVersion: m ? { version: m.version, createdAt: m.createdAt, ...(m.validation ? { validation: m.validation } : {}) } : null,
    retraining: lifecycle.retrainState,
    lastRetrainError: lifecycle.lastRetrainError ?? null,
    feedSources: plan.sources.map((x) => ({ key: x.key, weight: x.weight })),
    ranker: lifecycle.background.rankerState,
    behavior: lifecycle.background.behaviorState,
    compose: lifecycle.background.composeState,
    topics: lifecycle.background.topicsState,
    replies: lifecycle.background.repliesState,
    problems: [...lifecycle.background.failures],
    datasetUsers: live?.dataset.users.size ?? 0,
    datasetItems: live?.dataset.items.size ?? 0,
    materializedFeeds: lifecycle.materializedFeeds,
    ...logs,
  };
}
