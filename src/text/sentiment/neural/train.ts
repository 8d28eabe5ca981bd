/**
 * @module Training of the neural sentiment networks: vocabulary, optional word2vec initialisation, a stratified
 * validation split carved from the training data, length-bucketed mini-batches, class-weighted cross-entropy,
 * Adam (sparse rows for the embedding table), early stopping on validation macro-recall, and temperature
 * scaling (Guo et al. 2017) of the best checkpoint on the same validation part.
 */
import { createError } from '../../../core/errors.js';
import { createRng, type Rng } from '../../../core/rng.js';
import type { Progress } from '../../../core/progress.js';
import { Adam } from '../../../nn/optim/adam.js';
import { clipGradNorm } from '../../../nn/optim/clip-grad.js';
import type { TensorMap } from '../../../nn/safetensors.js';
import { fitTemperature } from '../../../math/calibration.js';
import { tokenizeToStrings, type TokenizeOptions } from '../../tokenize.js';
import { loadWord2Vec } from '../../word2vec/io.js';
import type { WordVectors } from '../../word2vec/model.js';
import { trainWord2Vec } from '../../word2vec/train.js';
import { labelIndices, labelSet } from '../labels.js';
import { classificationReport } from '../metrics.js';
import type { SentimentModel } from '../types.js';
import { createNeuralSentimentModel, logitsOf } from './model.js';
import { buildNet, type NetSpec, type SentimentNet } from './networks.js';
import { balancedClassWeights, weightedCrossEntropy } from './weighted-cross-entropy.js';
import { buildTokenVocabulary, encodeTokens, NEURAL_TOKENIZER, PAD_ID, type TokenVocabulary } from './vocabulary.js';

export interface NeuralSentimentOptions {
  /** Embedding size: default 300 (Kim) with random init, or the word2vec size (100) with `initFromWord2Vec`. */
  embeddingDim?: number;
  /** Tokens kept per text (default 50). */
  maxLength?: number;
  /** Vocabulary minimum count (default 2) and cap (default 50 000). */
  minCount?: number;
  maxVocab?: number;
  tokenizer?: TokenizeOptions;
  /**
   * Initialise the embeddings from Resonate's word2vec: true trains skip-gram on the training texts (the same
   * tokens, dim = embeddingDim or 100); or a trained `WordVectors`; or the path of a saved word2vec file.
   */
  initFromWord2Vec?: boolean | WordVectors | string;
  /** word2vec passes when it is trained here (default 5). */
  word2vecEpochs?: number;
  /** Passes over the training part (default 4). */
  epochs?: number;
  /** Mini-batch size (Kim: 50). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3; Kim used Adadelta, we use Adam). */
  lr?: number;
  /** 'balanced' (default: n / (K·n_c), for macro-recall on unbalanced labels), null for none, or a weight per label. */
  classWeight?: 'balanced' | null | Record<string, number>;
  /** Share of the training texts held out (stratified) for early stopping and calibration (default 0.1). */
  validationFraction?: number;
  /** Validation checks per epoch (default 2). */
  evalsPerEpoch?: number;
  /** Stop after this many checks without a better validation macro-recall (default: two epochs' worth). */
  patience?: number;
  /** Fit a softmax temperature on the validation part (default true). */
  calibrate?: boolean;
  /** Global gradient-norm clip (default 5; 0 disables). */
  clipNorm?: number;
  /**
   * Wall-clock budget of the network training in seconds (word2vec excluded): when spent, the model is checked on
   * the validation part once more and training stops with the best checkpoint. Default: none.
   */
  timeBudgetSeconds?: number;
  /** Threads of the word2vec training (default 2; 1 is deterministic). */
  threads?: number;
  seed?: number;
}

