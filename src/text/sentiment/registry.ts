/**
 * @module Text classifier registry (any label set: sentiment, offensive language, topic …): kinds by name,
 * training, prediction and loading by the kind stored in the artifact. The neural kinds ('textcnn',
 * 'bilstm-attention', built on src/nn) register here with `registerClassifierKind`. The `*Sentiment*` names are
 * the same functions under their first names.
 */
import { createError } from '../../core/errors.js';
import { createRng } from '../../core/rng.js';
import { loadSafetensors, saveSafetensors, type TensorMap } from '../../nn/safetensors.js';
import { calibrateClassifier, calibrationFromMetadata, createCalibratedModel, type CalibrateOptions } from './calibrated.js';
import { labelIndices, labelSet } from './labels.js';
import { lexiconKind, probsToPredictions } from './lexicon.js';
import { linearKind } from './linear.js';
import { stratifiedSplit } from './neural/train.js';
import type { SentimentArtifact, SentimentKind, SentimentModel, SentimentPrediction, SentimentTrainInput } from './types.js';

const KINDS = new Map<string, SentimentKind>();

/** Adds a kind (a later module such as the TextCNN registers itself here). */
export function registerClassifierKind(kind: SentimentKind): void {
  KINDS.set(kind.kind, kind);
}

export function classifierKinds(): string[] {
  return [...KINDS.keys()];
}

function kindOf(name: string): SentimentKind {
  const k = KINDS.get(name);
  if (!k) throw createError('UNKNOWN_OPTION', { kind: 'text classifier', name, expected: classifierKinds().join(', ') });
  return k;
}

/** A kind and its options: one ensemble member, or the whole of a model spec file. */
export interface ClassifierSpec {
  model: string;
  options?: Record<string, unknown>;
}

export interface EnsembleOptions {
  /** Members, each a kind and its options (default `DEFAULT_ENSEMBLE_MEMBERS`). */
  members?: ClassifierSpec[];
  /** Weights of the members' probabilities (default equal). */
  weights?: number[];
}

/**
 * The members of an ensemble given none: the NB-SVM on word and character n-grams and the TextCNN (the 'textcnn'
 * kind registers when src/text/index.ts or sentiment/neural is imported). NB-SVM + TextCNN were the best pairs on the
 * offensive-language validation split (docs/benchmarks.md, "Offensive-language classifier").
 */
export const DEFAULT_ENSEMBLE_MEMBERS: readonly ClassifierSpec[] = [
  { model: 'linear', options: { classifier: 'nbsvm' } },
  { model: 'textcnn', options: { seed: 42 } },
];

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
    const o = (options ?? {}) as EnsembleOptions;
    const specs = o.members ?? DEFAULT_ENSEMBLE_MEMBERS;
    if (!Array.isArray(specs) || specs.length === 0) throw createError('INVALID_INPUT', { field: 'options.members', problem: 'an ensemble needs members: [{ model, options }]' });
    if (o.weights !== undefined && (o.weights.length !== specs.length || !o.weights.every((w) => Number.isFinite(w) && w >= 0))) {
      throw createError('INVALID_INPUT', { field: 'options.weights', problem: `expected ${specs.length} non-negative numbers, one per member` });
    }
    const set = labelSet(labels);
    const members: SentimentModel[] = [];
    for (const m of specs) {
      const opts = m.model === 'lexicon' ? { labels: set, ...(m.options ?? {}) } : m.options;
      members.push(await trainClassifier({ texts, labels, model: m.model, ...(opts ? { options: opts } : {}), ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) }));
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

export interface CalibratedOptions extends CalibrateOptions {
  /** The model to calibrate (default the linear one). */
  base?: ClassifierSpec;
  /** Share of the training texts held out (stratified) to fit the calibration on (default 0.1). */
  validationFraction?: number;
  seed?: number;
}

