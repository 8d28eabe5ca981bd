/**
 * @module DP two-tower: the two-tower retrieval model (two-tower.ts) trained with DP-SGD (src/privacy/dp-sgd.ts)
 * at the user level, as `mf/dp-bpr` trains BPR.
 *
 * Privacy unit: one user and all of their interactions. Each step Poisson-samples users (rate q). A sampled user's
 * example is the gradient of their loss — a sampled softmax summed over up to `positivesPerVisit` of their items
 * (drawn uniformly), each scored against the step's `negatives` items drawn uniformly from the catalogue (public
 * randomness; a negative the user has is masked) — with respect to every weight: one backward per user (sparse
 * rows for the embedding tables), clipped to L2 norm `clip` over all weights together, Gaussian noise σ·clip on
 * every coordinate of the sum (every row of every table, touched or not), divided by qN, Adam. σ is given
 * (`noiseMultiplier`) or calibrated to `epsilon` with the RDP accountant over ⌈epochs / q⌉ steps.
 *
 * What differs from `neural/two-tower`, each for the guarantee:
 * - no in-batch softmax: a user's loss must depend on no other user's data (in-batch negatives are other users'
 *   positives), so negatives are uniform and the log-Q correction (item counts are private) is gone;
 * - the user tower reads only the user's own history (mean of item-id embeddings → MLP): no user-id embedding and
 *   no followees' embeddings, so no weight is trained from one user and read for another;
 * - every item uses its id row (the non-private model's "has interactions" switch is private data);
 * - no validation carve or early stopping (choosing an epoch on the data would spend budget the accountant does
 *   not count); a fixed number of steps.
 *
 * What is private: every weight of the net, hence the item vectors and `similarItems`, is (ε, δ)-DP with respect to
 * adding or removing one user's whole history. A user's vector is the private net applied to that user's own
 * history, so recommendations are joint-DP (as `mf/dp-bpr`). The saved artifact holds histories: publish only the
 * weights. The noise and the Poisson batches come from node:crypto unless `secureRandomness` is false (then from
 * the seed: repeatable, no privacy against whoever knows the seed).
 */
import { batchedVectors } from './batched-vectors.js';
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { csrGet, csrMap, type Csr } from '../../math/csr.js';
import { normalParam } from '../../nn/init.js';
import { Mlp } from '../../nn/layers/mlp.js';
import { Module } from '../../nn/module.js';
import { add, mul, scale } from '../../nn/ops/arithmetic.js';
import { crossEntropy } from '../../nn/ops/loss.js';
import { matmul } from '../../nn/ops/matmul.js';
import { sum } from '../../nn/ops/reduce.js';
import { concat, indexSelect } from '../../nn/ops/shape.js';
import { Adam } from '../../nn/optim/adam.js';
import { noGrad, Tensor } from '../../nn/tensor.js';
import { noiseMultiplierFor } from '../../privacy/calibrate.js';
import { DpSgd, type DpSgdStepResult } from '../../privacy/dp-sgd.js';
import { cryptoGaussian, seededGaussian } from '../../privacy/gaussian-noise.js';
import { cryptoRng } from '../../privacy/random-source.js';
import { stepsForEpochs } from '../../privacy/steps.js';
import { BaseRecommender } from '../base-recommender.js';
import { cosineNeighbours } from '../cosine-neighbours.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { f32Tensor, i32Tensor, parseParams, stateInt } from '../shared/model-io.js';
import { embeddingBag } from './embedding-bag.js';
import { l2Normalize } from './l2-normalize.js';
import { alignedTimes, buildFeatures, itemTower, meanBag, mediaProjection, mediaTensors, restoreMedia, type Features } from './two-tower.js';

export const DP_TWO_TOWER_ID = 'neural/dp-two-tower';
const VERSION = 1;

