/**
 * @module The models that train after the serving models, in the background, so start-up is not held back by
 * them: the second-stage engagement ranker, the trending topics (NMF over posts with momentum), the
 * behaviour predictor, the compose language model (draft completions) and the smart-reply suggester (a dual encoder over the snapshot's reply threads). Each becomes live when it is ready; a failure leaves the feed on its first-stage ranking
 * and is kept with its reason in plain words (`failures`, shown by /health and the dashboard), logged once per
 * reason, and the routes of a failed model answer MODEL_UNAVAILABLE with that reason. Work yields to the event
 * loop between steps so requests keep being served.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ComposeLanguageModel, fitComposeLanguageModel } from '../compose/index.js';
import { writeFileAtomic } from '../nn/safetensors.js';
import type { ResonateConfig } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { createError, isResonateError, type ResonateError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { findTrendingModel } from '../feed/trending.js';
import { fitPostTopics, type PostTopics } from '../feed/trending-topics.js';
import { popularList } from '../feed/sources/trending-source.js';
import { createBehaviorPredictor, type BehaviorPredictor } from '../models/behavior/index.js';
import { createEngagementRanker, type EngagementRanker } from '../models/ranker/index.js';
import { rankerTextSignals } from './interest-profile.js';
import type { Recommender } from '../models/recommender.js';
import { ReplySuggester, type ReplyPair } from '../compose/index.js';

export type BackgroundState = 'off' | 'training' | 'ready' | 'failed';
export type BackgroundModel = 'ranker' | 'topics' | 'behavior' | 'compose' | 'replies';

/** A background model that could not be trained on the serving snapshot, and why. */
export interface BackgroundFailure {
  model: BackgroundModel;
  /** In plain words, e.g. "the data has 1 event type; the behaviour predictor needs at least two". */
  reason: string;
  /** When it failed (epoch ms). */
  at: number;
}

const NAMES: Record<BackgroundModel, string> = { ranker: 'engagement ranker', topics: 'topic model', behavior: 'behaviour predictor', compose: 'compose language model', replies: 'reply suggester' };

export interface BackgroundModels {
  readonly rankerState: BackgroundState;
  readonly behaviorState: BackgroundState;
  readonly topicsState: BackgroundState;
  readonly composeState: BackgroundState;
  readonly repliesState: BackgroundState;
  /** The failures of the serving snapshot's background models. */
  readonly failures: readonly BackgroundFailure[];
  /** The error a route of `model` answers while it does not serve: still training, turned off, or failed and why. */
  unavailable(model: BackgroundModel): ResonateError;
  /** The ranker fitted on this snapshot, once ready. */
  ranker(data: Dataset): EngagementRanker | undefined;
  behavior(data: Dataset): BehaviorPredictor | undefined;
  topics(data: Dataset): PostTopics | undefined;
  /** The compose language model of this snapshot, once ready. */
  languageModel(data: Dataset): ComposeLanguageModel | undefined;
  /** The smart-reply suggester fitted on this snapshot's reply threads, once ready. */
  replies(data: Dataset): ReplySuggester | undefined;
  /**
   * Trains everything for a new snapshot (dropping what belonged to the previous one). With `rankerFile` (the
   * model version's folder), a ranker saved there is loaded instead of trained, and a trained one is saved there;
   * `topics` saved with the version are used instead of fitted; `composeFile` is the language model's file, loaded or
   * written the same way as the ranker's; `replyPairs` reads the snapshot's (post, reply) pairs. `onRanker` runs
   * when the ranker is live, `afterRanker` (awaited) once the feed is final for this snapshot, e.g. to materialize
   * pages. Topics are fitted first (the ranker's topic-match feature reads them). Resolves when all are done.
   */
  train(data: Dataset, models: ReadonlyMap<string, Recommender>, hooks: { onRanker(): void; afterRanker(): Promise<void> }, options?: { rankerFile?: string | undefined; composeFile?: string | undefined; topics?: PostTopics; replyPairs?: () => Promise<ReplyPair[]> }): Promise<void>;
  /** Marks both states off (a training without background models). */
  disable(): void;
}