/**
 * 'calibrated': trains `base` on the training texts but a stratified held-out part, and fits the calibration on
 * that part (src/text/sentiment/calibrated.ts). With separate validation texts, use `calibrateClassifier` instead.
 */
const calibratedKind: SentimentKind = {
  kind: 'calibrated',
  train: async ({ texts, labels, options, progress, signal }) => {
    const o = (options ?? {}) as CalibratedOptions;
    const base = o.base ?? { model: 'linear' };
    if (base.model === 'calibrated') throw createError('INVALID_INPUT', { field: 'options.base.model', problem: 'a calibrated model calibrates another kind' });
    const set = labelSet(labels);
    const { train, val } = stratifiedSplit(labelIndices(labels, set), set.length, o.validationFraction ?? 0.1, createRng(o.seed ?? 42));
    if (val.length === 0) throw createError('DATASET_EMPTY', { what: 'calibration texts (each label needs two texts or more)' });
    const pick = <T>(xs: readonly T[], idx: number[]): T[] => idx.map((i) => xs[i]!);
    const model = await trainClassifier({
      texts: pick(texts, train), labels: pick(labels, train), model: base.model, ...(base.options ? { options: base.options } : {}),
      ...(progress ? { progress } : {}), ...(signal ? { signal } : {}),
    });
    return calibrateClassifier(model, pick(texts, val), pick(labels, val), o);
  },
  fromArtifact: (a, where) => createCalibratedModel(modelFromArtifact(subArtifact(a, 'base.'), where), calibrationFromMetadata(a.metadata, where)),
};

registerClassifierKind(lexiconKind);
registerClassifierKind(linearKind);
registerClassifierKind(ensembleKind);
registerClassifierKind(calibratedKind);

/** Rebuilds a model from an artifact by its kind. */
export function modelFromArtifact(a: SentimentArtifact, where: string): SentimentModel {
  const kind = a.metadata.kind;
  if (!kind || !KINDS.has(kind)) throw createError('ARTIFACT_INVALID', { path: where, problem: `not a text classifier (kind ${kind ?? 'missing'}; known: ${classifierKinds().join(', ')})` });
  return kindOf(kind).fromArtifact(a, where);
}

/** Loads a saved classifier of any registered kind. */
export function loadClassifier(path: string): SentimentModel {
  return modelFromArtifact(loadSafetensors(path), path);
}

export interface TrainClassifierInput extends SentimentTrainInput {
  /** Registered kind: 'lexicon', 'linear', 'ensemble', 'calibrated', 'textcnn', 'bilstm-attention' (default 'linear'). */
  model?: string;
}

/**
 * Trains a text classifier of the given kind on texts and their labels (any strings).
 * @example const m = await trainClassifier({ texts, labels, model: 'linear', options: { classifier: 'nbsvm' } });
 */
export async function trainClassifier(input: TrainClassifierInput): Promise<SentimentModel> {
  if (input.texts.length !== input.labels.length) {
    throw createError('SHAPE_MISMATCH', { op: 'train-classifier', problem: `${input.texts.length} texts but ${input.labels.length} labels` });
  }
  if (input.texts.length === 0) throw createError('DATASET_EMPTY', { what: 'training texts' });
  if (input.signal?.aborted) throw createError('TRAINING_CANCELLED', { model: `classifier/${input.model ?? 'linear'}` });
  return kindOf(input.model ?? 'linear').train(input);
}

/** Labels and probabilities of a model (or of a saved model's path) for texts. */
export function predictClassifier(model: SentimentModel | string, texts: readonly string[]): SentimentPrediction[] {
  const m = typeof model === 'string' ? loadClassifier(model) : model;
  return m.predict(texts);
}

/** The functions under the names they had when only sentiment models existed. */
export const registerSentimentKind = registerClassifierKind;
export const sentimentKinds = classifierKinds;
export const loadSentiment = loadClassifier;
export const trainSentiment = trainClassifier;
export const predictSentiment = predictClassifier;
export type TrainSentimentInput = TrainClassifierInput;
