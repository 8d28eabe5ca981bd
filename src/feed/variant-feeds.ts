/**
 * @module Named feed variants over one serving set: each variant narrows and reweights the feed's candidate
 * sources (`{ key: weight }`), over the same snapshot and fitted models (a variant costs its own page cache and
 * candidate sources, no model). A page asks for one with `PageOptions.variant`; an unnamed or unknown variant is
 * the base feed. Writes that make pages stale reach every variant. The Bluesky feeds of `bluesky.feeds` are served
 * so (docs/bluesky.md).
 */
import { CompositeFeed, checkSourceKeys } from './composite-feed.js';
import type { Feed } from './create-feed.js';
import type { FeedPage, PageOptions, SourceSpec } from './types.js';

/** A variant: its name and the weights of the sources it keeps (by key; absent keys are dropped). */
export interface VariantSpec {
  name: string;
  sources: Readonly<Record<string, number>>;
}

/** The sources of a variant: the served ones it names, with its weights. */
export function variantSources(sources: readonly SourceSpec[], weights: Readonly<Record<string, number>>): SourceSpec[] {
  return sources.filter((s) => weights[s.key] !== undefined).map((s) => ({ ...s, weight: weights[s.key]! }));
}

/** Refuses a variant that names a source the feed does not have (a typo would otherwise serve nothing). */
export function checkVariantSources(variants: readonly VariantSpec[], sources: readonly SourceSpec[], field: string): void {
  variants.forEach((v, i) => checkSourceKeys(v.sources, sources, (key) => `${field}.${i}.sources.${key}`));
}

class VariantFeeds extends CompositeFeed {
  constructor(
    base: Feed,
    private readonly variants: ReadonlyMap<string, Feed>,
  ) {
    super(base, [...variants.values()]);
  }

  page(userId: string, options?: PageOptions): Promise<FeedPage> {
    const feed = (options?.variant !== undefined && this.variants.get(options.variant)) || this.base;
    return feed.page(userId, options);
  }
}

/** `base` itself when there is no variant, otherwise a feed that serves each page from the variant it names. */
export function withVariants(base: Feed, o: { sources: readonly SourceSpec[]; variants: readonly VariantSpec[]; build: (sources: readonly SourceSpec[]) => Feed }): Feed {
  if (o.variants.length === 0) return base;
  return new VariantFeeds(base, new Map(o.variants.map((v) => [v.name, o.build(variantSources(o.sources, v.sources))])));
}