export const dpTwoTowerParamsSchema = z
  .object({
    /** Target ε of user-level DP; with `noiseMultiplier` absent, σ is calibrated to it. Neither: no noise (ε = ∞). */
    epsilon: z.number().positive().optional(),
    /** δ of the (ε, δ) guarantee; keep it well below 1 / number of users. */
    delta: z.number().positive().lt(1).default(1e-5),
    /** L2 clipping norm of one user's gradient over all weights. */
    clip: z.number().positive().default(1),
    /** σ; overrides the calibration from `epsilon`. 0 trains without noise. */
    noiseMultiplier: z.number().min(0).optional(),
    /** Poisson sampling rate q of users per step (small: the net needs steps more than large batches). */
    sampleRate: z.number().positive().max(1).default(0.05),
    /** Passes: ⌈epochs / q⌉ steps. */
    epochs: z.number().int().min(1).max(10_000).default(20),
    /** A visit's positives: this many of the user's items, drawn uniformly (all when fewer). */
    positivesPerVisit: z.number().int().min(1).max(10_000).default(16),
    /** Uniform negatives per step, shared by the step's users. */
    negatives: z.number().int().min(1).max(100_000).default(32),
    embeddingDim: z.number().int().min(1).max(1024).default(32),
    hidden: z.number().int().min(1).max(4096).default(64),
    outputDim: z.number().int().min(1).max(1024).default(32),
    temperature: z.number().positive().default(0.3),
    historyLength: z.number().int().min(1).max(1000).default(50),
    /** Hash buckets of the text features (2^12: every bucket's row gets noise). */
    textBuckets: z.number().int().min(1).max(1 << 22).default(1 << 12),
    maxTerms: z.number().int().min(1).max(1024).default(32),
    learningRate: z.number().positive().default(0.03),
    /** Noise and batch sampling from node:crypto (true), or from the seed (false: repeatable, not private against whoever knows the seed). */
    secureRandomness: z.boolean().default(true),
  })
  .strict();

export type DpTwoTowerParams = z.output<typeof dpTwoTowerParamsSchema>;

/** What training spent: σ, steps and the accountant's ε for them (Infinity without noise). */
export interface DpTwoTowerPrivacy {
  readonly noiseMultiplier: number;
  readonly steps: number;
  readonly epsilon: number;
  readonly delta: number;
}

/** The weights: item tower as `neural/two-tower`'s (sparse tables), user tower over the history bag only. */
export class DpTwoTowerNet extends Module {
  readonly itemId: Tensor;
  readonly author: Tensor;
  readonly textProj: Tensor;
  readonly userMlp: Mlp;
  readonly itemMlp: Mlp;
  /** Projection of the items' media vectors (posts' `features.vectors`) into the text embedding's space, as the two-tower's. */
  readonly mediaProj?: Tensor;

  constructor(nUsers: number, nItems: number, p: DpTwoTowerParams, rng: Rng, mediaDim = 0) {
    super();
    const e = p.embeddingDim, std = 1 / Math.sqrt(e);
    this.itemId = normalParam([nItems, e], rng, std);
    this.author = normalParam([Math.max(1, nUsers), e], rng, std);
    this.textProj = normalParam([p.textBuckets, e], rng, std);
    for (const t of [this.itemId, this.author, this.textProj]) t.sparse = true;
    this.userMlp = new Mlp({ sizes: [e, p.hidden, p.outputDim], rng });
    this.itemMlp = new Mlp({ sizes: [3 * e, p.hidden, p.outputDim], rng });
    if (mediaDim > 0) this.mediaProj = mediaProjection(mediaDim, e, rng);
  }
}

/** One visit of a batch of users: their sampled positives (CSR over the batch) and the step's negatives. */
export interface Visit {
  readonly users: Int32Array;
  /** Positives of users[b] are items[indptr[b] .. indptr[b+1]). */
  readonly indptr: Int32Array;
  readonly items: Int32Array;
  readonly negatives: Int32Array;
}

