/**
 * @module Which models an engine fits and how the feed uses them, from the config: every `feed.sources` spec
 * (each with its blend weight), the `feed.similar` spec and every `models.train` spec. Resolved and checked
 * once at start, so a bad spec fails with INVALID_CONFIG naming its field before anything trains.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import { FEED_ONLY_SOURCES } from '../feed/create-feed.js';
import { canonicalJson, resolveModelSpec, resolveModelSpecs, resolveModelSpecsAt, specKey, type ModelSpec, type ModelSpecEntry } from '../models/model-spec.js';

export interface FeedSourceSpec {
  /** The fitted model's key (its label, else its id). */
  key: string;
  /** Registry id: `in-network` and `popular/*` get their dedicated sources. */
  id: string;
  weight: number;
}

export interface ModelPlan {
  /** Every model to fit, one per key, in config order. */
  specs: ModelSpec[];
  sources: FeedSourceSpec[];
  /** Key of the similar-posts model. */
  similar: string;
}

function entryId(entry: ModelSpecEntry): string {
  return typeof entry === 'string' ? entry : entry.id;
}

/** `fresh` reads the store and needs no fitted model. */
function isFeedOnlySource(entry: ModelSpecEntry): boolean {
  return FEED_ONLY_SOURCES.has(entryId(entry));
}

function feedOnlySpec(entry: ModelSpecEntry): FeedSourceSpec {
  if (typeof entry === 'string') return { key: entry, id: entry, weight: 1 };
  return { key: entry.label ?? entry.id, id: entry.id, weight: entry.weight ?? 1 };
}

export function planModels(config: Pick<ResonateConfig, 'feed' | 'models'>, read?: (path: string) => string): ModelPlan {
  // Sources that are not models (nothing to fit) keep their place in the feed; the rest are model specs.
  const entries = config.feed.sources.map((entry, j) => ({ entry, at: `feed.sources[${j}]` }));
  const feedOnly: FeedSourceSpec[] = entries.filter((e) => isFeedOnlySource(e.entry)).map(({ entry }) => feedOnlySpec(entry));
  const sources = resolveModelSpecsAt(entries.filter((e) => !isFeedOnlySource(e.entry)), { read });
  const similar = resolveModelSpec(config.feed.similar, 'feed.similar', { read });
  const train = resolveModelSpecs(config.models.train, 'models.train', { read });
  const byKey = new Map<string, { spec: ModelSpec; field: string }>();
  const add = (spec: ModelSpec, field: string): void => {
    // The blend weight is a feed setting, not part of the model: the same model may be a source and be trained.
    const model = { ...spec, weight: 1 };
    const prev = byKey.get(specKey(spec));
    if (prev && canonicalJson(prev.spec) !== canonicalJson(model)) {
      throw createError('INVALID_CONFIG', { field, problem: `"${specKey(spec)}" is also defined, with other parameters, at ${prev.field}; give one a "label"` });
    }
    if (!prev) byKey.set(specKey(spec), { spec: model, field });
  };
  sources.forEach((s, j) => add(s, `feed.sources[${j}]`));
  add(similar, 'feed.similar');
  train.forEach((s, j) => add(s, `models.train[${j}]`));
  return {
    specs: [...byKey.values()].map((v) => v.spec),
    sources: [...sources.map((s) => ({ key: specKey(s), id: s.id, weight: s.weight })), ...feedOnly].filter((s) => s.weight > 0),
    similar: specKey(similar),
  };
}
