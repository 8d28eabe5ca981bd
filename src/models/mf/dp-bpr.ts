/**
 * @module DP-BPR: BPR matrix factorisation trained with DP-SGD (src/privacy/dp-sgd.ts) at the user level.
 *
 * Privacy unit: one user and all of their interactions. Each step Poisson-samples users (rate q); a sampled
 * user's example is the gradient of their BPR loss summed over one triple (u, i, j) per positive i (j drawn
 * uniformly from the whole catalogue, redrawn when u has it) with respect to the shared parameters — item factors and item
 * biases — computed in closed form, clipped to L2 norm `clip`; Gaussian noise σ·clip goes on every coordinate of
 * the sum, which is divided by the expected batch qN and applied by the nn engine's Adam. σ is given
 * (`noiseMultiplier`) or found by bisection with the RDP accountant for the target `epsilon` over
 * ⌈epochs / q⌉ steps.
 *
 * What is private: the item factors and biases (and so `similarItems`) are (ε, δ)-DP with respect to adding or
 * removing one user's whole history. User factors are not shared: user u's factor is updated (plain SGD, no noise)
 * only from u's own triples and the private item factors, so each user's recommendations depend on the other
 * users only through the private item side — joint differential privacy (Kearns et al. 2014), the usual guarantee
 * of private matrix factorisation (Jain, Thakurta & Thakkar 2018; Chien et al. 2021). The saved artifact holds every
 * user's factor and history, so it is not itself private: publish only the item side.
 * Without `epsilon` and `noiseMultiplier` the same training runs without noise (not private; ε = ∞).
 * The noise and the Poisson batches come from node:crypto unless `secureRandomness` is false (then from the seed:
 * repeatable runs, no privacy against whoever knows the seed). Initialisation and negatives use the seed either way.
 */
import { BiasedFactorRecommender } from './factor-scores.js';
import { z } from 'zod';
import { defineModel } from '../shared/define-model.js';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { Adam } from '../../nn/optim/adam.js';
import { Sgd } from '../../nn/optim/sgd.js';
import { Tensor } from '../../nn/tensor.js';
import { noiseMultiplierFor } from '../../privacy/calibrate.js';
import { DpSgd } from '../../privacy/dp-sgd.js';
import { cryptoGaussian, seededGaussian } from '../../privacy/gaussian-noise.js';
import { cryptoRng } from '../../privacy/random-source.js';
import { stepsForEpochs } from '../../privacy/steps.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { csrFromTensors, csrTensors, f32Tensor, parseParams, stateInt } from '../shared/model-io.js';

export const DP_BPR_ID = 'mf/dp-bpr';

export const dpBprParamsSchema = z
  .object({
    /** Target ε of user-level DP; with `noiseMultiplier` absent, σ is calibrated to it. Absent: see module doc. */
    epsilon: z.number().positive().optional(),
    /** δ of the (ε, δ) guarantee; keep it well below 1 / number of users. */
    delta: z.number().positive().lt(1).default(1e-5),
    /** L2 clipping norm of one user's gradient over item factors and biases. */
    clip: z.number().positive().default(1),
    /** σ; overrides the calibration from `epsilon`. 0 trains without noise. */
    noiseMultiplier: z.number().min(0).optional(),
    /** Poisson sampling rate q of users per step (expected batch q × users). */
    sampleRate: z.number().positive().max(1).default(0.2),
    /** Passes: ⌈epochs / q⌉ steps, each user sampled `epochs` times in expectation. */
    epochs: z.number().int().min(1).max(10_000).default(40),
    factors: z.number().int().min(1).max(1024).default(32),
    /** Optimizer of the item side (the nn engine's). */
    optimizer: z.enum(['adam', 'sgd']).default('adam'),
    /** Learning rate of the item side. */
    learningRate: z.number().positive().default(0.02),
    /** SGD learning rate of a user's own factor, per visit. */
    userLearningRate: z.number().positive().default(3),
    /** L2 on user factors (in their SGD step) and on item factors and biases (Adam's weight decay). */
    regularization: z.number().min(0).default(0.0001),
    /** Noise and batch sampling from node:crypto (true), or from the seed (false: repeatable, not private against whoever knows the seed). */
    secureRandomness: z.boolean().default(true),
  })
  .strict();

export type DpBprParams = z.output<typeof dpBprParamsSchema>;

/** What training spent: σ used, steps, and the ε the accountant reports for them (Infinity without noise). */
export interface DpBprPrivacy {
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epsilon: number;
  readonly delta: number;
}

