/**
 * @module `defineModel`: a model family states its registry id, artifact version, one-line description,
 * hyperparameter schema (strict zod, defaults filled), how to build it and how to restore it, once; the result
 * is the `ModelFactory` the registry holds. `create` validates params against the schema (unknown keys or bad
 * values → INVALID_INPUT naming the model and field) before building; `load` refuses an artifact of another kind.
 */
import type { z } from 'zod';
import { createError } from '../../core/errors.js';
import type { Artifact, Recommender } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { parseParams } from './model-io.js';

export interface ModelDefinition<S extends z.ZodType<Record<string, unknown>>> {
  /** Registry id, `family/variant`. */
  readonly id: string;
  /** Artifact layout version this code writes and reads; the model's `save()` must write the same number. */
  readonly version: number;
  /** One line for `--models` help and reports. */
  readonly description: string;
  /** Hyperparameters: a strict zod object whose defaults fill what the caller leaves out. */
  readonly params: S;
  /** Builds an unfitted model from validated params. */
  create(params: z.output<S>): Recommender;
  /** Rebuilds a fitted model from an artifact of this kind (the registry has checked the version). */
  restore(artifact: Artifact): Recommender;
}

export function defineModel<S extends z.ZodType<Record<string, unknown>>>(def: ModelDefinition<S>): ModelFactory {
  return Object.freeze({
    id: def.id,
    version: def.version,
    description: def.description,
    paramsSchema: def.params,
    create: (params?: Record<string, unknown>) => def.create(parseParams(def.id, def.params, params)),
    load: (artifact: Artifact) => {
      if (artifact.kind !== def.id) {
        throw createError('ARTIFACT_INVALID', { path: `${def.id} artifact`, problem: `artifact of kind "${artifact.kind}" given to ${def.id}` });
      }
      return def.restore(artifact);
    },
  });
}