/** Up to 3,000 posts with the most engagement momentum (what trends are made of), and their topics. */
export function fitTopicsWithMomentum(data: Dataset, fitted: ReadonlyMap<string, Recommender>, seed: number): PostTopics {
  const trend = findTrendingModel(Object.fromEntries(fitted));
  const items = trend ? popularList(trend.model, 3000).map((r) => r.item) : undefined;
  return fitPostTopics(data, { items, seed });
}

/** Loads a ranker saved beside a model version; false (and a warning for a damaged file) when there is none. */
function loadRanker(r: EngagementRanker, path: string, data: Dataset, logger: Logger): boolean {
  if (!existsSync(path)) return false;
  try {
    r.load(path, data);
    return true;
  } catch (e) {
    logger.warn({ err: e, path }, 'saved engagement ranker skipped; training it again');
    return false;
  }
}

/** Reads a language model saved beside a model version; undefined (a warning for a damaged file) when there is none. */
function loadLanguageModel(path: string, logger: Logger): ComposeLanguageModel | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return ComposeLanguageModel.restore(readFileSync(path), path);
  } catch (e) {
    logger.warn({ err: e, path }, 'saved compose language model skipped; training it again');
    return undefined;
  }
}

function saveLanguageModel(lm: ComposeLanguageModel, path: string, logger: Logger): void {
  try {
    writeFileAtomic(path, lm.save());
  } catch (e) {
    logger.warn({ err: e, path }, 'could not save the compose language model beside its model version');
  }
}

function saveRanker(r: EngagementRanker, path: string, logger: Logger): void {
  try {
    r.save(path);
  } catch (e) {
    logger.warn({ err: e, path }, 'could not save the engagement ranker beside its model version');
  }
}

