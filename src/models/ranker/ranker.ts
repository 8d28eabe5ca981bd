/**
 * @module `createEngagementRanker`: the multi-task engagement ranker. An MMoE network (see `mmoe-net.ts`) over
 * id embeddings (user, item, author; unknown ids share hashed buckets) and causal dense features (see
 * `features.ts`) predicts P(like), P(share), P(comment), P(hide or report) with BCE heads, and the expected
 * ln(1 + dwell seconds) with a squared-error head. `score` blends them as Σ_t w_t·P_t, negative signals with
 * negative weights.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted, type Progress } from '../../core/progress.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { sigmoidScalar } from '../../nn/ops/activation.js';
import { bceWithLogits, mseLoss } from '../../nn/ops/loss.js';
import { Adam } from '../../nn/optim/adam.js';
import { loadSafetensors, saveSafetensors, type TensorMap } from '../../nn/safetensors.js';
import { noGrad, tensor, type Tensor } from '../../nn/tensor.js';
import { add, scale } from '../../nn/ops/arithmetic.js';
import { f32Tensor, parseParams } from '../shared/model-io.js';
import { BINARY_TASKS, DENSE_DIM, RANKER_TASKS, buildExposures, finalFeatureState, type Exposures, type FeatureState, type RankerTask, type RankerTextSignals } from './features.js';
import { fitPlatt } from '../../math/calibration.js';
import { rocAuc } from './metrics.js';
import { MmoeNet } from './mmoe-net.js';

export const RANKER_KIND = 'resonate/engagement-ranker';
/** 2: the four text features (DENSE_DIM 8 → 12). */
export const RANKER_VERSION = 2;

export const rankerConfigSchema = z.strictObject({
  /** MMoE experts (paper's synthetic study used 8; 4 suffices for five related heads). */
  experts: z.number().int().min(1).max(64).default(4),
  expertSizes: z.array(z.number().int().min(1)).min(1).default([64, 32]),
  towerSizes: z.array(z.number().int().min(1)).default([16]),
  /** One shared MLP instead of gated experts (the classic multi-task baseline). */
  sharedBottom: z.boolean().default(false),
  embeddingDim: z.number().int().min(1).max(512).default(16),
  /** Extra embedding rows that ids unseen at training time hash into. */
  hashBuckets: z.number().int().min(1).default(64),
  /** Share of training rows routed to their hash bucket, so buckets learn an "unknown id" average. */
  unknownRate: z.number().min(0).max(1).default(0.05),
  epochs: z.number().int().min(1).max(1000).default(6),
  batchSize: z.number().int().min(1).default(256),
  learningRate: z.number().positive().default(3e-3),
  weightDecay: z.number().min(0).default(1e-6),
  /** Weight of the dwell regression in the summed loss. */
  dwellLossWeight: z.number().min(0).default(0.1),
  /** Std of the embedding initialisation. */
  initStd: z.number().positive().default(0.05),
  /** Sampled all-zero exposures per engaged pair; default: 0 when views are logged, else 2. */
  negativeSamples: z.number().int().min(0).optional(),
  /** Latest share of the training exposures kept out of training to fit each binary head's Platt scaling (0: none). */
  calibrationFraction: z.number().min(0).max(0.5).default(0.1),
  /** Early stopping: epochs without a better P(like) AUC on the calibration slice before stopping (best weights kept). */
  patience: z.number().int().min(1).default(2),
  seed: z.number().int().default(42),
  /** Read the text features (sentiment, offensive, topic match, embedding similarity) when text signals are given; false is the ablation. */
  textFeatures: z.boolean().default(true),
});
export type RankerConfig = z.input<typeof rankerConfigSchema>;
export type ResolvedRankerConfig = z.output<typeof rankerConfigSchema>;

/** One (user, item) pair to rank, as indices of the context dataset; `time` defaults to the dataset's `now`. */
export interface RankExample {
  user: number;
  item: number;
  time?: number;
}

/** Per-example predictions: probabilities for the binary heads, expected ln(1 + dwell seconds) for `dwell`. */
export type RankerPredictions = Record<RankerTask, Float32Array>;

/** Blend weights of `score`; negative weights count against a post. */
export type RankerWeights = Record<RankerTask, number>;
export const DEFAULT_RANKER_WEIGHTS: RankerWeights = { like: 1, share: 2, comment: 1.5, hide: -4, dwell: 0.2 };

