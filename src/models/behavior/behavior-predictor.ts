/**
 * @module `createBehaviorPredictor`: next action type and churn risk from a user's event sequence.
 *
 * Model: two small MLPs over the history features of `sequence-features.ts` (a softmax head over the event
 * types seen, and a logistic churn head), not a GRU. Why: churn is driven by aggregate recency/frequency
 * (the RFM signals), which hand features give an MLP directly, and the next type depends mostly on the last few
 * types (session structure), which the one-hot features of the last three events cover; a GRU over long
 * sequences would cost far more CPU for little gain here. Probabilities are calibrated on held-out users:
 * temperature scaling for the softmax (Guo et al. 2017), Platt scaling for churn (Platt 1999).
 *
 * Labels come from cutting each user's history at cutoff times: next action = the type of the event right after
 * a cut placed after a sampled event; churn = no event in the `churnDays` after a cutoff c (cutoffs every
 * `cutoffStepDays`, going back from now − churnDays, so every label window is fully observed).
 */
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../../core/config.js';
import { createError } from '../../core/errors.js';
import { throwIfAborted, type Progress } from '../../core/progress.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { Mlp } from '../../nn/layers/mlp.js';
import { bceWithLogits, crossEntropy } from '../../nn/ops/loss.js';
import { reshape } from '../../nn/ops/shape.js';
import { Adam } from '../../nn/optim/adam.js';
import { noGrad, tensor } from '../../nn/tensor.js';
import { applyPlatt, fitPlatt, fitTemperature, type Platt } from '../../math/calibration.js';
import { parseParams } from '../shared/model-io.js';
import { expectedCalibrationError, rocAuc } from '../ranker/metrics.js';
import { sequenceFeatureDim, writeSequenceFeatures, type UserSequence } from './sequence-features.js';

const DAY_MS = 86_400_000;

export const behaviorConfigSchema = z.strictObject({
  /** Churn horizon: no event within this many days after the cutoff. */
  churnDays: z.number().positive().default(7),
  /** Days between successive churn cutoffs. */
  cutoffStepDays: z.number().positive().default(3),
  /** At most this many churn cutoffs (most recent first). */
  maxCutoffs: z.number().int().min(1).default(6),
  /** Recent events the share and gap features look at. */
  window: z.number().int().min(1).default(20),
  /** Next-action examples sampled per user (positions in the history). */
  positionsPerUser: z.number().int().min(1).default(40),
  hidden: z.array(z.number().int().min(1)).default([64, 32]),
  epochs: z.number().int().min(1).max(1000).default(8),
  batchSize: z.number().int().min(1).default(256),
  learningRate: z.number().positive().default(3e-3),
  /** Shares of users held out to calibrate, and to report metrics on. */
  calibrationFraction: z.number().min(0.05).max(0.4).default(0.15),
  testFraction: z.number().min(0).max(0.4).default(0.15),
  seed: z.number().int().default(42),
});
export type BehaviorConfig = z.input<typeof behaviorConfigSchema>;
export type ResolvedBehaviorConfig = z.output<typeof behaviorConfigSchema>;

export interface BehaviorFitOptions {
  progress?: Progress;
  signal?: AbortSignal;
}

/** Metrics on the held-out test users (calibration used other users). */
export interface BehaviorFitReport {
  classes: EventType[];
  nextActionExamples: number;
  churnExamples: number;
  nextActionAccuracy: number;
  /** Accuracy of always predicting the training majority type. */
  majorityAccuracy: number;
  /** ECE of the top-class confidence. */
  nextActionEce: number;
  churnAuc: number;
  churnEce: number;
  churnRate: number;
  temperature: number;
}

export interface BehaviorPrediction {
  /** Calibrated probability of each event type being the user's next action. */
  nextAction: Partial<Record<EventType, number>>;
  /** Calibrated probability of no event within `churnDays` from the dataset's `now`. */
  churnRisk: number;
}

export interface BehaviorPredictor {
  readonly config: ResolvedBehaviorConfig;
  fit(data: Dataset, options?: BehaviorFitOptions): Promise<BehaviorFitReport>;
  /** Prediction for user `userIndex` of the fitted dataset, from their whole history as of `data.now`. */
  predictUser(userIndex: number): BehaviorPrediction;
}

interface Examples {
  x: Float32Array;
  y: Float32Array;
  user: Int32Array;
}

