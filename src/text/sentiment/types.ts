/**
 * @module The sentiment model contract: every kind (lexicon, linear, ensemble, and later the neural TextCNN and
 * BiLSTM-attention) predicts a label and class probabilities, and saves to one safetensors artifact.
 */
import type { TensorMap } from '../../nn/safetensors.js';
import type { Progress } from '../../core/progress.js';

export interface SentimentPrediction {
  /** One of the model's labels (the strings of the training label file). */
  label: string;
  /** Probability per label; sums to 1. */
  probs: Record<string, number>;
}

export interface SentimentModel {
  /** Registry kind: 'lexicon', 'linear', 'ensemble', … */
  readonly kind: string;
  /** Labels in the order of probability vectors. */
  readonly labels: readonly string[];
  /** Labels and probabilities for a batch of texts. */
  predict(texts: readonly string[]): SentimentPrediction[];
  /** Probabilities as an n × K row-major matrix (labels order); the fast path behind predict. */
  predictProba(texts: readonly string[]): Float64Array;
  /** Tensors and string metadata of the artifact (metadata holds `kind`). */
  toArtifact(): SentimentArtifact;
  /** Writes the artifact to a safetensors file. */
  save(path: string): void;
}

export interface SentimentArtifact {
  tensors: TensorMap;
  metadata: Record<string, string>;
}

/** What a trainer receives: texts, their labels, its options. */
export interface SentimentTrainInput<O = Record<string, unknown>> {
  texts: readonly string[];
  labels: readonly string[];
  options?: O;
  progress?: Progress;
  signal?: AbortSignal;
}

/** A registered kind: how to train one and how to rebuild one from its artifact. */
export interface SentimentKind {
  readonly kind: string;
  train(input: SentimentTrainInput): SentimentModel | Promise<SentimentModel>;
  fromArtifact(artifact: SentimentArtifact, where: string): SentimentModel;
}
