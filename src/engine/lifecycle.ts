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
import type { Recommender } from '../models/recommender.js';
import type { Store } from '../storage/store.js';
import type { PostTopics } from '../feed/trending-topics.js';
import { createBackgroundModels, type BackgroundModels } from './background-models.js';
import type { ModelPlan } from './model-plan.js';
import { loadServingVersion, pruneVersions, RANKER_FILE, versionName, type SkippedVersion, type VersionManifest } from './model-versions.js';
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
  /** The engine's clock (the feed's snapshot time); `Date.now` when absent. */
  clock?: () => number;
}

export interface Lifecycle {
  readonly serving: ServingSlot;
  readonly background: BackgroundModels;
  readonly retrainState: RetrainState;
  readonly lastRetrainError: string | undefined;
  readonly materializedFeeds: number;
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
  private readonly closing = new AbortController();
  private backgroundRun: Promise<void> = Promise.resolve();
  private retraining: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: LifecycleOptions) {
    this.background = createBackgroundModels(o.config, o.logger, this.closing.signal);
  }

  private makeFeed(dataset: Dataset, models: ReadonlyMap<string, Recommender>): Feed {
    const { store, config, plan, audience } = this.o;
    return createFeed({ store, dataset, models: Object.fromEntries(models), config, weights: config.weights, audience, sources: plan.sources, similar: plan.similar, secondStage: () => this.background.ranker(dataset), ...(this.o.clock ? { now: this.o.clock } : {}) });
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
    this.closing.abort();
    await Promise.allSettled([this.backgroundRun, this.retraining]);
  }
}