export interface RankerFitOptions {
  /** Latest share of exposures (by time) held out for the report; 0 trains on all. Default 0.2. */
  holdoutFraction?: number;
  progress?: Progress;
  signal?: AbortSignal;
}

export interface RankerFitReport {
  trainExamples: number;
  heldOutExamples: number;
  /** Epochs run (early stopping may end before `config.epochs`). */
  epochs: number;
  /** Epoch whose weights were kept (best P(like) AUC on the calibration slice). */
  bestEpoch: number;
  finalLoss: number;
  /** Held-out AUC per binary head (NaN when a class is missing). */
  auc: Record<(typeof BINARY_TASKS)[number], number>;
  /** Held-out AUC of P(like) ranked by item popularity alone (the baseline to beat). */
  popularityAuc: number;
  /** Held-out mean predicted probability and observed rate per binary head. */
  calibration: Record<(typeof BINARY_TASKS)[number], { predicted: number; observed: number }>;
  /** Held-out RMSE of ln(1 + dwell seconds). */
  dwellRmse: number;
}

export interface EngagementRanker {
  readonly config: ResolvedRankerConfig;
  /** Trains on `data`'s exposures (seeded); also makes `data` the context `predict` reads features from. */
  fit(data: Dataset, options?: RankerFitOptions): Promise<RankerFitReport>;
  /** Sets the dataset whose counters (follows, popularity, history) serve features; ids are matched by string. */
  setContext(data: Dataset): void;
  predict(examples: readonly RankExample[]): RankerPredictions;
  /** Σ_t w_t·P_t per example (dwell enters as its predicted ln(1 + seconds)). */
  score(examples: readonly RankExample[], weights?: Partial<RankerWeights>): Float32Array;
  /** The terms w_t·P_t of `score`, per head. */
  scoreParts(examples: readonly RankExample[], weights?: Partial<RankerWeights>): Record<RankerTask, Float32Array>;
  /** Writes weights and config as safetensors (metadata: kind, version, config, trained ids). */
  save(path: string): void;
  /** Reads a file written by `save` and sets `data` as the context. */
  load(path: string, data: Dataset): void;
}

/** FNV-1a 32-bit hash of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

interface Trained {
  net: MmoeNet;
  userIds: string[];
  itemIds: string[];
  mean: Float32Array;
  std: Float32Array;
  /** Platt (a, b) per binary head, [4 × 2]. */
  platt: Float32Array;
}

interface Context {
  data: Dataset;
  state: FeatureState;
  userRow: Int32Array;
  itemRow: Int32Array;
}

export interface RankerDeps {
  /** The text signals of a dataset's items (the text features are 0 without, or with `textFeatures: false`). */
  text?: (data: Dataset) => RankerTextSignals | undefined;
}