/**
 * One user's closed-form BPR gradient over their S triples: for x = p·(q_i − q_j) + b_i − b_j and z = σ(−x),
 * the item side of the *summed* loss, ∂/∂q_i = −z·p, ∂/∂q_j = +z·p, ∂/∂b_i = −z, ∂/∂b_j = +z (summed, so that a
 * clipping norm of about 1 binds for nearly every user and each contributes a full-norm gradient), and the user
 * side of the *mean* loss, ∂/∂p = −z(q_i − q_j)/S (a step size that does not grow with the history). Item rows
 * are summed into `gq`/`gb` (dense scratch) with the touched ids listed once each; the user's gradient into `gp`.
 * Returns the number of distinct touched items.
 */
export function userBprGradient(
  p: Float32Array, q: Float32Array, b: Float32Array, f: number, u: number, pos: ArrayLike<number>, neg: ArrayLike<number>,
  gq: Float32Array, gb: Float32Array, gp: Float32Array, touched: Int32Array, mark: Uint8Array,
): number {
  const S = pos.length, uo = u * f;
  let nTouched = 0;
  gp.fill(0);
  const touch = (i: number): void => {
    if (mark[i] === 0) { mark[i] = 1; touched[nTouched++] = i; }
  };
  for (let t = 0; t < S; t++) {
    const i = pos[t]!, j = neg[t]!, io = i * f, jo = j * f;
    let x = b[i]! - b[j]!;
    for (let a = 0; a < f; a++) x += p[uo + a]! * (q[io + a]! - q[jo + a]!);
    const z = 1 / (1 + Math.exp(x)), zs = z / S;
    touch(i);
    touch(j);
    gb[i] = gb[i]! - z;
    gb[j] = gb[j]! + z;
    for (let a = 0; a < f; a++) {
      const pa = p[uo + a]!;
      gq[io + a] = gq[io + a]! - z * pa;
      gq[jo + a] = gq[jo + a]! + z * pa;
      gp[a] = gp[a]! - zs * (q[io + a]! - q[jo + a]!);
    }
  }
  return nTouched;
}