function userVectors(net: DpTwoTowerNet, f: Features, p: DpTwoTowerParams, users: ArrayLike<number>): Tensor {
  const H = p.historyLength, h = meanBag(f.history, f.histLen, H, users);
  return l2Normalize(net.userMlp.forward(embeddingBag(net.itemId, h.ids, h.w, users.length, H)));
}

/**
 * Σ over the visit's positives (u, i) of −log softmax over [i, negatives] of s(u, ·)/τ, a negative that u has
 * (in `train`) masked off. Summed, not averaged: a user's loss is one example, and the batch's is their sum.
 */
export function visitLoss(net: DpTwoTowerNet, f: Features, p: DpTwoTowerParams, train: Csr, visit: Visit): Tensor {
  const { users, indptr, items, negatives } = visit;
  const R = items.length, N = negatives.length;
  const rowUser = new Int32Array(R);
  for (let b = 0; b < users.length; b++) rowUser.fill(b, indptr[b]!, indptr[b + 1]!);
  const u = indexSelect(userVectors(net, f, p, users), rowUser);
  const vp = itemTower(net, f, p, items, () => true);
  const vn = itemTower(net, f, p, negatives, () => true);
  const pos = sum(mul(u, vp), { axis: -1, keepdim: true });
  const neg = matmul(u, vn, { transB: true });
  const mask = new Float32Array(R * (1 + N));
  for (let r = 0; r < R; r++) {
    const usr = users[rowUser[r]!]!;
    for (let j = 0; j < N; j++) if (csrGet(train, usr, negatives[j]!) !== 0) mask[r * (1 + N) + 1 + j] = -1e9;
  }
  const logits = add(scale(concat([pos, neg], -1), 1 / p.temperature), new Tensor(mask, [R, 1 + N]));
  return scale(crossEntropy(logits, new Int32Array(R)), R);
}

/** The positives of one visit of `users`: up to `perVisit` of each user's items, drawn without replacement. */
export function drawVisit(train: Csr, users: Int32Array, perVisit: number, negatives: Int32Array, rng: Rng): Visit {
  const indptr = new Int32Array(users.length + 1), items: number[] = [];
  for (let b = 0; b < users.length; b++) {
    const u = users[b]!, s = train.indptr[u]!, n = train.indptr[u + 1]! - s;
    if (n <= perVisit) for (let k = 0; k < n; k++) items.push(train.indices[s + k]!);
    else {
      // Floyd's sampling: perVisit distinct offsets.
      const chosen = new Set<number>();
      for (let j = n - perVisit; j < n; j++) {
        const t = rng.int(j + 1);
        chosen.add(chosen.has(t) ? j : t);
      }
      for (const k of [...chosen].sort((a, c) => a - c)) items.push(train.indices[s + k]!);
    }
    indptr[b + 1] = items.length;
  }
  return { users, indptr, items: Int32Array.from(items), negatives };
}

/** One user's visit out of a batch visit (same negatives). */
function userVisit(v: Visit, b: number): Visit {
  return { users: v.users.subarray(b, b + 1), indptr: Int32Array.of(0, v.indptr[b + 1]! - v.indptr[b]!), items: v.items.subarray(v.indptr[b]!, v.indptr[b + 1]!), negatives: v.negatives };
}

/**
 * One DP-SGD step over a visit: a backward per user (`DpSgd.step`). A sampled user without positives has a zero
 * gradient and is left out of the loop (the noise and the divisor qN do not depend on who was drawn).
 */
export function dpTwoTowerStep(dp: DpSgd, net: DpTwoTowerNet, f: Features, p: DpTwoTowerParams, train: Csr, visit: Visit): DpSgdStepResult {
  const active: number[] = [];
  for (let b = 0; b < visit.users.length; b++) if (visit.indptr[b + 1]! > visit.indptr[b]!) active.push(b);
  return dp.step(active, (b) => visitLoss(net, f, p, train, userVisit(visit, b)));
}

