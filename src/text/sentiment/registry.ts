/**
 * @module Sentiment model registry: kinds by name, training, prediction and loading by the kind stored in the
 * artifact. The neural kinds ('textcnn', 'bilstm-attention', built on src/nn) register here with
 * `registerSentimentKind` when they land.
 */
import { createError } from '../../core/errors.js';
import { loadSafetensors, type TensorMap } from '../../nn/safetensors.js';
import { lexiconKind, probsToPredictions } from './lexicon.js';
import { linearKind } from './linear.js';
import { labelSet } from './labels.js';
import type { SentimentArtifact, SentimentKind, SentimentModel, SentimentPrediction, SentimentTrainInput } from './types.js';
import { saveSafetensors } from '../../nn/safetensors.js';

const KINDS = new Map<string, SentimentKind>();

/** Adds a kind (a later module such as the TextCNN registers itself here). */
export function registerSentimentKind(kind: SentimentKind): void {
  KINDS.set(kind.kind, kind);
}

export function sentimentKinds(): string[] {
  return [...KINDS.keys()];
}

function kindOf(name: string): SentimentKind {
  const k = KINDS.get(name);
  if (!k) throw createError('UNKNOWN_OPTION', { kind: 'sentiment model', name, expected: sentimentKinds().join(', ') });
  return k;
}

export interface EnsembleOptions {
  /** Members, each a kind and its options. */
  members: { model: string; options?: Record<string, unknown> }[];
  /** Weights of the members' probabilities (default equal). */
  weights?: number[];
}

/** Weighted average of the members' probabilities; members must share the label set. */
export function createEnsembleModel(members: SentimentModel[], weights?: number[]): SentimentModel {
  if (members.length === 0) throw createError('INVALID_INPUT', { field: 'options.members', problem: 'an ensemble needs at least one member' });
  const labels = members[0]!.labels;
  for (const m of members) {
    if (m.labels.join('\u0000') !== labels.join('\u0000')) {
      throw createError('INVALID_INPUT', { field: 'options.members', problem: `member ${m.kind} predicts [${m.labels.join(', ')}] but the first predicts [${labels.join(', ')}]` });
    }
  }
  const w = weights ?? members.map(() => 1);
  const total = w.reduce((a, b) => a + b, 0);
  const predictProba = (texts: readonly string[]): Float64Array => {
    const out = new Float64Array(texts.length * labels.length);
    members.forEach((m, i) => {
      const P = m.predictProba(texts);
      for (let j = 0; j < out.length; j++) out[j]! += (w[i]! / total) * P[j]!;
    });
    return out;
  };
  const model: SentimentModel = {
    kind: 'ensemble',
    labels,
    predictProba,
    predict: (texts) => probsToPredictions(predictProba(texts), labels),
    toArtifact: () => {
      const tensors: TensorMap = {};
      const metadata: Record<string, string> = { kind: 'ensemble', version: '1', members: String(members.length), weights: JSON.stringify(w), labels: JSON.stringify(labels) };
      members.forEach((m, i) => {
        const a = m.toArtifact();
        for (const [k, t] of Object.entries(a.tensors)) tensors[`m${i}.${k}`] = t;
        for (const [k, v] of Object.entries(a.metadata)) metadata[`m${i}.${k}`] = v;
      });
      return { tensors, metadata };
    },
    save: (path) => {
      const a = model.toArtifact();
      saveSafetensors(path, a.tensors, a.metadata);
    },
  };
  return model;
}

const ensembleKind: SentimentKind = {
  kind: 'ensemble',
  train: async ({ texts, labels, options, progress, signal }) => {
    const o = options as unknown as EnsembleOptions | undefined;
    if (!o?.members?.length) throw createError('INVALID_INPUT', { field: 'options.members', problem: 'an ensemble needs members: [{ model, options }]' });
    const set = labelSet(labels);
    const members: SentimentModel[] = [];
    for (const m of o.members) {
      const opts = m.model === 'lexicon' ? { labels: set, ...(m.options ?? {}) } : m.options;
      members.push(await trainSentiment({ texts, labels, model: m.model, ...(opts ? { options: opts } : {}), ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) }));
    }
    return createEnsembleModel(members, o.weights);
  },
  fromArtifact: ({ tensors, metadata }, where) => {
    const n = Number(metadata.members);
    const members: SentimentModel[] = [];
    for (let i = 0; i < n; i++) members.push(modelFromArtifact(subArtifact({ tensors, metadata }, `m${i}.`), where));
    return createEnsembleModel(members, JSON.parse(metadata.weights ?? 'null') as number[] | undefined);
  },
};

function subArtifact(a: SentimentArtifact, prefix: string): SentimentArtifact {
  const tensors: TensorMap = {};
  const metadata: Record<string, string> = {};
  for (const [k, t] of Object.entries(a.tensors)) if (k.startsWith(prefix)) tensors[k.slice(prefix.length)] = t;
  for (const [k, v] of Object.entries(a.metadata)) if (k.startsWith(prefix)) metadata[k.slice(prefix.length)] = v;
  return { tensors, metadata };
}

registerSentimentKind(lexiconKind);
registerSentimentKind(linearKind);
registerSentimentKind(ensembleKind);

/** Rebuilds a model from an artifact by its kind. */
export function modelFromArtifact(a: SentimentArtifact, where: string): SentimentModel {
  const kind = a.metadata.kind;
  if (!kind || !KINDS.has(kind)) throw createError('ARTIFACT_INVALID', { path: where, problem: `not a sentiment model (kind ${kind ?? 'missing'}; known: ${sentimentKinds().join(', ')})` });
  return kindOf(kind).fromArtifact(a, where);
}

/** Loads a saved sentiment model of any registered kind. */
export function loadSentiment(path: string): SentimentModel {
  return modelFromArtifact(loadSafetensors(path), path);
}

export interface TrainSentimentInput extends SentimentTrainInput {
  /** Registered kind: 'lexicon', 'linear', 'ensemble' (default 'linear'). */
  model?: string;
}

/**
 * Trains a sentiment model of the given kind on texts and their labels (any strings).
 * @example const m = await trainSentiment({ texts, labels, model: 'linear', options: { classifier: 'nbsvm' } });
 */
export async function trainSentiment(input: TrainSentimentInput): Promise<SentimentModel> {
  if (input.texts.length !== input.labels.length) {
    throw createError('SHAPE_MISMATCH', { op: 'train-sentiment', problem: `${input.texts.length} texts but ${input.labels.length} labels` });
  }
  if (input.texts.length === 0) throw createError('DATASET_EMPTY', { what: 'training texts' });
  if (input.signal?.aborted) throw createError('TRAINING_CANCELLED', { model: `sentiment/${input.model ?? 'linear'}` });
  return kindOf(input.model ?? 'linear').train(input);
}

/** Labels and probabilities of a model (or of a saved model's path) for texts. */
export function predictSentiment(model: SentimentModel | string, texts: readonly string[]): SentimentPrediction[] {
  const m = typeof model === 'string' ? loadSentiment(model) : model;
  return m.predict(texts);
}
