/**
 * @module The served feed as an evaluation model (`resonate eval --models feed`): the whole engine as configured
 * (candidate sources → filters → blend → second-stage ranker → author cap), fitted on a split's training part
 * and asked for each test user's first page of k posts exactly as the API answers it; the pages after it
 * (through the page cursor) give the metrics at larger cut-offs.
 *
 * Fitting writes the training part into a fresh in-memory store (`writeDatasetToStore`, with the original
 * events of each training pair, so the engagement ranker reads the data's own event types; items created after
 * the training part's latest event that nobody interacted with in it are left out, as they did not exist yet), creates an engine
 * on it, trains it without saving artifacts and waits for the background ranker. Serving-only work is turned
 * off (materialized first pages, the behaviour predictor), as it does not change what the feed answers.
 * Historical data are replayed on their own clock: the feed measures ages from the snapshot's latest event
 * when that is older than a week (see createFeed).
 */
import type { ResonateConfig } from '../core/config.js';
import { DEFAULT_CONFIG } from '../core/config.js';
import { throwIfAborted } from '../core/progress.js';
import type { Logger } from '../core/logger.js';
import type { Dataset } from '../data/dataset.js';
import { writeDatasetToStore } from '../data/dataset-to-store.js';
import { createEngine, type Engine } from './create-engine.js';
import type { ListModelFactory, ListRecommender } from '../eval/list-model.js';
import { openStore } from '../storage/open-store.js';

export interface FeedModelOptions {
  /** Engine configuration (default: the config defaults); `seed` is replaced by each evaluation seed. */
  config?: ResonateConfig;
  logger?: Logger;
}

/** Factory for `runEvaluation({ listModels: { feed: feedModel({ config }) } })`. */
export function feedModel(options: FeedModelOptions = {}): ListModelFactory {
  return (context) => new EngineFeedModel(context.data, options.config ?? DEFAULT_CONFIG, options.logger);
}

class EngineFeedModel implements ListRecommender {
  readonly params: Readonly<Record<string, unknown>>;
  private engine: Engine | undefined;
  private train: Dataset | undefined;

  constructor(
    private readonly data: Dataset,
    private readonly config: ResonateConfig,
    private readonly logger: Logger | undefined,
  ) {
    const { materializeUsers: _m, materializeTtlSeconds: _t, cacheTtlSeconds: _c, ...feed } = config.feed;
    this.params = { feed, models: config.models.train, ranker: config.models.ranker, weights: config.weights };
  }

  async fit(train: Dataset, options: { seed?: number; signal?: AbortSignal } = {}): Promise<void> {
    await this.close();
    const config: ResonateConfig = {
      ...this.config,
      seed: options.seed ?? this.config.seed,
      feed: { ...this.config.feed, materializeUsers: 0 },
      models: { ...this.config.models, behavior: false },
      // Evaluation pages are not served to anyone: nothing to log.
      impressions: { ...this.config.impressions, enabled: false },
    };
    const store = await openStore('sqlite://:memory:');
    try {
      await writeDatasetToStore(train, store, { weights: config.weights, history: this.data, onlyExistingAtNow: true });
    } catch (e) {
      await store.close();
      throw e;
    }
    this.engine = await createEngine({ config, store, logger: this.logger });
    this.train = train;
    await this.engine.train({ save: false, signal: options.signal });
    await this.engine.secondaryTraining();
  }

  async recommendLists(users: Int32Array, depth: number, options: { k: number; signal?: AbortSignal }): Promise<Int32Array[]> {
    const engine = this.engine, train = this.train;
    if (!engine || !train) throw new Error('feed model: fit before recommendLists');
    const lists: Int32Array[] = [];
    for (const u of users) {
      throwIfAborted(options.signal, 'feed evaluation');
      const userId = train.users.id(u);
      const items: number[] = [];
      let page = await engine.feed(userId, { pageSize: options.k });
      while (true) {
        for (const it of page.items) {
          const i = train.items.index(it.postId);
          if (i >= 0 && items.length < depth) items.push(i);
        }
        if (items.length >= depth || page.nextCursor === undefined || page.items.length === 0) break;
        page = await engine.feed(userId, { cursor: page.nextCursor });
      }
      lists.push(Int32Array.from(items));
    }
    return lists;
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    this.train = undefined;
    await engine?.close();
  }
}
