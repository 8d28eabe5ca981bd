/**
 * @module NeuMF (He, Liao, Zhang, Nie, Hu & Chua 2017, "Neural Collaborative Filtering").
 *
 * GMF: φ_GMF = p_uᴳ ⊙ q_iᴳ (predictive factors d = 8). MLP: φ_MLP = ReLU layers over [p_uᴹ; q_iᴹ] with sizes
 * [64, 32, 16, 8] (embeddings of 32 each: the first size is the concatenation). ŷ_ui = σ(hᵀ[φ_GMF; φ_MLP]).
 * Pointwise log loss (BCE) with `negatives` = 4 uniform non-interacted items per positive, redrawn each epoch;
 * Adam lr 1e-3, batch 256, embeddings N(0, 0.01²), no L2 — the defaults of the authors' code
 * (hexiangnan/neural_collaborative_filtering, NeuMF.py), trained from scratch (no GMF/MLP pre-training).
 * Rendle, Krichene, Zhang & Anderson (2020) found a tuned dot product beats this learned similarity; our
 * benchmark reports NeuMF beside BPR and iALS for that reason.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { csrMap, type Csr } from '../../math/csr.js';
import { Embedding } from '../../nn/layers/embedding.js';
import { Linear } from '../../nn/layers/linear.js';
import { Mlp } from '../../nn/layers/mlp.js';
import { Module } from '../../nn/module.js';
import { relu } from '../../nn/ops/activation.js';
import { mul } from '../../nn/ops/arithmetic.js';
import { bceWithLogits } from '../../nn/ops/loss.js';
import { reshape, concat } from '../../nn/ops/shape.js';
import { Adam } from '../../nn/optim/adam.js';
import { noGrad, type Tensor } from '../../nn/tensor.js';
import { BaseRecommender } from '../base-recommender.js';
import { runFingerprint } from '../shared/checkpoint.js';
import { carveValidation, validationNdcg } from '../shared/holdout.js';
import { cosineNeighbours } from '../cosine-neighbours.js';
import { parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { validationParams } from '../shared/early-stopping.js';
import { trainLoop, type TrainSummary } from '../shared/train-loop.js';

export const NEUMF_ID = 'neural/neumf';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const neumfParamsSchema = z
  .object({
    /** Predictive factors: GMF embedding size and the last MLP layer (paper's default 8). */
    factors: z.number().int().min(1).max(512).default(8),
    /** MLP layer sizes, input (= 2 × MLP embedding) first (paper: [64, 32, 16, 8]). */
    layers: z.array(z.number().int().min(1)).min(2).default([64, 32, 16, 8]),
    /** Sampled negatives per positive (paper: 4). */
    negatives: z.number().int().min(1).max(100).default(4),
    epochs: z.number().int().min(1).max(10_000).default(20),
    learningRate: z.number().positive().default(1e-3),
    batchSize: z.number().int().min(1).default(256),
    /** Std of the embedding initialisation (authors' code: 0.01). */
    initStd: z.number().positive().default(0.01),
    ...validationParams({ validationFraction: 0.1, evalEvery: 1, patience: 3, validationK: 10 }),
  })
  .strict();

export type NeumfParams = z.output<typeof neumfParamsSchema>;

/** The network: GMF and MLP towers fused by one output unit (logit). */
export class NeumfNet extends Module {
  readonly gmfUser: Embedding;
  readonly gmfItem: Embedding;
  readonly mlpUser: Embedding;
  readonly mlpItem: Embedding;
  readonly mlp: Mlp;
  readonly out: Linear;

  constructor(nUsers: number, nItems: number, p: Pick<NeumfParams, 'factors' | 'layers' | 'initStd'>, rng: Rng) {
    super();
    const half = Math.floor(p.layers[0]! / 2);
    const emb = (n: number, dim: number): Embedding => {
      const e = new Embedding({ numEmbeddings: n, embeddingDim: dim, rng });
      for (let i = 0; i < e.weight.data.length; i++) e.weight.data[i] = e.weight.data[i]! * p.initStd;
      return e;
    };
    this.gmfUser = emb(nUsers, p.factors);
    this.gmfItem = emb(nItems, p.factors);
    this.mlpUser = emb(nUsers, half);
    this.mlpItem = emb(nItems, p.layers[0]! - half);
    this.mlp = new Mlp({ sizes: p.layers, rng });
    this.out = new Linear({ inFeatures: p.factors + p.layers[p.layers.length - 1]!, outFeatures: 1, rng });
  }

  /** Logits [B] for the pairs (users[b], items[b]). */
  forward(users: Int32Array, items: Int32Array): Tensor {
    const gmf = mul(this.gmfUser.forward(users), this.gmfItem.forward(items));
    const mlp = relu(this.mlp.forward(concat([this.mlpUser.forward(users), this.mlpItem.forward(items)], -1)));
    return reshape(this.out.forward(concat([gmf, mlp], -1)), [users.length]);
  }
}

