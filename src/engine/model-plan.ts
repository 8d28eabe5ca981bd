/**
 * @module Which models an engine fits and how the feed uses them, from the config: every `feed.sources` spec
 * (each with its blend weight), the `feed.similar` spec and every `models.train` spec. Resolved and checked
 * once at start, so a bad spec fails with INVALID_CONFIG naming its field before anything trains.
 */
import type { ResonateConfig } from '../core/config.js';
import { createError } from '../core/errors.js';
import { canonicalJson, resolveModelSpec, resolveModelSpecs, specKey, type ModelSpec } from '../models/model-spec.js';

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

export function planModels(config: Pick<ResonateConfig, 'feed' | 'models'>, read?: (path: string) => string): ModelPlan {
  const sources = resolveModelSpecs(config.feed.sources, 'feed.sources', { read });
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
    sources: sources.filter((s) => s.weight > 0).map((s) => ({ key: specKey(s), id: s.id, weight: s.weight })),
    similar: specKey(similar),
  };
}