export function createBackgroundModels(config: ResonateConfig, logger: Logger, signal: AbortSignal): BackgroundModels {
  // The ranker only serves the feed's second stage: with `feed.rankerWeight` 0 it is not trained at all.
  const rankerWanted = config.models.ranker && config.feed.rankerWeight > 0;
  let rankerState: BackgroundState = rankerWanted ? 'training' : 'off';
  let behaviorState: BackgroundState = config.models.behavior ? 'training' : 'off';
  let topicsState: BackgroundState = 'training';
  let composeState: BackgroundState = config.compose.languageModel ? 'training' : 'off';
  let repliesState: BackgroundState = config.models.replies ? 'training' : 'off';
  let failures: BackgroundFailure[] = [];
  /** Reasons already logged: a failure that repeats at every retraining is logged once. */
  const logged = new Set<string>();
  let snapshot: Dataset | undefined;
  let ranker: EngagementRanker | undefined;
  let behavior: BehaviorPredictor | undefined;
  let topics: PostTopics | undefined;
  let languageModel: ComposeLanguageModel | undefined;
  let replies: ReplySuggester | undefined;
  const current = (data: Dataset): boolean => snapshot === data && !signal.aborted;

  /** Keeps a failure with its reason; logs it unless the same reason was logged before (a bug keeps its stack). */
  function fail(model: BackgroundModel, e: unknown): void {
    // A bug's message stays in the log (with its stack): /health is public.
    const reason = isResonateError(e) ? e.message : 'internal error (the server log has the details)';
    failures = [...failures.filter((f) => f.model !== model), { model, reason, at: Date.now() }];
    if (logged.has(`${model}\u0000${reason}`)) return;
    logged.add(`${model}\u0000${reason}`);
    const context = isResonateError(e) ? { model, reason } : { model, reason, err: e };
    logger.warn(context, `the ${NAMES[model]} could not be trained: ${reason}`);
  }

  /** Runs one fit; returns the state it ends in ('off' when the engine closed meanwhile). */
  async function attempt(model: BackgroundModel, fit: () => Promise<void>): Promise<BackgroundState> {
    try {
      await fit();
      return 'ready';
    } catch (e) {
      if (signal.aborted) return 'off';
      fail(model, e);
      return 'failed';
    }
  }

  /** The compose language model: loaded from the version folder when saved there, else trained (and saved). */
  async function trainComposer(data: Dataset, file: string | undefined): Promise<void> {
    composeState = 'training';
    let lm = file !== undefined ? loadLanguageModel(file, logger) : undefined;
    const loaded = lm !== undefined;
    if (!lm) composeState = await attempt('compose', async () => {
      lm = await fitComposeLanguageModel(data, config.compose, config.seed, signal);
    });
    else composeState = 'ready';
    if (composeState !== 'ready' || !lm || !current(data)) return;
    languageModel = lm;
    if (!loaded && file !== undefined) saveLanguageModel(lm, file, logger);
  }

  return {
    get rankerState() {
      return rankerState;
    },
    get behaviorState() {
      return behaviorState;
    },
    get topicsState() {
      return topicsState;
    },
    get composeState() {
      return composeState;
    },
    get repliesState() {
      return repliesState;
    },
    get failures() {
      return failures;
    },
    unavailable(model) {
      const state = { ranker: rankerState, topics: topicsState, behavior: behaviorState, compose: composeState, replies: repliesState }[model];
      const failure = failures.find((f) => f.model === model);
      if (state === 'failed' && failure) return createError('MODEL_UNAVAILABLE', { model: NAMES[model], reason: failure.reason });
      if (state === 'off') return createError('MODEL_UNAVAILABLE', { model: NAMES[model], reason: 'it is turned off (in the configuration, or the serving version was trained without background models)' });
      return createError('MODEL_NOT_FITTED', { model: `${NAMES[model]} (it trains in the background after the serving models; try again shortly)` });
    },
    ranker: (data) => (data === snapshot ? ranker : undefined),
    behavior: (data) => (data === snapshot ? behavior : undefined),
    topics: (data) => (data === snapshot ? topics : undefined),
    languageModel: (data) => (data === snapshot ? languageModel : undefined),
    replies: (data) => (data === snapshot ? replies : undefined),
    disable() {
      rankerState = behaviorState = topicsState = composeState = repliesState = 'off';
    },

    async train(data, models, hooks, options = {}) {
      snapshot = data;
      ranker = behavior = languageModel = replies = undefined;
      failures = [];
      // Topics saved with the version serve at once; otherwise they are fitted below, before the ranker.
      topics = options.topics;
      await new Promise((r) => setImmediate(r));
      // Topics first (saved with the version, else fitted: a second or two): the ranker's topic-match feature reads them.
      if (options.topics) topicsState = 'ready';
      else if (current(data)) {
        topicsState = 'training';
        topicsState = await attempt('topics', async () => {
          topics = fitTopicsWithMomentum(data, models, config.seed);
        });
      }
      if (rankerWanted && current(data)) {
        rankerState = 'training';
        const fitted = topics;
        const r = createEngagementRanker({ seed: config.seed }, { text: (d) => rankerTextSignals(d, fitted) });
        const loaded = options.rankerFile !== undefined && loadRanker(r, options.rankerFile, data, logger);
        rankerState = loaded ? 'ready' : await attempt('ranker', () => r.fit(data, { signal }).then(() => undefined));
        if (rankerState === 'ready' && !loaded && options.rankerFile !== undefined && current(data)) saveRanker(r, options.rankerFile, logger);
        if (rankerState === 'ready' && current(data)) {
          ranker = r;
          hooks.onRanker();
        }
      }
      if (current(data)) await hooks.afterRanker();
      if (config.models.behavior && current(data)) {
        behaviorState = 'training';
        const b = createBehaviorPredictor({ seed: config.seed });
        behaviorState = await attempt('behavior', () => b.fit(data, { signal }).then(() => undefined));
        if (behaviorState === 'ready' && current(data)) behavior = b;
      }
      if (config.compose.languageModel && current(data)) await trainComposer(data, options.composeFile);
      if (config.models.replies && current(data)) {
        repliesState = 'training';
        let s: ReplySuggester | undefined;
        repliesState = await attempt('replies', async () => {
          s = await ReplySuggester.fit(options.replyPairs ? await options.replyPairs() : [], { encoder: { seed: config.seed } }, signal);
        });
        if (repliesState === 'ready' && current(data)) replies = s;
      }
    },
  };
}
