/**
 * @module The model lifecycle of a running engine: load the newest saved version that matches the configured
 * specs, or train; swap a new set in atomically; train the background models for it and materialize the
 * first pages of the most active users; retrain (in a child process) when the data changed, on demand or every
 * `models.retrainEvery` seconds.
 */
import { join } from 'node:path';
import type { ResonateConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import { createFeed, type Feed, type FeedAudience } from '../feed/create-feed.js';
import { Explorer } from '../feed/explorer.js';
import type { Recommender } from '../models/recommender.js';
import type { Store } from '../storage/store.js';
import type { PostTopics } from '../feed/trending-topics.js';
import { createBackgroundModels, type BackgroundModels } from './background-models.js';
import type { ModelPlan } from './model-plan.js';
import { loadServingVersion, pruneVersions, RANKER_FILE, versionName, type SkippedVersion, type VersionManifest } from './model-versions.js';
import { restorePolicyState, savePolicyState, SAVE_EVERY_SECONDS } from './exploration-state.js';
import { childCanTrain, trainInChild } from './retrain.js';
import { ServingSlot } from './serving.js';
import { sameFingerprint, storeFingerprint, trainFromStore, type TrainedSet, type TrainOptions } from './trainer.js';

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
  /** The engine's clock (the feed's snapshot time, the exploration policy's reward window); `Date.now` when absent. */
  clock?: () => number;
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
  /** Retrains every `models.retrainEvery` seconds while the data changes (no-op at 0). */
  schedule(): void;
  backgroundDone(): Promise<void>;
  close(): Promise<void>;
}

/** Users ordered by how much they interacted in the snapshot (most first), at most `n`. */
export function mostActiveUsers(data: Dataset, n: number): string[] {
  const m = data.interactions;
  const order = Array.from({ length: Math.min(m.rows, data.users.size) }, (_, u) => u);
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

  constructor(private readonly o: LifecycleOptions) {
    this.background = createBackgroundModels(o.config, o.logger, this.closing.signal);
    const exploration = o.config.feed.exploration;
    this.exploration = exploration.every > 0 ? new Explorer({ ...exploration, arms: o.plan.sources.map((s) => s.key), seed: o.config.seed, ...(o.clock ? { now: o.clock } : {}) }) : undefined;
  }

  private makeFeed(dataset: Dataset, models: ReadonlyMap<string, Recommender>): Feed {
    const { store, config, plan, audience } = this.o;
    return createFeed({ store, dataset, models: Object.fromEntries(models), config, weights: config.weights, audience, sources: plan.sources, similar: plan.similar, secondStage: () => this.background.ranker(dataset), exploration: this.exploration, ...(this.o.clock ? { now: this.o.clock } : {}) });
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
    const feed = this.makeFeed(dataset, models);
    const warmed = prewarm ? await feed.warm(mostActiveUsers(dataset, this.o.config.feed.materializeUsers), { signal: this.closing.signal }) : 0;
    this.serving.swap({ dataset, models, feed, manifest, trainedAt: manifest ? new Date(manifest.createdAt) : new Date() });
    this.keepPolicyState(manifest);
    if (prewarm) this.materializedFeeds = warmed;
    const generation = this.serving.generation;
    if (!withBackground) {
      this.background.disable();
      return;
    }
    const rankerFile = manifest ? join(this.o.config.models.dir, versionName(manifest.version), RANKER_FILE) : undefined;
    const hooks = {
      // The ranker changes every ranking: drop the pages ranked without it.
      onRanker: () => this.serving.generation === generation && this.serving.replaceFeed(this.makeFeed(dataset, models)),
      beforeTopics: async () => {
        const live = this.serving.current;
        if (live && this.serving.generation === generation && !prewarm) await this.materialize(live.feed, dataset, generation);
      },
    };
    this.backgroundRun = this.background.train(dataset, models, hooks, { rankerFile, ...(topics ? { topics } : {}) });
  }

  async load(options: { background?: boolean; prewarm?: boolean } = {}): ReturnType<Lifecycle['load']> {
    const { loaded, skipped } = loadServingVersion(this.o.config.models.dir, this.o.plan.specs);
    for (const s of skipped) this.o.logger.warn({ version: s.version, problem: s.problem }, 'model version skipped');
    if (!loaded) return undefined;
    await this.publish(loaded.dataset, loaded.models, loaded.manifest, options.background !== false, options.prewarm, loaded.topics);
    return { manifest: loaded.manifest, skipped };
  }

  async train(options: TrainOptions & { background?: boolean } = {}): Promise<TrainedSet> {
    const { store, config, plan, logger } = this.o;
    // Topics that are neither saved nor served (no background models) are not fitted.
    const topics = options.topics ?? (options.save !== false || options.background !== false);
    const set = await trainFromStore(store, config, plan, { ...options, topics, logger });
    if (set.manifest) pruneVersions(config.models.dir, config.models.keepVersions);
    await this.publish(set.dataset, set.models, set.manifest, options.background !== false, false, set.topics);
    return set;
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
        if (!(await this.load({ prewarm: true }))) throw new Error('the training process wrote no version for the specs this process serves (a newly tuned recipe is served from the next start)');
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
    return this.backgroundRun;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.policyTimer) clearInterval(this.policyTimer);
    this.savePolicy();
    this.closing.abort();
    await Promise.allSettled([this.backgroundRun, this.retraining]);
  }
}