export interface NeuralTrainInput {
  kind: string;
  texts: readonly string[];
  labels: readonly string[];
  options: NeuralSentimentOptions;
  /** The architecture part of the spec; sizes (vocabulary, embedding, classes) are filled in here. */
  arch: DistributiveOmit<NetSpec, 'vocabSize' | 'embeddingDim' | 'numClasses'>;
  progress?: Progress;
  signal?: AbortSignal;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What the last training did (for benchmarks and logs). */
export interface NeuralTrainReport {
  /** Passes over the training part, fractional when stopped mid-epoch. */
  epochsRun: number;
  stoppedBy: 'epochs' | 'early-stopping' | 'time-budget';
  steps: number;
  bestValidationMacroRecall: number;
  temperature: number;
  vocabularySize: number;
  trainSize: number;
  validationSize: number;
}

let lastReport: NeuralTrainReport | undefined;
/** Report of the most recent neural sentiment training in this process. */
export function lastNeuralTrainReport(): NeuralTrainReport | undefined {
  return lastReport;
}

/** Stratified split: per label, a shuffled `fraction` (at least one text when the label has two or more) goes to validation. */
export function stratifiedSplit(y: Int32Array, K: number, fraction: number, rng: Rng): { train: number[]; val: number[] } {
  const train: number[] = [], val: number[] = [];
  for (let c = 0; c < K; c++) {
    const idx = rng.shuffle(Array.from(y.keys()).filter((i) => y[i] === c));
    const nVal = fraction > 0 && idx.length >= 2 ? Math.max(1, Math.round(idx.length * fraction)) : 0;
    val.push(...idx.slice(0, nVal));
    train.push(...idx.slice(nVal));
  }
  return { train, val };
}

/**
 * Mini-batches with little padding: shuffle, cut into pools of 50 batches, sort each pool by length, slice into
 * batches and shuffle the batches (a "bucket iterator").
 */
function bucketBatches(order: number[], lengths: Int32Array, batchSize: number, rng: Rng): number[][] {
  rng.shuffle(order);
  const pool = batchSize * 50;
  const batches: number[][] = [];
  for (let s = 0; s < order.length; s += pool) {
    const chunk = order.slice(s, s + pool).sort((a, b) => lengths[a]! - lengths[b]!);
    for (let b = 0; b < chunk.length; b += batchSize) batches.push(chunk.slice(b, b + batchSize));
  }
  return rng.shuffle(batches);
}

async function wordVectors(o: NeuralSentimentOptions, tokenized: readonly (readonly string[])[], dim: number, seed: number): Promise<WordVectors | undefined> {
  const init = o.initFromWord2Vec;
  if (init === undefined || init === false) return undefined;
  if (typeof init === 'string') return loadWord2Vec(init);
  if (init === true) {
    return trainWord2Vec(tokenized, { dim, minCount: o.minCount ?? 2, epochs: o.word2vecEpochs ?? 5, threads: o.threads ?? 2, seed });
  }
  return init;
}

/** Copies pretrained vectors into the embedding rows of known words; others keep U(−a, a) with matched variance (Kim). */
function applyWordVectors(net: SentimentNet, vocab: TokenVocabulary, wv: WordVectors, rng: Rng): number {
  const W = net.embedding.weight.data, D = net.embedding.weight.shape[1]!;
  let sq = 0;
  for (const v of wv.vectors) sq += v * v;
  const a = Math.sqrt((3 * sq) / Math.max(1, wv.vectors.length)); // U(−a, a) has variance a²/3
  let found = 0;
  vocab.words.forEach((w, id) => {
    if (id === PAD_ID) return;
    const r = wv.index(w);
    if (r >= 0) {
      W.set(wv.vectors.subarray(r * D, (r + 1) * D), id * D);
      found++;
    } else {
      for (let j = 0; j < D; j++) W[id * D + j] = (2 * rng.next() - 1) * a;
    }
  });
  return found;
}

function classWeightsOf(o: NeuralSentimentOptions, set: string[], y: Int32Array): Float32Array {
  const cw = o.classWeight === undefined ? 'balanced' : o.classWeight;
  if (cw === null) return new Float32Array(set.length).fill(1);
  if (cw === 'balanced') return balancedClassWeights(y, set.length);
  return Float32Array.from(set, (l) => {
    const w = cw[l];
    if (w === undefined || !(w >= 0)) throw createError('INVALID_INPUT', { field: `options.classWeight.${l}`, problem: `expected a weight ≥ 0 for label "${l}"` });
    return w;
  });
}

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Trains a network of the given architecture on texts and labels. */
export async function trainNeuralSentiment(input: NeuralTrainInput): Promise<SentimentModel> {
  const { kind, texts, labels, options: o, signal, progress } = input;
  if (texts.length !== labels.length) throw createError('SHAPE_MISMATCH', { op: 'train-sentiment', problem: `${texts.length} texts but ${labels.length} labels` });
  if (texts.length === 0) throw createError('DATASET_EMPTY', { what: 'training texts' });
  const cancelled = () => createError('TRAINING_CANCELLED', { model: `sentiment/${kind}` });
  if (signal?.aborted) throw cancelled();
  const seed = o.seed ?? 42;
  const rng = createRng(seed);
  const maxLength = o.maxLength ?? 50, batchSize = o.batchSize ?? 50, epochs = o.epochs ?? 4;
  const set = labelSet(labels);
  const K = set.length;
  const y = labelIndices(labels, set);

  const { train, val } = stratifiedSplit(y, K, o.validationFraction ?? 0.1, rng);
  const tokenizer = o.tokenizer ?? NEURAL_TOKENIZER;
  const tokenized = texts.map((t) => tokenizeToStrings(t, tokenizer));
  const trainTokens = train.map((i) => tokenized[i]!);
  const vocab = buildTokenVocabulary(trainTokens, { minCount: o.minCount ?? 2, maxSize: o.maxVocab ?? 50_000, tokenizer });

  const wantDim = o.embeddingDim ?? (o.initFromWord2Vec ? 100 : 300);
  const wv = await wordVectors(o, trainTokens, wantDim, seed);
  if (signal?.aborted) throw cancelled();
  if (wv && o.embeddingDim !== undefined && o.embeddingDim !== wv.dim) {
    throw createError('INVALID_INPUT', { field: 'options.embeddingDim', problem: `${o.embeddingDim} differs from the word2vec size ${wv.dim}` });
  }
  const embeddingDim = wv ? wv.dim : wantDim;
  const spec = { ...input.arch, vocabSize: vocab.words.length, embeddingDim, numClasses: K } as NetSpec;
  const net = buildNet(spec, rng.fork());
  if (wv) applyWordVectors(net, vocab, wv, rng.fork());

  const weights = classWeightsOf(o, set, Int32Array.from(train, (i) => y[i]!));
  const opt = new Adam(net.parameters(), { lr: o.lr ?? 1e-3 });
  const lengths = Int32Array.from(tokenized, (t) => Math.max(1, Math.min(maxLength, t.length)));
  const valTokens = val.map((i) => tokenized[i]!);
  const valY = Int32Array.from(val, (i) => y[i]!);
  const evalsPerEpoch = Math.max(1, o.evalsPerEpoch ?? 2), patience = o.patience ?? 2 * evalsPerEpoch, clip = o.clipNorm ?? 5;

  const batchesPerEpoch = Math.ceil(train.length / batchSize);
  const totalSteps = epochs * batchesPerEpoch;
  const evalAt = new Set<number>();
  for (let e = 1; e <= evalsPerEpoch; e++) evalAt.add(Math.round((e * batchesPerEpoch) / evalsPerEpoch));

  let best = -1, bestState: TensorMap | null = null, sinceBest = 0, step = 0, stop = false;
  const validate = (): void => {
    if (val.length === 0) return;
    const L = logitsOf(net, vocab, valTokens, maxLength, K);
    const pred = new Int32Array(val.length);
    for (let i = 0; i < val.length; i++) {
      let a = 0;
      for (let k = 1; k < K; k++) if (L[i * K + k]! > L[i * K + a]!) a = k;
      pred[i] = a;
    }
    const score = classificationReport(valY, pred, K).macroRecall;
    if (score > best) {
      best = score;
      bestState = net.stateDict();
      sinceBest = 0;
    } else if (++sinceBest >= patience) stop = true;
  };

  const started = performance.now(), budgetMs = (o.timeBudgetSeconds ?? Infinity) * 1000;
  let stoppedBy: NeuralTrainReport['stoppedBy'] = 'epochs';
  net.train();
  for (let epoch = 0; epoch < epochs && !stop; epoch++) {
    const batches = bucketBatches(train.slice(), lengths, batchSize, rng);
    for (let bi = 0; bi < batches.length && !stop; bi++) {
      await yieldToEventLoop();
      if (signal?.aborted) throw cancelled();
      const idx = batches[bi]!;
      const batch = encodeTokens(vocab, idx.map((i) => tokenized[i]!), maxLength);
      opt.zeroGrad();
      const loss = weightedCrossEntropy(net.forward(batch), Int32Array.from(idx, (i) => y[i]!), weights);
      loss.backward();
      if (clip > 0) clipGradNorm(opt.params, clip);
      opt.step();
      net.afterStep();
      step++;
      progress?.(step, totalSteps, 'batches');
      if (evalAt.has(bi + 1)) {
        validate();
        if (stop) stoppedBy = 'early-stopping';
      } else if (performance.now() - started > budgetMs) {
        validate();
        stop = true;
        stoppedBy = 'time-budget';
      }
    }
  }
  if (bestState !== null) net.loadStateDict(bestState);
  net.eval();
  let temperature = 1;
  if ((o.calibrate ?? true) && val.length > 0) temperature = fitTemperature(logitsOf(net, vocab, valTokens, maxLength, K), valY, K);
  lastReport = {
    epochsRun: step / batchesPerEpoch, stoppedBy, steps: step, bestValidationMacroRecall: best, temperature, vocabularySize: vocab.words.length, trainSize: train.length, validationSize: val.length,
  };
  return createNeuralSentimentModel({ kind, net, spec, vocab, labels: set, maxLength, temperature });
}