export class DpBprRecommender extends BiasedFactorRecommender {
  readonly id = DP_BPR_ID;
  readonly params: Readonly<DpBprParams>;
  private spent: DpBprPrivacy | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(DP_BPR_ID, dpBprParamsSchema, params);
  }

  /** The privacy spent by the last fit. */
  get privacy(): DpBprPrivacy | undefined {
    return this.spent;
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const m = data.interactions;
    if (m.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const { factors: f, epochs, sampleRate: q, delta, clip, regularization: reg, userLearningRate: userLr } = this.params;
    const nUsers = m.rows, nItems = m.cols;
    const rng = createRng(options.seed ?? 42);
    const progress = options.progress ?? (() => {});
    const steps = stepsForEpochs(epochs, q);
    const sigma = this.params.noiseMultiplier ?? (this.params.epsilon !== undefined ? noiseMultiplierFor({ epsilon: this.params.epsilon, delta, sampleRate: q, steps }) : 0);

    const p = Float32Array.from({ length: nUsers * f }, () => rng.normal() * 0.1);
    const itemFactors = new Tensor(Float32Array.from({ length: nItems * f }, () => rng.normal() * 0.1), [nItems, f], true);
    const itemBias = new Tensor(new Float32Array(nItems), [nItems, 1], true);
    const qf = itemFactors.data, bias = itemBias.data;
    const shared = [itemFactors, itemBias], lr = this.params.learningRate;
    const optimizer = this.params.optimizer === 'adam' ? new Adam(shared, { lr, weightDecay: reg }) : new Sgd(shared, { lr, momentum: 0.9, weightDecay: reg });
    const noiseRng = rng.fork();
    // Without noise nothing is private: the run then repeats from its seed.
    const secure = this.params.secureRandomness && sigma > 0;
    const noise = secure ? cryptoGaussian() : seededGaussian(noiseRng);
    const dp = new DpSgd({ optimizer, clip, noiseMultiplier: sigma, sampleRate: q, datasetSize: nUsers, delta, rng: secure ? cryptoRng() : rng, noise });

    const gq = new Float32Array(nItems * f), gb = new Float32Array(nItems), gp = new Float32Array(f);
    const touched = new Int32Array(nItems), mark = new Uint8Array(nItems);
    let maxRow = 0;
    for (let u = 0; u < nUsers; u++) maxRow = Math.max(maxRow, m.indptr[u + 1]! - m.indptr[u]!);
    const neg = new Int32Array(maxRow), pos = new Int32Array(maxRow);
    const perEpoch = Math.max(1, Math.round(steps / epochs));

    /** One triple per positive of u into pos/neg; returns how many. */
    const drawTriples = (u: number): number => {
      const row = m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!);
      let n = 0;
      for (const i of row) {
        // Uniform over the catalogue (public), redrawn while u has it; a user with every item gets no triple.
        let j = rng.int(nItems);
        for (let tries = 1; tries < 64 && inSorted(row, j); tries++) j = rng.int(nItems);
        if (inSorted(row, j)) continue;
        pos[n] = i;
        neg[n++] = j;
      }
      return n;
    };

    for (let s = 0; s < steps; s++) {
      throwIfAborted(options.signal, this.id);
      for (const u of dp.sampleBatch()) {
        const n = drawTriples(u);
        const k = n === 0 ? 0 : userBprGradient(p, qf, bias, f, u, pos.subarray(0, n), neg.subarray(0, n), gq, gb, gp, touched, mark);
        // The user's rows are read in place from the scratch and cleared there for the next user.
        const ids = touched.subarray(0, k);
        dp.addExample([{ param: 0, ids, values: gq, scattered: true, clear: true }, { param: 1, ids, values: gb, scattered: true, clear: true }]);
        for (let r = 0; r < k; r++) mark[ids[r]!] = 0;
        // The user's own factor: local, not shared, so neither clipped nor noised (see the module doc).
        if (n > 0) for (let a = 0; a < f; a++) p[u * f + a] = p[u * f + a]! - userLr * (gp[a]! + reg * p[u * f + a]!);
      }
      dp.finishStep();
      if ((s + 1) % perEpoch === 0 || s + 1 === steps) {
        progress(s + 1, steps, 'step');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    throwIfAborted(options.signal, this.id);
    this.p = p;
    this.q = Float32Array.from(qf);
    this.b = Float32Array.from(bias);
    this.spent = { noiseMultiplier: sigma, steps, epsilon: dp.accountant.epsilon(), delta };
    this.setSeen(data);
  }

  save(): Artifact {
    this.requireFitted();
    const f = this.params.factors, spent = this.spent!;
    return {
      kind: DP_BPR_ID,
      version: 1,
      params: { ...this.params },
      tensors: {
        user_factors: { data: this.p, shape: [this.nUsers, f] },
        item_factors: { data: this.q, shape: [this.nItems, f] },
        item_bias: { data: this.b, shape: [this.nItems] },
        ...csrTensors('seen', this.historyCsr()),
      },
      // ε is Infinity without noise; JSON has no Infinity, so it is stored as null.
      state: { nUsers: this.nUsers, nItems: this.nItems, noiseMultiplier: spent.noiseMultiplier, steps: spent.steps, epsilon: Number.isFinite(spent.epsilon) ? spent.epsilon : null, delta: spent.delta },
    };
  }

  static load(a: Artifact): DpBprRecommender {
    const where = `${DP_BPR_ID} artifact`;
    const m = new DpBprRecommender(a.params);
    const f = m.params.factors;
    const nUsers = stateInt(a.state, 'nUsers', where), nItems = stateInt(a.state, 'nItems', where);
    m.p = f32Tensor(a.tensors, 'user_factors', nUsers * f, where);
    m.q = f32Tensor(a.tensors, 'item_factors', nItems * f, where);
    m.b = f32Tensor(a.tensors, 'item_bias', nItems, where);
    m.seen = csrFromTensors(a.tensors, 'seen', nUsers, nItems, where);
    m.nUsers = nUsers;
    m.nItems = nItems;
    const st = a.state as Record<string, unknown>;
    m.spent = { noiseMultiplier: Number(st.noiseMultiplier ?? 0), steps: Number(st.steps ?? 0), epsilon: typeof st.epsilon === 'number' ? st.epsilon : Infinity, delta: Number(st.delta ?? m.params.delta) };
    return m;
  }
}

/** True when `x` is in the ascending array. */
function inSorted(a: Int32Array, x: number): boolean {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1, v = a[mid]!;
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export const dpBprFactory: ModelFactory = defineModel({
  id: DP_BPR_ID,
  version: 1,
  description: 'BPR matrix factorisation trained with DP-SGD: user-level (ε, δ)-DP item side, joint DP recommendations',
  params: dpBprParamsSchema,
  create: (params) => new DpBprRecommender(params),
  restore: (artifact) => DpBprRecommender.load(artifact),
});
