/**
 * @module The served feed with live experiments: one feed per arm that changes feed settings, all over the same
 * snapshot and fitted models (an arm feed costs its own page cache and candidate sources, no model). A request is
 * served by the feed of the user's arm while their experiment runs, by the configured feed otherwise. Writes
 * that make pages stale (invalidate, postsChanged) reach every arm's feed.
 */
import type { ArmFeedOverrides, ExperimentConfig, ResonateConfig } from '../core/config.js';
import { CompositeFeed, checkSourceKeys } from '../feed/composite-feed.js';
import type { Feed } from '../feed/create-feed.js';
import type { FeedPage, PageOptions, SourceSpec } from '../feed/types.js';
import { exposureAt, exposureLabel, type Exposure } from './assignment.js';

/** Builds a feed from a feed configuration and source list (the lifecycle's own feed factory). */
export type FeedFactory = (feedConfig: ResonateConfig['feed'], sources: readonly SourceSpec[]) => Feed;

/** The sources of an arm: the served ones with the arm's weights laid over them by key. */
export function armSources(sources: readonly SourceSpec[], overrides: ArmFeedOverrides | undefined): SourceSpec[] {
  const weights = overrides?.sources ?? {};
  return sources.map((s) => (weights[s.key] === undefined ? { ...s } : { ...s, weight: weights[s.key]! }));
}

/** The feed settings of an arm: the served ones with the arm's overrides laid over them. */
export function armFeedConfig(feed: ResonateConfig['feed'], overrides: ArmFeedOverrides | undefined): ResonateConfig['feed'] {
  if (!overrides) return feed;
  const { sources: _weights, ...rest } = overrides;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...feed, ...defined };
}

/** Refuses an arm that weights a source the feed does not have (a typo would otherwise serve the control). */
export function checkArmSources(experiments: readonly ExperimentConfig[], sources: readonly SourceSpec[]): void {
  experiments.forEach((x, i) => x.arms.forEach((a, j) => checkSourceKeys(a.feed?.sources, sources, (key) => `experiments.${i}.arms.${j}.feed.sources.${key}`)));
}

class ExperimentFeeds extends CompositeFeed {
  constructor(
    base: Feed,
    /** Arm feeds by exposure label (`experiment:arm`); arms without overrides are served by `base`. */
    private readonly arms: ReadonlyMap<string, Feed>,
    private readonly experiments: readonly ExperimentConfig[],
    private readonly now: () => number,
  ) {
    super(base, [...arms.values()]);
  }

  forExposure(exposure: Exposure | undefined): Feed {
    return (exposure && this.arms.get(exposureLabel(exposure))) ?? this.base;
  }

  page(userId: string, options?: PageOptions): Promise<FeedPage> {
    return this.forExposure(exposureAt(this.experiments, userId, this.now())).page(userId, options);
  }

  override async warm(userIds: readonly string[], options?: { signal?: AbortSignal; pageSize?: number }): Promise<number> {
    const at = this.now();
    const byFeed = new Map<Feed, string[]>();
    for (const id of userIds) {
      const feed = this.forExposure(exposureAt(this.experiments, id, at));
      byFeed.set(feed, [...(byFeed.get(feed) ?? []), id]);
    }
    let done = 0;
    for (const [feed, ids] of byFeed) done += await feed.warm(ids, options);
    return done;
  }
}

/**
 * The served feed for these experiments: `base` itself when no arm changes a setting, otherwise a feed that
 * routes each user to their arm's feed while the experiment runs.
 */
export function withExperiments(base: Feed, o: { feed: ResonateConfig['feed']; sources: readonly SourceSpec[]; experiments: readonly ExperimentConfig[]; build: FeedFactory; now?: () => number }): Feed {
  const arms = new Map<string, Feed>();
  for (const x of o.experiments) {
    for (const a of x.arms) {
      if (!a.feed || Object.keys(a.feed).length === 0) continue;
      arms.set(exposureLabel({ experiment: x.name, arm: a.name }), o.build(armFeedConfig(o.feed, a.feed), armSources(o.sources, a.feed)));
    }
  }
  return arms.size === 0 ? base : new ExperimentFeeds(base, arms, o.experiments, o.now ?? Date.now);
}

/** The feed that serves an exposure: its arm's feed when the served feed runs experiments, else the feed itself. */
export function feedForExposure(feed: Feed, exposure: Exposure | undefined): Feed {
  return feed instanceof ExperimentFeeds ? feed.forExposure(exposure) : feed;
}
