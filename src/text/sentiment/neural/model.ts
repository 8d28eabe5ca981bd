/**
 * @module A trained neural network as a `SentimentModel`: batched inference (texts sorted by length so batches
 * carry little padding), temperature-scaled probabilities, and the one-file safetensors artifact (weights as
 * `net.*` tensors; vocabulary, labels, network spec and temperature in the metadata).
 */
import { createError } from '../../../core/errors.js';
import { createRng } from '../../../core/rng.js';
import { saveSafetensors, type TensorMap } from '../../../nn/safetensors.js';
import { noGrad } from '../../../nn/tensor.js';
import { softmaxRows } from '../../logistic-regression.js';
import type { TokenizeOptions } from '../../tokenize.js';
import { probsToPredictions } from '../lexicon.js';
import type { SentimentArtifact, SentimentModel } from '../types.js';
import { buildNet, type NetSpec, type SentimentNet } from './networks.js';
import { createTokenVocabulary, encodeTokens, type TokenVocabulary } from './vocabulary.js';

/** Texts per inference batch. */
const INFER_BATCH = 256;

export interface NeuralState {
  kind: string;
  net: SentimentNet;
  spec: NetSpec;
  vocab: TokenVocabulary;
  labels: string[];
  maxLength: number;
  /** Softmax temperature fitted on the validation part (1 when not calibrated). */
  temperature: number;
}

/** Raw logits (n × K, float64) of tokenized texts, in eval mode and without recording gradients. */
export function logitsOf(net: SentimentNet, vocab: TokenVocabulary, tokenized: readonly (readonly string[])[], maxLength: number, K: number): Float64Array {
  const n = tokenized.length;
  const out = new Float64Array(n * K);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => tokenized[a]!.length - tokenized[b]!.length);
  const was = net.training;
  net.eval();
  try {
    noGrad(() => {
      for (let s = 0; s < n; s += INFER_BATCH) {
        const idx = order.slice(s, s + INFER_BATCH);
        const logits = net.forward(encodeTokens(vocab, idx.map((i) => tokenized[i]!), maxLength)).data;
        idx.forEach((i, r) => { for (let k = 0; k < K; k++) out[i * K + k] = logits[r * K + k]!; });
      }
    });
  } finally {
    net.train(was);
  }
  return out;
}

export function createNeuralSentimentModel(s: NeuralState): SentimentModel {
  const K = s.labels.length;
  const predictProba = (texts: readonly string[]): Float64Array =>
    softmaxRows(logitsOf(s.net, s.vocab, texts.map((t) => s.vocab.tokens(t)), s.maxLength, K), K, s.temperature);
  const model: SentimentModel = {
    kind: s.kind,
    labels: s.labels,
    predictProba,
    predict: (texts) => probsToPredictions(predictProba(texts), s.labels),
    toArtifact: (): SentimentArtifact => {
      const tensors: TensorMap = {};
      for (const [name, t] of Object.entries(s.net.stateDict())) tensors[`net.${name}`] = t;
      return {
        tensors,
        metadata: {
          kind: s.kind,
          version: '1',
          labels: JSON.stringify(s.labels),
          spec: JSON.stringify(s.spec),
          vocabulary: JSON.stringify(s.vocab.words),
          tokenizer: JSON.stringify(s.vocab.tokenizer),
          maxLength: String(s.maxLength),
          temperature: String(s.temperature),
        },
      };
    },
    save: (path) => {
      const a = model.toArtifact();
      saveSafetensors(path, a.tensors, a.metadata);
    },
  };
  return model;
}

function parseJson<T>(metadata: Record<string, string>, key: string, where: string): T {
  const v = metadata[key];
  if (v === undefined) throw createError('ARTIFACT_INVALID', { path: where, problem: `metadata "${key}" is missing` });
  try {
    return JSON.parse(v) as T;
  } catch {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `metadata "${key}" is not valid JSON` });
  }
}

/** Rebuilds a model of one of `kinds` (the stored kind must be one of them; `arch` must match the spec). */
export function neuralModelFromArtifact(a: SentimentArtifact, where: string, kinds: readonly string[], arch: NetSpec['arch']): SentimentModel {
  const kind = a.metadata.kind;
  if (!kind || !kinds.includes(kind)) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `expected a ${kinds.join(' / ')} sentiment model, found kind ${kind ?? 'missing'}` });
  }
  if (a.metadata.version !== '1') throw createError('ARTIFACT_INVALID', { path: where, problem: `unsupported version ${a.metadata.version ?? 'missing'} (expected 1)` });
  const spec = parseJson<NetSpec>(a.metadata, 'spec', where);
  if (spec.arch !== arch) throw createError('ARTIFACT_INVALID', { path: where, problem: `network ${spec.arch} stored under kind ${kind}` });
  const labels = parseJson<string[]>(a.metadata, 'labels', where);
  const words = parseJson<string[]>(a.metadata, 'vocabulary', where);
  const tokenizer = parseJson<TokenizeOptions>(a.metadata, 'tokenizer', where);
  if (words.length !== spec.vocabSize || labels.length !== spec.numClasses) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: `${words.length} words and ${labels.length} labels disagree with the network (${spec.vocabSize}, ${spec.numClasses})` });
  }
  const net = buildNet(spec, createRng(0));
  const state: TensorMap = {};
  for (const [k, t] of Object.entries(a.tensors)) if (k.startsWith('net.')) state[k.slice(4)] = t;
  try {
    net.loadStateDict(state);
  } catch (e) {
    throw createError('ARTIFACT_INVALID', { path: where, problem: (e as Error).message });
  }
  net.eval();
  return createNeuralSentimentModel({
    kind, net, spec, labels,
    vocab: createTokenVocabulary(words, tokenizer),
    maxLength: Number(a.metadata.maxLength ?? 50),
    temperature: Number(a.metadata.temperature ?? 1),
  });
}