/** Per-user sequences of class indices (over the types present in the log) and times. */
function userSequences(data: Dataset, classOf: Int32Array): UserSequence[] {
  const { log } = data;
  const count = new Int32Array(data.users.size);
  for (let k = 0; k < log.user.length; k++) count[log.user[k]!]!++;
  const seqs: UserSequence[] = Array.from(count, (n) => ({ cls: new Int32Array(n), time: new Float64Array(n) }));
  const fill = new Int32Array(data.users.size);
  for (let k = 0; k < log.user.length; k++) {
    const u = log.user[k]!, p = fill[u]!++;
    seqs[u]!.cls[p] = classOf[log.type[k]!]!;
    seqs[u]!.time[p] = log.time[k]!;
  }
  return seqs;
}

/** Index of the first event with time > t (binary search). */
function countUpTo(time: Float64Array, t: number): number {
  let lo = 0, hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Creates an unfitted behaviour predictor. */
export function createBehaviorPredictor(config: BehaviorConfig = {}): BehaviorPredictor {
  const cfg = parseParams('behavior-predictor', behaviorConfigSchema, config);
  let state: { data: Dataset; seqs: UserSequence[]; classes: number[]; nextNet: Mlp; churnNet: Mlp; norm: [{ mean: Float32Array; std: Float32Array }, { mean: Float32Array; std: Float32Array }]; temperature: number; platt: Platt } | undefined;

  const standardise = (x: Float32Array, mean: Float32Array, std: Float32Array): Float32Array => {
    const d = mean.length;
    return Float32Array.from(x, (v, k) => (v - mean[k % d]!) / std[k % d]!);
  };

  const train = async (net: Mlp, ex: Examples, rows: Int32Array, dim: number, loss: 'ce' | 'bce', rng: Rng, mean: Float32Array, std: Float32Array, options: BehaviorFitOptions, step: number, steps: number): Promise<void> => {
    const opt = new Adam(net.parameters(), { lr: cfg.learningRate });
    const order = Array.from(rows);
    for (let epoch = 0; epoch < cfg.epochs; epoch++) {
      throwIfAborted(options.signal, 'behavior-predictor');
      net.train();
      rng.shuffle(order);
      let total = 0, batches = 0;
      for (let s = 0; s < order.length; s += cfg.batchSize) {
        const b = order.slice(s, s + cfg.batchSize);
        const xb = new Float32Array(b.length * dim);
        b.forEach((r, k) => xb.set(ex.x.subarray(r * dim, (r + 1) * dim), k * dim));
        const out = net.forward(tensor(standardise(xb, mean, std), [b.length, dim]));
        const l = loss === 'ce' ? crossEntropy(out, Int32Array.from(b, (r) => ex.y[r]!)) : bceWithLogits(reshape(out, [b.length]), Float32Array.from(b, (r) => ex.y[r]!));
        opt.zeroGrad();
        l.backward();
        opt.step();
        total += l.item();
        batches++;
      }
      await new Promise((r) => setImmediate(r));
      options.progress?.(step + epoch + 1, steps, `${loss === 'ce' ? 'next action' : 'churn'} loss ${(total / Math.max(1, batches)).toFixed(4)}`);
    }
  };

  const logitsOf = (net: Mlp, x: Float32Array, dim: number, mean: Float32Array, std: Float32Array): Float32Array =>
    noGrad(() => {
      net.eval();
      const n = x.length / dim;
      return n === 0 ? new Float32Array(0) : net.forward(tensor(standardise(x, mean, std), [n, dim])).data.slice();
    });

  return {
    config: cfg,

    async fit(data, options = {}) {
      const rng = createRng(cfg.seed);
      const present = new Set<number>(data.log.type);
      const classes = [...present].sort((a, b) => a - b);
      if (classes.length < 2) {
        const only = classes.length === 1 ? `every event is a "${EVENT_TYPES[classes[0]!]}"` : 'there are no events';
        throw createError('DATASET_EMPTY', { what: `second event type (it predicts which kind of event a user makes next, and ${only})` });
      }
      const K = classes.length;
      const classOf = new Int32Array(EVENT_TYPES.length).fill(-1);
      classes.forEach((t, c) => { classOf[t] = c; });
      const seqs = userSequences(data, classOf);
      const dim = sequenceFeatureDim(K);
      // Users split into train / calibration / test by a seeded shuffle.
      const split = new Uint8Array(data.users.size);
      const perm = rng.shuffle(Array.from({ length: data.users.size }, (_, u) => u));
      const nTest = Math.round(perm.length * cfg.testFraction), nCal = Math.round(perm.length * cfg.calibrationFraction);
      perm.forEach((u, k) => { split[u] = k < nTest ? 2 : k < nTest + nCal ? 1 : 0; });
      // Next-action examples: cut after a sampled event k, label = class of event k + 1.
      const next = { x: [] as number[], y: [] as number[], user: [] as number[] };
      const churn = { x: [] as number[], y: [] as number[], user: [] as number[] };
      const buf = new Float32Array(dim);
      const exRng = rng.fork();
      for (let u = 0; u < seqs.length; u++) {
        const s = seqs[u]!;
        const n = s.cls.length;
        if (n < 2) continue;
        const picks = n - 1 <= cfg.positionsPerUser ? Array.from({ length: n - 1 }, (_, k) => k) : Array.from({ length: cfg.positionsPerUser }, () => exRng.int(n - 1));
        for (const k of picks) {
          writeSequenceFeatures(s, k + 1, s.time[k]!, K, cfg.window, buf, 0);
          next.x.push(...buf);
          next.y.push(s.cls[k + 1]!);
          next.user.push(u);
        }
      }
      const horizon = cfg.churnDays * DAY_MS;
      let first = Infinity;
      for (const t of data.log.time) { first = t; break; }
      for (let j = 0; j < cfg.maxCutoffs; j++) {
        const c = data.now - horizon - j * cfg.cutoffStepDays * DAY_MS;
        if (c <= first) break;
        for (let u = 0; u < seqs.length; u++) {
          const s = seqs[u]!;
          const end = countUpTo(s.time, c);
          if (end === 0) continue; // not yet active: not a churn candidate
          writeSequenceFeatures(s, end, c, K, cfg.window, buf, 0);
          churn.x.push(...buf);
          churn.y.push(end < s.time.length && s.time[end]! <= c + horizon ? 0 : 1);
          churn.user.push(u);
        }
      }
      const pack = (e: typeof next): Examples => ({ x: Float32Array.from(e.x), y: Float32Array.from(e.y), user: Int32Array.from(e.user) });
      const nx = pack(next), cx = pack(churn);
      const rowsOf = (e: Examples, part: number): Int32Array => Int32Array.from(Array.from(e.user.keys()).filter((r) => split[e.user[r]!] === part));
      // Each net standardises with the moments of its own training examples.
      const moments = (e: Examples): { mean: Float32Array; std: Float32Array } => {
        const mean = new Float32Array(dim), std = new Float32Array(dim);
        const all = [...rowsOf(e, 0)].map((r) => e.x.subarray(r * dim, (r + 1) * dim));
        for (const v of all) for (let f = 0; f < dim; f++) mean[f] += v[f]! / all.length;
        for (const v of all) for (let f = 0; f < dim; f++) std[f] += (v[f]! - mean[f]!) ** 2 / all.length;
        for (let f = 0; f < dim; f++) std[f] = Math.sqrt(std[f]!) || 1;
        return { mean, std };
      };
      const mn = moments(nx), mc = moments(cx);
      const nextNet = new Mlp({ sizes: [dim, ...cfg.hidden, K], rng: rng.fork() });
      const churnNet = new Mlp({ sizes: [dim, ...cfg.hidden, 1], rng: rng.fork() });
      const steps = 2 * cfg.epochs;
      await train(nextNet, nx, rowsOf(nx, 0), dim, 'ce', rng.fork(), mn.mean, mn.std, options, 0, steps);
      await train(churnNet, cx, rowsOf(cx, 0), dim, 'bce', rng.fork(), mc.mean, mc.std, options, cfg.epochs, steps);
      // Calibration on the calibration users.
      const pick = (e: Examples, rows: Int32Array): Float32Array => {
        const out = new Float32Array(rows.length * dim);
        rows.forEach((r, k) => out.set(e.x.subarray(r * dim, (r + 1) * dim), k * dim));
        return out;
      };
      const calN = rowsOf(nx, 1), calC = rowsOf(cx, 1);
      const temperature = fitTemperature(logitsOf(nextNet, pick(nx, calN), dim, mn.mean, mn.std), Int32Array.from(calN, (r) => nx.y[r]!), K);
      const platt = fitPlatt(logitsOf(churnNet, pick(cx, calC), dim, mc.mean, mc.std), Float32Array.from(calC, (r) => cx.y[r]!));
      state = { data, seqs, classes, nextNet, churnNet, norm: [mn, mc], temperature, platt };
      // Report on the test users.
      const testN = rowsOf(nx, 2), testC = rowsOf(cx, 2);
      const trainY = rowsOf(nx, 0).reduce((cnt, r) => { cnt[nx.y[r]!]!++; return cnt; }, new Array<number>(K).fill(0));
      const majority = trainY.indexOf(Math.max(...trainY));
      const ln = logitsOf(nextNet, pick(nx, testN), dim, mn.mean, mn.std);
      let hits = 0, majorityHits = 0;
      const conf = new Float32Array(testN.length), correct = new Float32Array(testN.length);
      testN.forEach((r, k) => {
        const p = softmaxRow(ln, k * K, K, temperature);
        let best = 0;
        for (let c = 1; c < K; c++) if (p[c]! > p[best]!) best = c;
        conf[k] = p[best]!;
        correct[k] = best === nx.y[r] ? 1 : 0;
        hits += correct[k]!;
        if (majority === nx.y[r]) majorityHits++;
      });
      const lc = logitsOf(churnNet, pick(cx, testC), dim, mc.mean, mc.std);
      const pc = Float32Array.from(lc, (z) => applyPlatt(platt, z));
      const yc = Float32Array.from(testC, (r) => cx.y[r]!);
      return {
        classes: classes.map((t) => EVENT_TYPES[t]!),
        nextActionExamples: nx.y.length,
        churnExamples: cx.y.length,
        nextActionAccuracy: hits / Math.max(1, testN.length),
        majorityAccuracy: majorityHits / Math.max(1, testN.length),
        nextActionEce: expectedCalibrationError(conf, correct),
        churnAuc: rocAuc(pc, yc),
        churnEce: expectedCalibrationError(pc, yc),
        churnRate: yc.reduce((a, b) => a + b, 0) / Math.max(1, yc.length),
        temperature,
      };
    },

    predictUser(userIndex) {
      if (!state) throw createError('MODEL_NOT_FITTED', { model: 'behavior-predictor' });
      const s = state;
      if (!(Number.isInteger(userIndex) && userIndex >= 0 && userIndex < s.seqs.length)) {
        throw createError('INVALID_INPUT', { field: 'userIndex', problem: `${userIndex} is not a user of the fitted dataset (0…${s.seqs.length - 1})` });
      }
      const K = s.classes.length, dim = sequenceFeatureDim(K);
      const seq = s.seqs[userIndex]!;
      const n = seq.cls.length;
      const x = new Float32Array(2 * dim);
      // Next action: the cut right after the last event (as in training); churn: the cut at `now`.
      writeSequenceFeatures(seq, n, n > 0 ? seq.time[n - 1]! : s.data.now, K, cfg.window, x, 0);
      writeSequenceFeatures(seq, n, s.data.now, K, cfg.window, x, dim);
      const ln = logitsOf(s.nextNet, x.subarray(0, dim), dim, s.norm[0].mean, s.norm[0].std);
      const lc = logitsOf(s.churnNet, x.subarray(dim), dim, s.norm[1].mean, s.norm[1].std);
      const p = softmaxRow(ln, 0, K, s.temperature);
      const nextAction: Partial<Record<EventType, number>> = {};
      s.classes.forEach((t, c) => { nextAction[EVENT_TYPES[t]!] = p[c]!; });
      return { nextAction, churnRisk: applyPlatt(s.platt, lc[0]!) };
    },
  };
}

/** softmax(z / T) of one row. */
function softmaxRow(z: Float32Array, offset: number, k: number, temperature: number): Float64Array {
  let m = -Infinity;
  for (let c = 0; c < k; c++) m = Math.max(m, z[offset + c]! / temperature);
  const p = new Float64Array(k);
  let s = 0;
  for (let c = 0; c < k; c++) s += p[c] = Math.exp(z[offset + c]! / temperature - m);
  for (let c = 0; c < k; c++) p[c]! /= s;
  return p;
}
