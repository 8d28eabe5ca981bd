/**
 * @module The model lifecycle of a running engine: load the newest saved version that matches the configured
 * specs, or train; swap a new set in atomically; train the background models for it and materialize the
 * first pages of the most active users; retrain (in a child process) when the data changed, on demand or every
 * `models.retrainEvery` seconds; unlearn erased users (see `unlearn`).
 */
import { join } from 'node:path';
import type { ResonateConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import { createFeed, type Feed, type FeedAudience } from '../feed/create-feed.js';
import { Explorer } from '../feed/explorer.js';
import type { SourceSpec } from '../feed/types.js';
import { withExperiments } from '../experiments/experiment-feed.js';
import { withVariants } from '../feed/variant-feeds.js';
import type { Recommender } from '../models/recommender.js';
import type { Store } from '../storage/store.js';
import type { PostTopics } from '../feed/trending-topics.js';
import type { SharedFirstPages } from '../feed/shared-pages.js';
import { createBackgroundModels, type BackgroundModels } from './background-models.js';
import type { ModelPlan } from './model-plan.js';
import { dropVersionsBefore, loadServingVersion, loadVersion, pruneVersions, COMPOSE_LM_FILE, RANKER_FILE, saveVersion, versionName, type SkippedVersion, type VersionManifest } from './model-versions.js';
import { isTombstone, type Removal } from '../data/dataset-without.js';
import { erasedIn, removalOf, unlearnModels } from './unlearn.js';
import { replyPairsOf } from './reply-pairs.js';
import { restorePolicyState, savePolicyState, SAVE_EVERY_SECONDS } from './exploration-state.js';
import { childCanTrain, trainInChild } from './retrain.js';
import { canonicalJson } from '../models/model-spec.js';
import { ServingSlot } from './serving.js';
import { sameFingerprint, storeFingerprint, trainFromStore, versionExtras, type TrainedSet, type TrainOptions } from './trainer.js';

export type RetrainState = 'idle' | 'running' | 'failed';

export interface LifecycleOptions {
  store: Store;
  config: ResonateConfig;
  plan: ModelPlan;
  logger: Logger;
  /** The store was handed in (a child process cannot open it): retrain in this process. */
  injectedStore: boolean;
  /** Erased and non-personalized users (the feed treats them differently). */
  audience: FeedAudience;
  /** First pages shared with other processes serving the same saved version (default: none). */
  sharedPages?: (version: number) => SharedFirstPages | undefined;
  /** Called when this process trained (or retrained) a saved version and serves it, so others can follow. */
  onNewVersion?: (version: number) => void;
  /** The engine's clock (the feed's snapshot time, the exploration policy's reward window); `Date.now` when absent. */
  clock?: () => number;
}

export interface UnlearnOutcome {
  /** Keys of the serving models without `forget`: they hold the users until the retraining this started. */
  stale: string[];
  /** Seconds until the serving set no longer held the users (the stale models aside). */
  seconds: number;
  /**
   * Settles once no saved version holds the users: the unlearned set written as a new version and older ones
   * deleted, or (with stale models, or a write that failed) the retraining done and older versions deleted.
   */
  persisted: Promise<void>;
}

export interface Lifecycle {
  readonly serving: ServingSlot;
  readonly background: BackgroundModels;
  readonly retrainState: RetrainState;
  readonly lastRetrainError: string | undefined;
  readonly materializedFeeds: number;
  /** The exploration policy and its decisions, kept across versions (undefined when `feed.exploration.every` is 0). */
  readonly exploration: Explorer | undefined;
  /** Loads the serving version from disk; undefined when none matches (the skipped ones are logged). */
  load(options?: { background?: boolean; prewarm?: boolean }): Promise<{ manifest: VersionManifest; skipped: SkippedVersion[] } | undefined>;
  train(options?: TrainOptions & { background?: boolean }): Promise<TrainedSet>;
  /** Whether the store changed since the serving version was trained. */
  dataChanged(): Promise<boolean>;
  /** Trains a new version out of the request loop and swaps it in; the serving version stays on failure. */
  retrain(): Promise<void>;
  /**
   * Takes erased users (and further erased posts, e.g. deleted replies) out of what serves: the models that can
   * `forget` unlearn them exactly, the set is published again over the snapshot without them, and saved as a new
   * version when every model could; otherwise a retraining replaces them. Undefined when nothing serves.
   */
  unlearn(userIds: readonly string[], posts?: readonly string[]): Promise<UnlearnOutcome | undefined>;
  /** Retrains every `models.retrainEvery` seconds while the data changes (no-op at 0). */
  schedule(): void;
  /**
   * Serves this saved version (announced by another process) unless it serves it already or its specs differ
   * from this process's plan; a version that fails to load is logged and the serving one stays.
   */
  adopt(version: number): Promise<void>;
  backgroundDone(): Promise<void>;
  close(): Promise<void>;
}

/** Users ordered by how much they interacted in the snapshot (most first), at most `n`. */
export function mostActiveUsers(data: Dataset, n: number): string[] {
  const m = data.interactions;
  // Erased users of an unlearned snapshot (tombstones) have nothing to materialize.
  const order = Array.from({ length: Math.min(m.rows, data.users.size) }, (_, u) => u).filter((u) => !isTombstone(data.users.id(u)));
  const degree = (u: number): number => m.indptr[u + 1]! - m.indptr[u]!;
  order.sort((a, b) => degree(b) - degree(a) || a - b);
  return order.slice(0, n).map((u) => data.users.id(u));
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  return new ModelLifecycle(options);
}

class ModelLifecycle implements Lifecycle {
  readonly serving = new ServingSlot();
  readonly background: BackgroundModels;
  retrainState: RetrainState = 'idle';
  lastRetrainError: string | undefined;
  materializedFeeds = 0;
  readonly exploration: Explorer | undefined;
  /** Whether the policy state was looked for on disk yet (once, at the first swap). */
  private policyRestored = false;
  /** Policy updates at the last save. */
  private policySavedAt = 0;
  private policyTimer: NodeJS.Timeout | undefined;
  private readonly closing = new AbortController();
  private backgroundRun: Promise<void> = Promise.resolve();
  private retraining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the serving set trains background models (as it was trained or loaded). */
  private withBackground = true;
  /** Writes of unlearned versions under way. */
  private persisting: Promise<void> = Promise.resolve();

  constructor(private readonly o: LifecycleOptions) {
    this.background = createBackgroundModels(o.config, o.logger, this.closing.signal);
    const exploration = o.config.feed.exploration;
    this.exploration = exploration.every > 0 ? new Explorer({ ...exploration, arms: o.plan.sources.map((s) => s.key), seed: o.config.seed, ...(o.clock ? { now: o.clock } : {}) }) : undefined;
  }

  /** The served feed, with a feed per experiment arm that changes feed settings (same models, same explorer). */
  private makeFeed(dataset: Dataset, models: ReadonlyMap<string, Recommender>, manifest: VersionManifest | undefined): Feed {
    const { store, config, plan, audience } = this.o;
    // Only a saved version's pages are shared: its number tells the processes serving the same models. Arm feeds
    // keep their pages to this process.
    const shared = manifest ? this.o.sharedPages?.(manifest.version) : undefined;
    const build = (feed: ResonateConfig['feed'], sources: readonly SourceSpec[], share = false): Feed =>
      createFeed({
        store, dataset, models: Object.fromEntries(models), config: { feed }, weights: config.weights, audience, sources, similar: plan.similar, moderation: config.moderation,
        secondStage: () => this.background.ranker(dataset), exploration: this.exploration, ...(share && shared ? { shared } : {}), ...(this.o.clock ? { now: this.o.clock } : {}),
      });
    // The Bluesky feeds that narrow the sources are variants of the served feed (same models).
    const variants = config.bluesky.feeds.flatMap((f) => (f.sources ? [{ name: f.rkey, sources: f.sources }] : []));
    const base = withVariants(build(config.feed, plan.sources, true), { sources: plan.sources, variants, build: (s) => build(config.feed, s) });
    return withExperiments(base, { feed: config.feed, sources: plan.sources, experiments: config.experiments, build: (f, s) => build(f, s) });
  }

  /**
   * The policy state goes with the serving version: read back at the first swap (from it, else the newest version
   * that has one), then written into each version swapped in, every SAVE_EVERY_SECONDS while learning, and at close.
   */
  private keepPolicyState(manifest: VersionManifest | undefined): void {
    const explorer = this.exploration;
    if (!explorer || !manifest) return;
    const { dir } = this.o.config.models;
    if (!this.policyRestored) {
      this.policyRestored = true;
      const from = restorePolicyState(explorer, dir, manifest.version, this.o.logger);
      if (from !== undefined) this.o.logger.info({ version: from, updates: explorer.policy.updates }, 'exploration policy restored');
    }
    this.savePolicy();
    this.policyTimer ??= setInterval(() => {
      if (explorer.policy.updates !== this.policySavedAt) this.savePolicy();
    }, SAVE_EVERY_SECONDS * 1000);
    this.policyTimer.unref();
  }

  private savePolicy(): void {
    const manifest = this.serving.current?.manifest;
    if (!this.exploration || !manifest) return;
    this.exploration.expire();
    savePolicyState(this.exploration, this.o.config.models.dir, manifest.version, this.o.logger);
    this.policySavedAt = this.exploration.policy.updates;
  }

  private async materialize(feed: Feed, data: Dataset, generation: number): Promise<void> {
    this.materializedFeeds = 0;
    const t0 = performance.now();
    const n = await feed.warm(mostActiveUsers(data, this.o.config.feed.materializeUsers), { signal: this.closing.signal });
    if (this.serving.generation !== generation) return;
    this.materializedFeeds = n;
    this.o.logger.info({ users: n, seconds: Math.round(performance.now() - t0) / 1000 }, 'feeds materialized');
  }

  /**
   * Swaps a new set in, then trains its background models (the ranker from the version folder when saved). With
   * `prewarm` (a retraining, while the old set still serves) the first pages of the most active users are ranked
   * before the swap, so their requests do not all fall on the cold path at once.
   */
  private async publish(dataset: Dataset, models: ReadonlyMap<string, Recommender>, manifest: VersionManifest | undefined, withBackground: boolean, prewarm = false, topics?: PostTopics): Promise<void> {
    this.withBackground = withBackground;
    const feed = this.makeFeed(dataset, models, manifest);
    const warmed = prewarm ? await feed.warm(mostActiveUsers(dataset, this.o.config.feed.materializeUsers), { signal: this.closing.signal }) : 0;
    this.serving.swap({ dataset, models, feed, manifest, trainedAt: manifest ? new Date(manifest.createdAt) : new Date() });
    this.keepPolicyState(manifest);
    if (prewarm) this.materializedFeeds = warmed;
    const generation = this.serving.generation;
    if (!withBackground) {
      this.background.disable();
      return;
    }
    const folder = manifest ? join(this.o.config.models.dir, versionName(manifest.version)) : undefined;
    const rankerFile = folder && join(folder, RANKER_FILE);
    const composeFile = folder && join(folder, COMPOSE_LM_FILE);
    const hooks = {
      // The ranker changes every ranking: drop the pages ranked without it.
      onRanker: () => this.serving.generation === generation && this.serving.replaceFeed(this.makeFeed(dataset, models, manifest)),
      afterRanker: async () => {
        const live = this.serving.current;
        if (live && this.serving.generation === generation && !prewarm) await this.materialize(live.feed, dataset, generation);
      },
    };
    this.backgroundRun = this.background.train(dataset, models, hooks, { rankerFile, composeFile, ...(topics ? { topics } : {}), replyPairs: () => replyPairsOf(this.o.store, dataset) });
  }

  async load(options: { background?: boolean; prewarm?: boolean } = {}): ReturnType<Lifecycle['load']> {
    const { loaded, skipped } = loadServingVersion(this.o.config.models.dir, this.o.plan.specs);
    for (const s of skipped) this.o.logger.warn({ version: s.version, problem: s.problem }, 'model version skipped');
    if (!loaded) return undefined;
    // A version written before an erasure (or by a retraining that read the store before it) still holds the user.
    const erased = erasedIn(loaded.dataset, (id) => this.o.audience.erased(id));
    if (erased.length > 0) {
      await this.publishUnlearned(loaded, removalOf(loaded.dataset, erased), options.background !== false);
      return { manifest: loaded.manifest, skipped };
    }
    await this.publish(loaded.dataset, loaded.models, loaded.manifest, options.background !== false, options.prewarm, loaded.topics);
    return { manifest: loaded.manifest, skipped };
  }

  async unlearn(userIds: readonly string[], posts: readonly string[] = []): Promise<UnlearnOutcome | undefined> {
    const live = this.serving.current;
    if (!live) return undefined;
    return this.publishUnlearned(live, removalOf(live.dataset, userIds, posts), this.withBackground);
  }

  /**
   * Unlearns `removal` from a set and publishes the result (the background models, trained on the snapshot,
   * are trained again on the one without the users); then makes the saved versions follow (see UnlearnOutcome).
   */
  private async publishUnlearned(base: { dataset: Dataset; models: ReadonlyMap<string, Recommender>; manifest: VersionManifest | undefined }, removal: Removal, withBackground: boolean): Promise<UnlearnOutcome> {
    const since = Date.now();
    const t0 = performance.now();
    const { dataset, stale } = unlearnModels(base.dataset, base.models, removal);
    // No manifest: the ranker saved beside the old version learned from the users too.
    await this.publish(dataset, base.models, undefined, withBackground);
    const seconds = (performance.now() - t0) / 1000;
    this.o.logger.info({ users: removal.users.length, posts: removal.items.length, stale, seconds }, 'erased users unlearned');
    const persisted = stale.length > 0 ? this.retrainAfterCurrent(since)
      : base.manifest ? this.saveUnlearned(dataset, base.models, since)
      // An unsaved set: the saved versions do not serve, and they hold the users.
      : Promise.resolve().then(() => void dropVersionsBefore(this.o.config.models.dir, since));
    this.persisting = Promise.all([this.persisting, persisted]).then(() => undefined);
    return { stale, seconds, persisted };
  }

  /** Writes the unlearned set as a new version (after the answer went out) and deletes the older ones. */
  private async saveUnlearned(dataset: Dataset, models: ReadonlyMap<string, Recommender>, since: number): Promise<void> {
    await new Promise((r) => setImmediate(r));
    const { config, plan, store, logger } = this.o;
    try {
      const manifest = saveVersion(config.models.dir, { specs: plan.specs, dataset, models, fingerprint: await storeFingerprint(store), fitSeconds: {}, datasetSeconds: 0, extras: versionExtras(plan, dataset, undefined) });
      this.serving.replaceManifest(dataset, manifest);
      dropVersionsBefore(config.models.dir, since, manifest.version);
    } catch (e) {
      if (this.closing.signal.aborted) return;
      logger.error({ err: e }, 'could not save the unlearned models; retraining instead');
      await this.retrainAfterCurrent(since);
    }
  }

  /**
   * Retrains (after a retraining under way, which may have read the store before the erasure) and deletes the
   * versions older than `since`; a failed retraining keeps the serving version's files.
   */
  private async retrainAfterCurrent(since: number): Promise<void> {
    await this.retraining;
    await this.retrain();
    if (this.closing.signal.aborted) return;
    const keep = this.retrainState === 'failed' ? this.serving.current?.manifest?.version : undefined;
    dropVersionsBefore(this.o.config.models.dir, since, keep);
  }

  async train(options: TrainOptions & { background?: boolean } = {}): Promise<TrainedSet> {
    const { store, config, plan, logger } = this.o;
    // Topics that are neither saved nor served (no background models) are not fitted.
    const topics = options.topics ?? (options.save !== false || options.background !== false);
    const set = await trainFromStore(store, config, plan, { ...options, topics, logger });
    if (set.manifest) pruneVersions(config.models.dir, config.models.keepVersions);
    await this.publish(set.dataset, set.models, set.manifest, options.background !== false, false, set.topics);
    if (set.manifest) this.o.onNewVersion?.(set.manifest.version);
    return set;
  }

  private adopting: Promise<void> = Promise.resolve();

  adopt(version: number): Promise<void> {
    // One at a time, in the order announced: a later announcement waits for the load before it.
    this.adopting = this.adopting.then(() => this.adoptNow(version));
    return this.adopting;
  }

  private async adoptNow(version: number): Promise<void> {
    if (this.closing.signal.aborted || !this.serving.current || this.serving.current.manifest?.version === version) return;
    // This process's own retraining (its child announces the version it wrote) loads it when the child is done.
    if (this.retraining) return;
    const { dir } = this.o.config.models;
    try {
      const loaded = loadVersion(dir, version);
      if (canonicalJson(loaded.manifest.specs) !== canonicalJson(this.o.plan.specs)) {
        this.o.logger.warn({ version }, 'announced model version has other specs than this process serves; not adopted');
        return;
      }
      await this.publish(loaded.dataset, loaded.models, loaded.manifest, this.withBackground, false, loaded.topics);
      this.o.logger.info({ version }, 'serving the model version another process published');
    } catch (e) {
      this.o.logger.warn({ err: e, version }, 'announced model version could not be loaded; the serving version stays');
    }
  }

  async dataChanged(): Promise<boolean> {
    const m = this.serving.current?.manifest;
    return !m || !sameFingerprint(m.data.fingerprint, await storeFingerprint(this.o.store));
  }

  private async retrainOnce(): Promise<void> {
    this.retrainState = 'running';
    try {
      if (childCanTrain(this.o.config, this.o.injectedStore)) {
        await trainInChild(this.o.config, this.closing.signal);
        // A version for other specs (a recipe tuned by the child, `models.tuneSeconds`) is served from the next start.
        const loaded = await this.load({ prewarm: true });
        if (!loaded) throw new Error('the training process wrote no version for the specs this process serves (a newly tuned recipe is served from the next start)');
        this.o.onNewVersion?.(loaded.manifest.version);
      } else {
        await this.train();
      }
      this.retrainState = 'idle';
      this.lastRetrainError = undefined;
    } catch (e) {
      if (this.closing.signal.aborted) return;
      this.retrainState = 'failed';
      this.lastRetrainError = (e as Error).message;
      this.o.logger.error({ err: e }, 'retraining failed; the serving version stays');
    }
  }

  retrain(): Promise<void> {
    this.retraining ??= this.retrainOnce().finally(() => (this.retraining = undefined));
    return this.retraining;
  }

  schedule(): void {
    if (!(this.o.config.models.retrainEvery > 0) || this.timer) return;
    this.timer = setInterval(() => {
      void this.dataChanged().then((changed) => (changed && !this.retraining ? this.retrain() : undefined));
    }, this.o.config.models.retrainEvery * 1000);
    this.timer.unref();
  }

  backgroundDone(): Promise<void> {
    return Promise.all([this.backgroundRun, this.persisting]).then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.policyTimer) clearInterval(this.policyTimer);
    this.savePolicy();
    this.closing.abort();
    await Promise.allSettled([this.backgroundRun, this.retraining, this.persisting]);
  }
}
