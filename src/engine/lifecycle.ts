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
}

export interface Lifecycle {
  readonly serving: ServingSlot;
  readonly background: BackgroundModels;
  readonly retrainState: RetrainState;
  readonly lastRetrainError: string | undefined;
  readonly materializedFeeds: number;
  /** Loads the serving version from disk; undefined when none matches (the skipped ones are logged). */
  load(options?: { background?: boolean }): Promise<{ manifest: VersionManifest; skipped: SkippedVersion[] } | undefined>;
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

export function createLifecycle(o: LifecycleOptions): Lifecycle {
  const { store, config, plan, logger } = o;
  const closing = new AbortController();
  const serving = new ServingSlot();
  const background = createBackgroundModels(config, logger, closing.signal);
  let backgroundRun: Promise<void> = Promise.resolve();
  let retrainState: RetrainState = 'idle';
  let lastRetrainError: string | undefined;
  let retraining: Promise<void> | undefined;
  let materializedFeeds = 0;
  let timer: NodeJS.Timeout | undefined;

  const makeFeed = (dataset: Dataset, models: ReadonlyMap<string, Recommender>): Feed =>
    createFeed({ store, dataset, models: Object.fromEntries(models), config, weights: config.weights, audience: o.audience, sources: plan.sources, similar: plan.similar, secondStage: () => background.ranker(dataset) });

  async function materialize(feed: Feed, data: Dataset, generation: number): Promise<void> {
    materializedFeeds = 0;
    const t0 = performance.now();
    const n = await feed.warm(mostActiveUsers(data, config.feed.materializeUsers), { signal: closing.signal });
    if (serving.generation !== generation) return;
    materializedFeeds = n;
    logger.info({ users: n, seconds: Math.round(performance.now() - t0) / 1000 }, 'feeds materialized');
  }

  function publish(dataset: Dataset, models: ReadonlyMap<string, Recommender>, manifest: VersionManifest | undefined, withBackground: boolean): void {
    serving.swap({ dataset, models, feed: makeFeed(dataset, models), manifest, trainedAt: manifest ? new Date(manifest.createdAt) : new Date() });
    const generation = serving.generation;
    if (!withBackground) {
      background.disable();
      return;
    }
    const rankerFile = manifest ? join(config.models.dir, versionName(manifest.version), RANKER_FILE) : undefined;
    backgroundRun = background.train(dataset, models, {
      // The ranker changes every ranking: drop the pages ranked without it.
      onRanker: () => serving.generation === generation && serving.replaceFeed(makeFeed(dataset, models)),
      beforeTopics: async () => {
        const live = serving.current;
        if (live && serving.generation === generation) await materialize(live.feed, dataset, generation);
      },
    }, { rankerFile });
  }

  async function load(options: { background?: boolean } = {}): ReturnType<Lifecycle['load']> {
    const { loaded, skipped } = loadServingVersion(config.models.dir, plan.specs);
    for (const s of skipped) logger.warn({ version: s.version, problem: s.problem }, 'model version skipped');
    if (!loaded) return undefined;
    publish(loaded.dataset, loaded.models, loaded.manifest, options.background !== false);
    return { manifest: loaded.manifest, skipped };
  }

  async function train(options: TrainOptions & { background?: boolean } = {}): Promise<TrainedSet> {
    const set = await trainFromStore(store, config, plan, { ...options, logger });
    if (set.manifest) pruneVersions(config.models.dir, config.models.keepVersions);
    publish(set.dataset, set.models, set.manifest, options.background !== false);
    return set;
  }

  async function dataChanged(): Promise<boolean> {
    const m = serving.current?.manifest;
    return !m || !sameFingerprint(m.data.fingerprint, await storeFingerprint(store));
  }

  async function retrainOnce(): Promise<void> {
    retrainState = 'running';
    try {
      if (childCanTrain(config, o.injectedStore)) {
        await trainInChild(config, closing.signal);
        if (!(await load())) throw new Error('the training process wrote no loadable version');
      } else {
        await train();
      }
      retrainState = 'idle';
      lastRetrainError = undefined;
    } catch (e) {
      if (closing.signal.aborted) return;
      retrainState = 'failed';
      lastRetrainError = (e as Error).message;
      logger.error({ err: e }, 'retraining failed; the serving version stays');
    }
  }

  function retrain(): Promise<void> {
    retraining ??= retrainOnce().finally(() => (retraining = undefined));
    return retraining;
  }

  function schedule(): void {
    if (!(config.models.retrainEvery > 0) || timer) return;
    timer = setInterval(() => {
      void dataChanged().then((changed) => (changed && !retraining ? retrain() : undefined));
    }, config.models.retrainEvery * 1000);
    timer.unref();
  }

  return {
    serving,
    background,
    get retrainState() {
      return retrainState;
    },
    get lastRetrainError() {
      return lastRetrainError;
    },
    get materializedFeeds() {
      return materializedFeeds;
    },
    load,
    train,
    dataChanged,
    retrain,
    schedule,
    backgroundDone: () => backgroundRun,
    async close() {
      if (timer) clearInterval(timer);
      closing.abort();
      await Promise.allSettled([backgroundRun, retraining]);
    },
  };
}