/** True when `item` is in row u of the CSR (binary search in the sorted row). */
export function inRow(m: Csr, u: number, item: number): boolean {
  let lo = m.indptr[u]!, hi = m.indptr[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = m.indices[mid]!;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * One epoch's pointwise instances, shuffled: every positive (label 1) followed by `neg` uniform items the
 * user never interacted with (label 0), as the authors' `get_train_instances`.
 */
export function pointwiseInstances(r: Csr, neg: number, rng: Rng): { users: Int32Array; items: Int32Array; labels: Float32Array } {
  const nnz = r.indptr[r.rows]!;
  const n = nnz * (1 + neg);
  const users = new Int32Array(n), items = new Int32Array(n), labels = new Float32Array(n);
  let k = 0;
  for (let u = 0; u < r.rows; u++) {
    const deg = r.indptr[u + 1]! - r.indptr[u]!;
    for (let p = r.indptr[u]!; p < r.indptr[u + 1]!; p++) {
      users[k] = u; items[k] = r.indices[p]!; labels[k] = 1; k++;
      if (deg >= r.cols) continue;
      for (let t = 0; t < neg; t++) {
        let j = rng.int(r.cols);
        while (inRow(r, u, j)) j = rng.int(r.cols);
        users[k] = u; items[k] = j; labels[k] = 0; k++;
      }
    }
  }
  const order = rng.shuffle(Array.from({ length: k }, (_, i) => i));
  return {
    users: Int32Array.from(order, (i) => users[i]!),
    items: Int32Array.from(order, (i) => items[i]!),
    labels: Float32Array.from(order, (i) => labels[i]!),
  };
}

export class NeumfRecommender extends BaseRecommender {
  readonly id = NEUMF_ID;
  readonly params: Readonly<NeumfParams>;
  private net: NeumfNet | undefined;
  private allItems = new Int32Array(0);
  trainingInfo: TrainSummary = { epochs: 0, bestEpoch: -1, validation: NaN, resumedFrom: 0 };

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(NEUMF_ID, neumfParamsSchema, params);
    if (this.params.layers[0]! < 2) throw createError('INVALID_INPUT', { field: `${NEUMF_ID} params.layers`, problem: 'the first layer is the concatenation of two embeddings: at least 2' });
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const p = this.params;
    const r = csrMap(data.interactions, () => 1);
    if (r.indptr[r.rows] === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const seed = options.seed ?? 42;
    const holdout = p.validationFraction > 0 ? carveValidation(r, p.validationFraction, createRng(seed ^ 0x5eed)) : undefined;
    const train = holdout ? holdout.train : r;
    const net = new NeumfNet(r.rows, r.cols, p, createRng(seed));
    this.net = net;
    this.nItems = r.cols;
    this.allItems = Int32Array.from({ length: r.cols }, (_, i) => i);
    const opt = new Adam(net.parameters(), { lr: p.learningRate });
    this.trainingInfo = await trainLoop({
      modelId: this.id,
      module: net,
      epochs: p.epochs,
      evalEvery: p.evalEvery,
      patience: p.patience,
      checkpointPath: p.checkpointPath,
      fingerprint: runFingerprint(this.id, { ...p }, seed, train),
      signal: options.signal,
      progress: options.progress,
      logger: options.logger,
      runEpoch: (epoch) => {
        const inst = pointwiseInstances(train, p.negatives, createRng((seed * 0x9e3779b1 + (epoch + 1) * 7919) >>> 0));
        let loss = 0, batches = 0;
        for (let s = 0; s < inst.users.length; s += p.batchSize) {
          const e = Math.min(inst.users.length, s + p.batchSize);
          opt.zeroGrad();
          const l = bceWithLogits(net.forward(inst.users.subarray(s, e), inst.items.subarray(s, e)), inst.labels.subarray(s, e));
          l.backward();
          opt.step();
          loss += l.item();
          batches++;
        }
        return loss / Math.max(1, batches);
      },
      validate: holdout ? () => validationNdcg(train, holdout.valid, p.validationK, (u, out) => this.scoreWith(net, u, out)) : undefined,
    });
    this.setSeen(data);
  }

  private scoreWith(net: NeumfNet, user: number, out: Float32Array): void {
    const logits = noGrad(() => net.forward(new Int32Array(this.nItems).fill(user), this.allItems));
    out.set(logits.data);
  }

  protected scoreUser(user: number, out: Float32Array): void {
    this.scoreWith(this.net!, user, out);
  }

  /** Items by cosine of their concatenated GMF and MLP embeddings. */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const net = this.net!;
    const a = net.gmfItem.weight, b = net.mlpItem.weight;
    const da = a.shape[1]!, db = b.shape[1]!, d = da + db;
    const m = new Float32Array(this.nItems * d);
    for (let i = 0; i < this.nItems; i++) {
      m.set(a.data.subarray(i * da, (i + 1) * da), i * d);
      m.set(b.data.subarray(i * db, (i + 1) * db), i * d + da);
    }
    return cosineNeighbours(m, d, this.nItems, item, k);
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, { ...this.net!.stateDict() }, { training: { ...this.trainingInfo } });
  }

  static load(a: Artifact): NeumfRecommender {
    const where = `${NEUMF_ID} artifact`;
    const m = new NeumfRecommender(a.params);
    const { nUsers, nItems } = m.restoreSeen(a, where);
    const net = new NeumfNet(nUsers, nItems, m.params, createRng(0));
    const weights = Object.fromEntries(Object.entries(a.tensors).filter(([k]) => !k.startsWith('seen.')));
    try {
      net.loadStateDict(weights);
    } catch (e) {
      throw createError('ARTIFACT_INVALID', { path: where, problem: e instanceof Error ? e.message : String(e) });
    }
    m.net = net.eval();
    m.allItems = Int32Array.from({ length: nItems }, (_, i) => i);
    return m;
  }
}

export const neumfFactory: ModelFactory = defineModel({
  id: NEUMF_ID,
  version: VERSION,
  description: 'Neural matrix factorisation: GMF and MLP towers, pointwise log loss with sampled negatives (He et al. 2017)',
  params: neumfParamsSchema,
  create: (params) => new NeumfRecommender(params),
  restore: (artifact) => NeumfRecommender.load(artifact),
});
