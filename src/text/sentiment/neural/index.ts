/**
 * @module Neural sentiment kinds on Resonate's deep-learning engine: 'textcnn' (Kim 2014) and 'bilstm-attention'
 * (alias 'bilstm'; BiLSTM with Yang et al. 2016 word attention). Importing this module registers them.
 */
import { registerClassifierKind } from '../registry.js';
import type { SentimentKind } from '../types.js';
import { neuralModelFromArtifact } from './model.js';
import type { BiLstmSpec, TextCnnSpec } from './networks.js';
import { trainNeuralSentiment, type NeuralSentimentOptions } from './train.js';

export interface TextCnnOptions extends NeuralSentimentOptions {
  /** Filter windows (default [3, 4, 5]). */
  windows?: number[];
  /** Feature maps per window (default 100). */
  featureMaps?: number;
  /** Dropout before the output layer (default 0.5). */
  dropout?: number;
}

export interface BiLstmAttentionOptions extends NeuralSentimentOptions {
  /** Hidden units per direction (default 128). */
  hidden?: number;
  /** Attention space size (default 100, as Yang et al.). */
  attentionDim?: number;
  /** Dropout on the embeddings (default 0.25) and on the pooled vector (default 0.5). */
  embeddingDropout?: number;
  dropout?: number;
}

export const textCnnKind: SentimentKind = {
  kind: 'textcnn',
  train: ({ texts, labels, options, progress, signal }) => {
    const o = (options ?? {}) as TextCnnOptions;
    const arch: Omit<TextCnnSpec, 'vocabSize' | 'embeddingDim' | 'numClasses'> = {
      arch: 'textcnn', windows: o.windows ?? [3, 4, 5], featureMaps: o.featureMaps ?? 100, dropout: o.dropout ?? 0.5,
    };
    return trainNeuralSentiment({ kind: 'textcnn', texts, labels, options: o, arch, ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) });
  },
  fromArtifact: (a, where) => neuralModelFromArtifact(a, where, ['textcnn'], 'textcnn'),
};

function trainBiLstm(kind: string): SentimentKind['train'] {
  return ({ texts, labels, options, progress, signal }) => {
    const o = (options ?? {}) as BiLstmAttentionOptions;
    const arch: Omit<BiLstmSpec, 'vocabSize' | 'embeddingDim' | 'numClasses'> = {
      arch: 'bilstm-attention', hidden: o.hidden ?? 128, attentionDim: o.attentionDim ?? 100,
      embeddingDropout: o.embeddingDropout ?? 0.25, dropout: o.dropout ?? 0.5,
    };
    return trainNeuralSentiment({ kind, texts, labels, options: o, arch, ...(progress ? { progress } : {}), ...(signal ? { signal } : {}) });
  };
}

export const biLstmAttentionKind: SentimentKind = {
  kind: 'bilstm-attention',
  train: trainBiLstm('bilstm-attention'),
  fromArtifact: (a, where) => neuralModelFromArtifact(a, where, ['bilstm-attention'], 'bilstm-attention'),
};

/** 'bilstm' trains the same model; its artifacts say kind 'bilstm-attention'. */
export const biLstmAliasKind: SentimentKind = {
  kind: 'bilstm',
  train: trainBiLstm('bilstm-attention'),
  fromArtifact: biLstmAttentionKind.fromArtifact,
};

registerClassifierKind(textCnnKind);
registerClassifierKind(biLstmAttentionKind);
registerClassifierKind(biLstmAliasKind);

export { trainNeuralSentiment, lastNeuralTrainReport, stratifiedSplit, type NeuralSentimentOptions, type NeuralTrainReport } from './train.js';
export { createNeuralSentimentModel, neuralModelFromArtifact, logitsOf } from './model.js';
export { TextCnn, BiLstmAttention, SentimentNet, buildNet, type NetSpec, type TextCnnSpec, type BiLstmSpec } from './networks.js';
export { buildTokenVocabulary, encodeTokens, createTokenVocabulary, NEURAL_TOKENIZER, PAD_ID, UNK_ID, type TokenVocabulary, type EncodedBatch, type VocabularyConfig } from './vocabulary.js';
export { weightedCrossEntropy, balancedClassWeights } from './weighted-cross-entropy.js';
