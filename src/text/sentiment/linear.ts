/**
 * @module Linear sentiment: TF-IDF (word 1–2-grams + char_wb 2–5-grams, sublinear tf) and multinomial logistic
 * regression with balanced class weights, or NB-SVM (Wang & Manning 2012) with temperature-scaled probabilities.
 */
import { createError } from '../../core/errors.js';
import { saveSafetensors } from '../../nn/safetensors.js';
import { createVectorizer, vectorizerFromArtifact, type Vectorizer, type VectorizerConfig } from '../vectorizer.js';
import { decisionFunction, softmaxRows, type LinearModel, type LogisticRegressionConfig } from '../logistic-regression.js';
import { binarize, fitNbSvm } from '../nbsvm.js';
import { fitLogisticRegressionParallel } from '../logistic-parallel.js';
import { labelIndices, labelSet } from './labels.js';
import { probsToPredictions } from './lexicon.js';
import type { SentimentArtifact, SentimentKind, SentimentModel } from './types.js';

export interface LinearSentimentOptions {
  /** 'lr' (default) or 'nbsvm'. */
  classifier?: 'lr' | 'nbsvm';
  /** Inverse L2 strength, default 1 (scikit-learn's default). */
  C?: number;
  /** Default 'balanced' (TweetEval's classes are unbalanced and its metric is macro-recall). */
  classWeight?: LogisticRegressionConfig['classWeight'];
  maxIter?: number;
  tol?: number;
  /** Vectorizer; default word 1–2 + char_wb 2–5, sublinear tf, min df 2. */
  vectorizer?: VectorizerConfig;
  seed?: number;
  /** Threads for the logistic regression (default 2). */
  threads?: number;
}

/** The default features: word 1–2-grams and char_wb 2–5-grams, each block l2-normalised (a FeatureUnion). */
export const DEFAULT_SENTIMENT_VECTORIZER: VectorizerConfig = {
  blocks: [
    { analyzer: 'word', ngramRange: [1, 2], minDf: 2 },
    { analyzer: 'char_wb', ngramRange: [2, 5], minDf: 2 },
  ],
  sublinearTf: true,
};

interface LinearState {
  vectorizer: Vectorizer;
  model: LinearModel;
  labels: string[];
  classifier: 'lr' | 'nbsvm';
  temperature: number;
}

function createLinearModel(s: LinearState): SentimentModel {
  const K = s.labels.length;
  const predictProba = (texts: readonly string[]): Float64Array => {
    const X = s.vectorizer.transform(texts);
    return softmaxRows(decisionFunction(s.model, s.classifier === 'nbsvm' ? binarize(X) : X), K, s.temperature);
  };
  const model: SentimentModel = {
    kind: 'linear',
    labels: s.labels,
    predictProba,
    predict: (texts) => probsToPredictions(predictProba(texts), s.labels),
    toArtifact: (): SentimentArtifact => {
      const v = s.vectorizer.toArtifact();
      const metadata: Record<string, string> = {
        kind: 'linear', version: '1', labels: JSON.stringify(s.labels), classifier: s.classifier, temperature: String(s.temperature),
      };
      for (const [k, val] of Object.entries(v.metadata)) metadata[`vectorizer.${k}`] = val;
      return {
        tensors: {
          'vectorizer.idf': { data: v.idf, shape: [v.idf.length] },
          weights: { data: Float32Array.from(s.model.weights), shape: [s.model.nFeatures, K] },
          bias: { data: Float32Array.from(s.model.bias), shape: [K] },
        },
        metadata,
      };
    },
    save: (path) => {
      const a = model.toArtifact();
      saveSafetensors(path, a.tensors, a.metadata);
    },
  };
  return model;
}

/** Trains the linear sentiment model. */
export async function trainLinearSentiment(texts: readonly string[], labels: readonly string[], options: LinearSentimentOptions = {}): Promise<SentimentModel> {
  if (texts.length !== labels.length) throw createError('SHAPE_MISMATCH', { op: 'train-sentiment', problem: `${texts.length} texts but ${labels.length} labels` });
  const set = labelSet(labels);
  const y = labelIndices(labels, set);
  const vectorizer = createVectorizer(options.vectorizer ?? DEFAULT_SENTIMENT_VECTORIZER);
  const X = vectorizer.fitTransform(texts);
  const classifier = options.classifier ?? 'lr';
  const lr: LogisticRegressionConfig = {
    C: options.C ?? 1,
    classWeight: options.classWeight === undefined ? 'balanced' : options.classWeight,
    ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
    ...(options.tol !== undefined ? { tol: options.tol } : {}),
  };
  if (classifier === 'nbsvm') {
    const m = fitNbSvm(X, y, set.length, { ...lr, seed: options.seed ?? 42 });
    return createLinearModel({ vectorizer, model: m, labels: set, classifier, temperature: m.temperature });
  }
  const m = await fitLogisticRegressionParallel(X, y, set.length, { ...lr, threads: options.threads ?? 2 });
  return createLinearModel({ vectorizer, model: m, labels: set, classifier, temperature: 1 });
}

export const linearKind: SentimentKind = {
  kind: 'linear',
  train: ({ texts, labels, options }) => trainLinearSentiment(texts, labels, (options ?? {}) as LinearSentimentOptions),
  fromArtifact: ({ tensors, metadata }, where) => {
    const vm: Record<string, string> = {};
    for (const [k, v] of Object.entries(metadata)) if (k.startsWith('vectorizer.')) vm[k.slice(11)] = v;
    const vectorizer = vectorizerFromArtifact({ idf: tensors['vectorizer.idf']?.data as Float32Array, metadata: vm }, where);
    const w = tensors.weights, b = tensors.bias;
    if (!w || !b) throw createError('ARTIFACT_INVALID', { path: where, problem: 'missing tensor weights or bias' });
    const labels = JSON.parse(metadata.labels!) as string[];
    return createLinearModel({
      vectorizer,
      model: { nFeatures: w.shape[0]!, nClasses: labels.length, weights: Float64Array.from(w.data), bias: Float64Array.from(b.data) },
      labels,
      classifier: metadata.classifier === 'nbsvm' ? 'nbsvm' : 'lr',
      temperature: Number(metadata.temperature ?? 1),
    });
  },
};
