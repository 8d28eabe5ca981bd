/**
 * @module The text classifier contract: every kind (lexicon, linear, ensemble, calibrated, the neural TextCNN and
 * BiLSTM-attention) predicts a label and class probabilities for any label set (sentiment, offensive language,
 * topic …), and saves to one safetensors artifact. The `Sentiment*` names are the same types under their first names.
 */
import type { TensorMap } from '../../nn/safetensors.js';
import type { Progress } from '../../core/progress.js';

export interface ClassifierPrediction {
  /** One of the model's labels (the strings of the training label file). */
  label: string;
  /** Probability per label; sums to 1. */
  probs: Record<string, number>;
}

export interface TextClassifier {
  /** Registry kind: 'lexicon', 'linear', 'ensemble', … */
  readonly kind: string;
  /** Labels in the order of probability vectors. */
  readonly labels: readonly string[];
  /** Labels and probabilities for a batch of texts. */
  predict(texts: readonly string[]): ClassifierPrediction[];
  /** Probabilities as an n × K row-major matrix (labels order); the fast path behind predict. */
  predictProba(texts: readonly string[]): Float64Array;
  /** Tensors and string metadata of the artifact (metadata holds `kind`). */
  toArtifact(): ClassifierArtifact;
  /** Writes the artifact to a safetensors file. */
  save(path: string): void;
}

export interface ClassifierArtifact {
  tensors: TensorMap;
  metadata: Record<string, string>;
}

/** What a trainer receives: texts, their labels, its options. */
export interface ClassifierTrainInput<O = Record<string, unknown>> {
  texts: readonly string[];
  labels: readonly string[];
  options?: O;
  progress?: Progress;
  signal?: AbortSignal;
}

/** A registered kind: how to train one and how to rebuild one from its artifact. */
export interface ClassifierKind {
  readonly kind: string;
  train(input: ClassifierTrainInput): TextClassifier | Promise<TextClassifier>;
  fromArtifact(artifact: ClassifierArtifact, where: string): TextClassifier;
}

/** The same types under the names they had when only sentiment models existed. */
export type SentimentPrediction = ClassifierPrediction;
export type SentimentModel = TextClassifier;
export type SentimentArtifact = ClassifierArtifact;
export type SentimentTrainInput<O = Record<string, unknown>> = ClassifierTrainInput<O>;
export type SentimentKind = ClassifierKind;
