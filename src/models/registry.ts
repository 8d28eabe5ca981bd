/**
 * @module The model registry: ids (`family/variant`) → factories, so configs, the CLI and artifact loading
 * can build any model by name. A saved artifact names its kind, so loading knows what to build.
 */
import type { z } from 'zod';
import { createError } from '../core/errors.js';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, writeFileAtomic } from '../nn/safetensors.js';
import type { Artifact, Recommender } from './recommender.js';

export interface ModelFactory {
  /** Registry id, e.g. `item-knn/cosine`. */
  readonly id: string;
  /** One line for `--models` help and reports. */
  readonly description: string;
  /** Builds an unfitted model; unknown params are rejected with INVALID_INPUT. */
  create(params?: Record<string, unknown>): Recommender;
  /** Rebuilds a fitted model from its artifact (kind and version already checked). */
  load(artifact: Artifact): Recommender;
  /** Artifact layout version this code writes and reads. */
  readonly version: number;
  /** The hyperparameter schema `create` validates against (set by `defineModel`; absent on ad-hoc factories). */
  readonly paramsSchema?: z.ZodType<Record<string, unknown>>;
}

const factories = new Map<string, ModelFactory>();

export function registerModel(factory: ModelFactory): void {
  factories.set(factory.id, factory);
}

export function modelIds(): string[] {
  return [...factories.keys()].sort();
}

export function getModelFactory(id: string): ModelFactory {
  const f = factories.get(id);
  if (!f) throw createError('MODEL_UNKNOWN', { model: id, expected: modelIds().join(', ') || '(none registered)' });
  return f;
}

export function createModel(id: string, params?: Record<string, unknown>): Recommender {
  return getModelFactory(id).create(params);
}

/** Checks kind and version, then rebuilds the model. */
export function loadModel(artifact: Artifact, where = 'artifact'): Recommender {
  const f = factories.get(artifact.kind);
  if (!f) throw createError('ARTIFACT_INVALID', { path: where, problem: `unknown model kind "${artifact.kind}"` });
  if (artifact.version !== f.version) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `${artifact.kind} artifact version ${artifact.version}, this Resonate reads version ${f.version}; retrain the model` });
  }
  return f.load(artifact);
}

/** Serialises an artifact to safetensors bytes (metadata: kind, version, params, state as JSON). */
export function encodeArtifact(a: Artifact): Uint8Array {
  return encodeSafetensors(a.tensors, {
    kind: a.kind,
    version: String(a.version),
    params: JSON.stringify(a.params),
    state: JSON.stringify(a.state),
    format: 'resonate-model',
  });
}

export function decodeArtifact(bytes: Uint8Array, where = 'artifact'): Artifact {
  const { tensors, metadata } = decodeSafetensors(bytes, where);
  return artifactFromParts(tensors, metadata, where);
}

export function saveModel(model: Recommender, path: string): void {
  writeFileAtomic(path, encodeArtifact(model.save()));
}

export function loadModelFile(path: string): Recommender {
  const { tensors, metadata } = loadSafetensors(path);
  return loadModel(artifactFromParts(tensors, metadata, path), path);
}

function artifactFromParts(tensors: Artifact['tensors'], metadata: Record<string, string>, where: string): Artifact {
  if (metadata.format !== 'resonate-model' || !metadata.kind) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: 'not a Resonate model (metadata has no kind)' });
  }
  try {
    return {
      kind: metadata.kind,
      version: Number(metadata.version),
      params: JSON.parse(metadata.params ?? '{}') as Record<string, unknown>,
      state: JSON.parse(metadata.state ?? '{}') as Record<string, unknown>,
      tensors,
    };
  } catch {
    throw createError('ARTIFACT_INVALID', { path: where, problem: 'metadata params/state are not valid JSON' });
  }
}