/** Creates an unfitted ranker. */
export function createEngagementRanker(config: RankerConfig = {}, deps: RankerDeps = {}): EngagementRanker {
  const cfg = parseParams('engagement-ranker', rankerConfigSchema, config);
  const textOf = (data: Dataset): RankerTextSignals | undefined => (cfg.textFeatures ? deps.text?.(data) : undefined);
  let trained: Trained | undefined;
  let ctx: Context | undefined;

  const makeNet = (nUsers: number, nItems: number, rng: Rng): MmoeNet =>
    new MmoeNet({
      userRows: nUsers + cfg.hashBuckets,
      itemRows: nItems + cfg.hashBuckets,
      embeddingDim: cfg.embeddingDim,
      denseDim: DENSE_DIM,
      experts: cfg.experts,
      expertSizes: cfg.expertSizes,
      towerSizes: cfg.towerSizes,
      tasks: RANKER_TASKS.length,
      sharedBottom: cfg.sharedBottom,
      initStd: cfg.initStd,
      rng,
    });

  const rowMap = (ids: readonly string[], known: readonly string[]): Int32Array => {
    const pos = new Map(known.map((id, k) => [id, k] as const));
    return Int32Array.from(ids, (id) => pos.get(id) ?? known.length + (fnv1a(id) % cfg.hashBuckets));
  };

  const setContext = (data: Dataset): void => {
    if (!trained) throw createError('MODEL_NOT_FITTED', { model: 'engagement-ranker' });
    ctx = { data, state: finalFeatureState(data, textOf(data)), userRow: rowMap(data.users.ids(), trained.userIds), itemRow: rowMap(data.items.ids(), trained.itemIds) };
  };

  /** Runs the net on rows of ids and raw dense features; returns logits per task. */
  const forward = (t: Trained, userRows: Int32Array, itemRows: Int32Array, authorRows: Int32Array, rawDense: Float32Array): Tensor[] => {
    const n = userRows.length;
    const dense = new Float32Array(n * DENSE_DIM);
    for (let r = 0; r < n; r++) for (let f = 0; f < DENSE_DIM; f++) dense[r * DENSE_DIM + f] = (rawDense[r * DENSE_DIM + f]! - t.mean[f]!) / t.std[f]!;
    return t.net.forward({ userRows, itemRows, authorRows, dense: tensor(dense, [n, DENSE_DIM]) });
  };

  const outputs = (t: Trained, logits: Tensor[]): RankerPredictions => {
    const out = {} as RankerPredictions;
    RANKER_TASKS.forEach((task, k) => {
      const l = logits[k]!.data;
      const a = t.platt[2 * k]!, b = t.platt[2 * k + 1]!;
      out[task] = task === 'dwell' ? Float32Array.from(l, (v) => Math.max(0, v)) : Float32Array.from(l, (v) => sigmoidScalar(a * v + b));
    });
    return out;
  };

  /** Predictions on exposure rows (training-time ids and causal features). */
  const predictRows = (t: Trained, ex: Exposures, rows: Int32Array, userRowOf: (u: number) => number, itemRowOf: (i: number) => number, authorRowOf: (i: number) => number): RankerPredictions =>
    noGrad(() => {
      t.net.eval();
      const parts: RankerPredictions[] = [];
      for (let s = 0; s < rows.length; s += 4096) {
        const r = rows.subarray(s, Math.min(rows.length, s + 4096));
        const dense = new Float32Array(r.length * DENSE_DIM);
        r.forEach((row, k) => dense.set(ex.dense.subarray(row * DENSE_DIM, (row + 1) * DENSE_DIM), k * DENSE_DIM));
        parts.push(outputs(t, forward(t, Int32Array.from(r, (row) => userRowOf(ex.user[row]!)), Int32Array.from(r, (row) => itemRowOf(ex.item[row]!)), Int32Array.from(r, (row) => authorRowOf(ex.item[row]!)), dense)));
      }
      const out = {} as RankerPredictions;
      for (const task of RANKER_TASKS) {
        out[task] = new Float32Array(rows.length);
        let o = 0;
        for (const p of parts) { out[task].set(p[task], o); o += p[task].length; }
      }
      return out;
    });

  const ranker: EngagementRanker = {
    config: cfg,

    async fit(data, options = {}) {
      const rng = createRng(cfg.seed);
      const ex = buildExposures(data, { negativeSamples: cfg.negativeSamples, text: textOf(data), rng: rng.fork() });
      const holdout = options.holdoutFraction ?? 0.2;
      const order = Int32Array.from({ length: ex.n }, (_, k) => k).sort((a, b) => ex.time[a]! - ex.time[b]! || a - b);
      const nTrain = Math.max(1, Math.round(ex.n * (1 - holdout)));
      const nCal = Math.round(nTrain * cfg.calibrationFraction);
      const trainRows = order.slice(0, nTrain - nCal);
      const calRows = order.slice(nTrain - nCal, nTrain);
      const testRows = order.slice(nTrain);
      const mean = new Float32Array(DENSE_DIM), std = new Float32Array(DENSE_DIM);
      for (const r of trainRows) for (let f = 0; f < DENSE_DIM; f++) mean[f] += ex.dense[r * DENSE_DIM + f]! / trainRows.length;
      for (const r of trainRows) for (let f = 0; f < DENSE_DIM; f++) std[f] += (ex.dense[r * DENSE_DIM + f]! - mean[f]!) ** 2 / trainRows.length;
      for (let f = 0; f < DENSE_DIM; f++) std[f] = Math.sqrt(std[f]!) || 1;
      const nUsers = data.users.size, nItems = data.items.size;
      const t: Trained = { net: makeNet(nUsers, nItems, rng.fork()), userIds: data.users.ids().slice(), itemIds: data.items.ids().slice(), mean, std, platt: Float32Array.from({ length: 8 }, (_, k) => (k % 2 === 0 ? 1 : 0)) };
      const uHash = Int32Array.from(t.userIds, (id) => nUsers + (fnv1a(id) % cfg.hashBuckets));
      const iHash = Int32Array.from(t.itemIds, (id) => nItems + (fnv1a(id) % cfg.hashBuckets));
      const opt = new Adam(t.net.parameters(), { lr: cfg.learningRate, weightDecay: cfg.weightDecay });
      const batchRng = rng.fork();
      const shuffled = Array.from(trainRows);
      let finalLoss = NaN;
      const authorOf = (i: number): number => { const a = data.itemAuthors[i]!; return a >= 0 ? a : nUsers; };
      const calLike = Float32Array.from(calRows, (r) => ex.labels[r * 4]!);
      let best = -Infinity, bestEpoch = 0, bestState: TensorMap | undefined, epochsRun = 0;
      for (let epoch = 0; epoch < cfg.epochs; epoch++) {
        throwIfAborted(options.signal, 'engagement-ranker');
        t.net.train();
        batchRng.shuffle(shuffled);
        let total = 0, batches = 0;
        for (let s = 0; s < shuffled.length; s += cfg.batchSize) {
          const rows = shuffled.slice(s, s + cfg.batchSize);
          const n = rows.length;
          const route = (known: number, hashed: number): number => (batchRng.next() < cfg.unknownRate ? hashed : known);
          const userRows = Int32Array.from(rows, (r) => route(ex.user[r]!, uHash[ex.user[r]!]!));
          const itemRows = Int32Array.from(rows, (r) => route(ex.item[r]!, iHash[ex.item[r]!]!));
          const authorRows = Int32Array.from(rows, (r) => { const a = data.itemAuthors[ex.item[r]!]!; return a >= 0 ? route(a, uHash[a]!) : nUsers; });
          const dense = new Float32Array(n * DENSE_DIM);
          rows.forEach((r, k) => dense.set(ex.dense.subarray(r * DENSE_DIM, (r + 1) * DENSE_DIM), k * DENSE_DIM));
          const logits = forward(t, userRows, itemRows, authorRows, dense);
          let loss: Tensor | undefined;
          BINARY_TASKS.forEach((_, k) => {
            const l = bceWithLogits(logits[k]!, Float32Array.from(rows, (r) => ex.labels[r * 4 + k]!));
            loss = loss ? add(loss, l) : l;
          });
          loss = add(loss!, scale(mseLoss(logits[4]!, Float32Array.from(rows, (r) => ex.dwell[r]!)), cfg.dwellLossWeight));
          opt.zeroGrad();
          loss.backward();
          opt.step();
          total += loss.item();
          batches++;
          if (batches % 16 === 0) await new Promise((r) => setImmediate(r));
        }
        finalLoss = total / Math.max(1, batches);
        epochsRun = epoch + 1;
        options.progress?.(epoch + 1, cfg.epochs, `epoch loss ${finalLoss.toFixed(4)}`);
        if (calRows.length > 0) {
          const v = rocAuc(predictRows(t, ex, calRows, (u) => u, (i) => i, authorOf).like, calLike);
          if (v > best) { best = v; bestEpoch = epoch; bestState = t.net.stateDict(); }
          else if (epoch - bestEpoch >= cfg.patience) break;
        }
      }
      if (bestState) t.net.loadStateDict(bestState);
      if (calRows.length > 0) {
        // Identity Platt gives σ(z); invert to logits, then fit (a, b) per head on the calibration slice.
        const raw = predictRows(t, ex, calRows, (u) => u, (i) => i, authorOf);
        BINARY_TASKS.forEach((task, k) => {
          const z = Float64Array.from(raw[task], (p) => Math.log(Math.max(p, 1e-7) / Math.max(1 - p, 1e-7)));
          const fit = fitPlatt(z, Float32Array.from(calRows, (r) => ex.labels[r * 4 + k]!));
          t.platt[2 * k] = fit.a;
          t.platt[2 * k + 1] = fit.b;
        });
      }
      trained = t;
      setContext(data);
      const pred = predictRows(t, ex, testRows, (u) => u, (i) => i, authorOf);
      const auc = {} as RankerFitReport['auc'];
      const calibration = {} as RankerFitReport['calibration'];
      BINARY_TASKS.forEach((task, k) => {
        const y = Float32Array.from(testRows, (r) => ex.labels[r * 4 + k]!);
        auc[task] = rocAuc(pred[task], y);
        calibration[task] = { predicted: meanOf(pred[task]), observed: meanOf(y) };
      });
      const likeY = Float32Array.from(testRows, (r) => ex.labels[r * 4]!);
      const popularityAuc = rocAuc(Float32Array.from(testRows, (r) => ex.dense[r * DENSE_DIM + 3]!), likeY);
      let se = 0;
      testRows.forEach((r, k) => { se += (pred.dwell[k]! - ex.dwell[r]!) ** 2; });
      return { trainExamples: trainRows.length, heldOutExamples: testRows.length, epochs: epochsRun, bestEpoch: bestState ? bestEpoch + 1 : epochsRun, finalLoss, auc, popularityAuc, calibration, dwellRmse: Math.sqrt(se / Math.max(1, testRows.length)) };
    },

    setContext,

    predict(examples) {
      if (!trained || !ctx) throw createError('MODEL_NOT_FITTED', { model: 'engagement-ranker' });
      const t = trained, c = ctx;
      const n = examples.length;
      const nU = c.data.users.size, nI = c.data.items.size;
      const dense = new Float32Array(n * DENSE_DIM);
      const userRows = new Int32Array(n), itemRows = new Int32Array(n), authorRows = new Int32Array(n);
      examples.forEach((e, k) => {
        if (!(e.user >= 0 && e.user < nU) || !(e.item >= 0 && e.item < nI)) {
          throw createError('INVALID_INPUT', { field: `examples[${k}]`, problem: `user ${e.user} / item ${e.item} outside the context dataset (${nU} users, ${nI} items)` });
        }
        c.state.write(e.user, e.item, e.time ?? c.data.now, dense, k * DENSE_DIM);
        userRows[k] = c.userRow[e.user]!;
        itemRows[k] = c.itemRow[e.item]!;
        const a = c.data.itemAuthors[e.item]!;
        authorRows[k] = a >= 0 ? c.userRow[a]! : t.userIds.length;
      });
      return noGrad(() => {
        t.net.eval();
        return outputs(t, forward(t, userRows, itemRows, authorRows, dense));
      });
    },

    score(examples, weights = {}) {
      const parts = ranker.scoreParts(examples, weights);
      return Float32Array.from({ length: examples.length }, (_, k) => RANKER_TASKS.reduce((s, task) => s + parts[task][k]!, 0));
    },

    scoreParts(examples, weights = {}) {
      const w = { ...DEFAULT_RANKER_WEIGHTS, ...weights };
      const p = ranker.predict(examples);
      return Object.fromEntries(RANKER_TASKS.map((task) => [task, p[task].map((x) => w[task] * x)])) as Record<RankerTask, Float32Array>;
    },

    save(path) {
      if (!trained) throw createError('MODEL_NOT_FITTED', { model: 'engagement-ranker' });
      const tensors: TensorMap = {
        ...trained.net.stateDict(),
        'norm.mean': { data: trained.mean, shape: [DENSE_DIM] },
        'norm.std': { data: trained.std, shape: [DENSE_DIM] },
        'calibration.platt': { data: trained.platt, shape: [4, 2] },
      };
      saveSafetensors(path, tensors, {
        kind: RANKER_KIND,
        version: String(RANKER_VERSION),
        config: JSON.stringify(cfg),
        userIds: JSON.stringify(trained.userIds),
        itemIds: JSON.stringify(trained.itemIds),
      });
    },

    load(path, data) {
      const { tensors, metadata } = loadSafetensors(path);
      if (metadata.kind !== RANKER_KIND) throw createError('ARTIFACT_INVALID', { path, problem: `kind is ${String(metadata.kind)}, expected ${RANKER_KIND}` });
      if (metadata.version !== String(RANKER_VERSION)) throw createError('ARTIFACT_INVALID', { path, problem: `unsupported version ${String(metadata.version)}` });
      if (metadata.config !== JSON.stringify(cfg)) throw createError('ARTIFACT_INVALID', { path, problem: 'saved with another configuration; create the ranker with the saved config' });
      const userIds = JSON.parse(metadata.userIds ?? '[]') as string[];
      const itemIds = JSON.parse(metadata.itemIds ?? '[]') as string[];
      const net = makeNet(userIds.length, itemIds.length, createRng(cfg.seed));
      net.loadStateDict(Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith('norm.') && !k.startsWith('calibration.'))));
      trained = { net, userIds, itemIds, mean: f32Tensor(tensors, 'norm.mean', DENSE_DIM, path).slice(), std: f32Tensor(tensors, 'norm.std', DENSE_DIM, path).slice(), platt: f32Tensor(tensors, 'calibration.platt', 8, path).slice() };
      setContext(data);
    },
  };
  return ranker;
}

function meanOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]!;
  return a.length ? s / a.length : NaN;
}