export class DpTwoTowerRecommender extends BaseRecommender {
  readonly id = DP_TWO_TOWER_ID;
  readonly params: Readonly<DpTwoTowerParams>;
  private net: DpTwoTowerNet | undefined;
  private features: Features | undefined;
  private userVecs: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private itemVecs: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private spent: DpTwoTowerPrivacy | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(DP_TWO_TOWER_ID, dpTwoTowerParamsSchema, params);
  }

  /** The privacy spent by the last fit. */
  get privacy(): DpTwoTowerPrivacy | undefined {
    return this.spent;
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const p = this.params;
    const train = csrMap(data.interactions, () => 1);
    if (train.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const { sampleRate: q, delta, clip } = p;
    const rng = createRng(options.seed ?? 42);
    const progress = options.progress ?? (() => {});
    const steps = stepsForEpochs(p.epochs, q);
    const sigma = p.noiseMultiplier ?? (p.epsilon !== undefined ? noiseMultiplierFor({ epsilon: p.epsilon, delta, sampleRate: q, steps }) : 0);
    const hasTimes = data.interactionTimes.length === train.indices.length && data.interactionTimes.some((t) => Number.isFinite(t) && t !== 0);
    const f = buildFeatures(data, train, hasTimes ? alignedTimes(train, data.interactionTimes, train) : undefined, { ...p, maxFollowees: 0 });
    f.warm.fill(1);
    const net = new DpTwoTowerNet(train.rows, train.cols, p, rng.fork(), f.mediaDim);
    const noiseRng = rng.fork();
    // Without noise nothing is private: the run then repeats from its seed.
    const secure = p.secureRandomness && sigma > 0;
    const dp = new DpSgd({
      optimizer: new Adam(net.parameters(), { lr: p.learningRate }), clip, noiseMultiplier: sigma, sampleRate: q, datasetSize: train.rows, delta,
      rng: secure ? cryptoRng() : rng, noise: secure ? cryptoGaussian() : seededGaussian(noiseRng),
    });
    const perEpoch = Math.max(1, Math.round(steps / p.epochs));
    for (let s = 0; s < steps; s++) {
      throwIfAborted(options.signal, this.id);
      const negatives = Int32Array.from({ length: p.negatives }, () => rng.int(train.cols));
      dpTwoTowerStep(dp, net, f, p, train, drawVisit(train, dp.sampleBatch(), p.positivesPerVisit, negatives, rng));
      if ((s + 1) % perEpoch === 0 || s + 1 === steps) {
        progress(s + 1, steps, 'step');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    throwIfAborted(options.signal, this.id);
    this.net = net;
    this.features = f;
    this.nItems = train.cols;
    this.spent = { noiseMultiplier: sigma, steps, epsilon: dp.accountant.epsilon(), delta };
    this.computeVectors();
    this.setSeen(data);
  }

  private computeVectors(): void {
    const net = this.net!, f = this.features!, p = this.params, D = p.outputDim;
    noGrad(() => {
      this.itemVecs = batchedVectors(f.nItems, D, (ids) => itemTower(net, f, p, ids, () => true).data);
      this.userVecs = batchedVectors(f.nUsers, D, (ids) => userVectors(net, f, p, ids).data);
    });
  }


  protected scoreUser(user: number, out: Float32Array): void {
    const D = this.params.outputDim, u = this.userVecs, v = this.itemVecs, uo = user * D;
    for (let i = 0; i < this.nItems; i++) {
      let s = 0;
      for (let a = 0; a < D; a++) s += u[uo + a]! * v[i * D + a]!;
      out[i] = s;
    }
  }

  /** Items by cosine of their item vectors. */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    return cosineNeighbours(this.itemVecs, this.params.outputDim, this.nItems, item, k);
  }

  save(): Artifact {
    this.requireFitted();
    const f = this.features!, p = this.params, D = p.outputDim, spent = this.spent!;
    return this.artifactOf(VERSION, {
      ...Object.fromEntries(Object.entries(this.net!.stateDict()).map(([k, v]) => [`net.${k}`, v])),
      user_vectors: { data: this.userVecs, shape: [f.nUsers, D] },
      item_vectors: { data: this.itemVecs, shape: [f.nItems, D] },
      'features.history': { data: f.history, shape: [f.nUsers, p.historyLength] },
      'features.hist_len': { data: f.histLen, shape: [f.nUsers] },
      'features.text_ids': { data: f.textIds, shape: [f.nItems, p.maxTerms] },
      'features.text_w': { data: f.textW, shape: [f.nItems, p.maxTerms] },
      'features.idf': { data: f.idf, shape: [p.textBuckets] },
      'features.authors': { data: f.authors, shape: [f.nItems] },
      ...mediaTensors(f),
    }, {
      featureUsers: f.nUsers, mediaDim: f.mediaDim,
      // ε is Infinity without noise; JSON has no Infinity, so it is stored as null.
      noiseMultiplier: spent.noiseMultiplier, steps: spent.steps, epsilon: Number.isFinite(spent.epsilon) ? spent.epsilon : null, delta: spent.delta,
    });
  }

  static load(a: Artifact): DpTwoTowerRecommender {
    const where = `${DP_TWO_TOWER_ID} artifact`;
    const m = new DpTwoTowerRecommender(a.params);
    const p = m.params, D = p.outputDim;
    const { nItems } = m.restoreSeen(a, where);
    const fU = stateInt(a.state, 'featureUsers', where);
    const int = (name: string, length: number): Int32Array => i32Tensor(a.tensors, name, length, where);
    m.features = {
      nUsers: fU, nItems,
      history: int('features.history', fU * p.historyLength), histLen: int('features.hist_len', fU),
      followees: new Int32Array(fU).fill(-1), follLen: new Int32Array(fU),
      textIds: int('features.text_ids', nItems * p.maxTerms), textW: f32Tensor(a.tensors, 'features.text_w', nItems * p.maxTerms, where),
      idf: f32Tensor(a.tensors, 'features.idf', p.textBuckets, where), authors: int('features.authors', nItems), warm: new Uint8Array(nItems).fill(1), mediaDim: 0,
    };
    const net = new DpTwoTowerNet(fU, nItems, p, createRng(0), restoreMedia(a, m.features, where));
    const weights = Object.fromEntries(Object.entries(a.tensors).filter(([k]) => k.startsWith('net.')).map(([k, v]) => [k.slice(4), v]));
    try {
      net.loadStateDict(weights);
    } catch (e) {
      throw createError('ARTIFACT_INVALID', { path: where, problem: e instanceof Error ? e.message : String(e) });
    }
    m.net = net;
    m.userVecs = f32Tensor(a.tensors, 'user_vectors', fU * D, where);
    m.itemVecs = f32Tensor(a.tensors, 'item_vectors', nItems * D, where);
    const st = a.state as Record<string, unknown>;
    m.spent = { noiseMultiplier: Number(st.noiseMultiplier ?? 0), steps: Number(st.steps ?? 0), epsilon: typeof st.epsilon === 'number' ? st.epsilon : Infinity, delta: Number(st.delta ?? p.delta) };
    return m;
  }
}

export const dpTwoTowerFactory: ModelFactory = defineModel({
  id: DP_TWO_TOWER_ID,
  version: VERSION,
  description: 'Two-tower retrieval trained with DP-SGD: user-level (ε, δ)-DP weights (per-user clipping, uniform negatives, history-only user tower), joint-DP recommendations',
  params: dpTwoTowerParamsSchema,
  create: (params) => new DpTwoTowerRecommender(params),
  restore: (artifact) => DpTwoTowerRecommender.load(artifact),
});
