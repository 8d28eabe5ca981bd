/**
 * @module LightGCN (He, Deng, Wang, Li, Zhang & Wang 2020, "LightGCN: Simplifying and Powering Graph
 * Convolution Network for Recommendation").
 *
 * E^(k+1) = Â E^(k) with Â = D^(-1/2) A D^(-1/2) on the user–item graph (no self-loops, feature transforms or
 * nonlinearities); the final embedding is the layer mean F = Σ_{k=0..K} E^(k) / (K+1) and ŷ_ui = F_uᵀF_i.
 * Loss per mini-batch B of triples (u, i, j): mean −ln σ(ŷ_ui − ŷ_uj) + λ · ½(‖E⁰_u‖² + ‖E⁰_i‖² + ‖E⁰_j‖²)/|B|
 * (the official code's `bpr_loss` + `weight_decay · reg_loss`). F = M E⁰ with M = Σ Â^k/(K+1) linear and Â
 * symmetric, so ∂L/∂E⁰ = M ∂L/∂F: the same sparse products carry the gradient back. Adam on E⁰.
 *
 * Sampling as gusye1234/LightGCN-PyTorch `UniformSample_original`: an epoch draws |R| users uniformly, each
 * with one of their positives uniformly and one uniform non-positive. Defaults are the paper's (K = 3, d = 64,
 * λ = 1e-4, lr = 1e-3, batch 2048, N(0, 0.1²) init). With `socialEdges`, the symmetrised follow graph joins A
 * (user–user edges of weight `socialWeight`), so embeddings also smooth over friends.
 *
 * Early stopping: a share of each user's training items is held out; every `evalEvery` epochs the validation
 * nDCG@`validationK` is measured, the best embeddings kept, and training stops after `patience` evaluations
 * without improvement. With `checkpointPath`, state (embeddings, Adam moments, epoch, best) is written at each
 * evaluation and a later fit of the same run resumes from it. Each epoch's sampler is seeded by (seed, epoch),
 * so a resumed run continues exactly as an uninterrupted one.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { csrMap, type Csr } from '../../math/csr.js';
import { BaseRecommender } from '../base-recommender.js';
import { f32Tensor, parseParams } from '../shared/model-io.js';
import { cosineNeighbours } from '../cosine-neighbours.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { adamStep, createAdamBuffers } from '../shared/adam-buffers.js';
import { loadCheckpoint, runFingerprint, saveCheckpoint } from '../shared/checkpoint.js';
import { createEarlyStopping, validationParams, type EarlyStoppingState } from '../shared/early-stopping.js';
import { carveValidation, validationNdcg } from '../shared/holdout.js';
import { normalizedAdjacency } from './normalized-adjacency.js';
import { spmm } from './spmm.js';

export const LIGHTGCN_ID = 'graph/lightgcn';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const lightgcnParamsSchema = z
  .object({
    /** Embedding size d (paper: 64). */
    factors: z.number().int().min(1).max(1024).default(64),
    /** Propagation layers K (paper: 3). */
    layers: z.number().int().min(0).max(8).default(3),
    /** Upper bound on epochs (the official code trains 1000; early stopping usually ends sooner). */
    epochs: z.number().int().min(1).max(100_000).default(1000),
    /** Adam step size (paper: 1e-3). */
    learningRate: z.number().positive().default(1e-3),
    /** Triples per mini-batch (official code: bpr_batch 2048). */
    batchSize: z.number().int().min(1).default(2048),
    /** λ of the L2 term on the batch's layer-0 embeddings (paper: 1e-4). */
    regularization: z.number().min(0).default(1e-4),
    /** Standard deviation of the normal initialisation (official PyTorch code: 0.1). */
    initStd: z.number().positive().default(0.1),
    /** Add the symmetrised follow graph to the adjacency (social propagation). */
    socialEdges: z.boolean().default(false),
    /** Weight of a user–user edge relative to a user–item edge (1). */
    socialWeight: z.number().min(0).default(1),
    /** Validation nDCG@20 as the paper reports, every 10 epochs. */
    ...validationParams({ validationFraction: 0.1, evalEvery: 10, patience: 5, validationK: 20 }),
  })
  .strict();

export type LightgcnParams = z.output<typeof lightgcnParamsSchema>;

/** F = (E⁰ + ÂE⁰ + … + Â^K E⁰)/(K+1) into `out`; `tmp` holds 2 scratch buffers of the same size. */
export function propagate(adj: Csr, e0: Float32Array, d: number, layers: number, out: Float32Array, tmp: [Float32Array, Float32Array]): void {
  out.set(e0);
  let cur: Float32Array<ArrayBufferLike> = e0;
  for (let k = 0; k < layers; k++) {
    const next = tmp[k % 2]!;
    spmm(adj, cur, d, next);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + next[i]!;
    cur = next;
  }
  const s = 1 / (layers + 1);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * s;
}

/**
 * ∂L/∂E⁰ from ∂L/∂F into g0: F = Σ_k Â^k E⁰/(K+1) with Â symmetric, so g0 = Σ_k Â^k gF/(K+1) (the caller
 * adds the L2 term). `tmp` as in `propagate`; gF is left intact.
 */
export function backpropagate(adj: Csr, gF: Float32Array, d: number, layers: number, g0: Float32Array, tmp: [Float32Array, Float32Array]): void {
  propagate(adj, gF, d, layers, g0, tmp);
}

/** One mini-batch's BPR loss and its gradient with respect to F (into gF, zeroed first). Returns the mean loss. */
export function bprBatchGrad(f: Float32Array, d: number, nUsers: number, us: Int32Array, is: Int32Array, js: Int32Array, gF: Float32Array): number {
  gF.fill(0);
  const b = us.length;
  let loss = 0;
  for (let t = 0; t < b; t++) {
    const uo = us[t]! * d, io = (nUsers + is[t]!) * d, jo = (nUsers + js[t]!) * d;
    let x = 0;
    for (let a = 0; a < d; a++) x += f[uo + a]! * (f[io + a]! - f[jo + a]!);
    // −ln σ(x) = softplus(−x), computed stably; its derivative in x is −σ(−x).
    loss += x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x));
    const z = -1 / (1 + Math.exp(x)) / b;
    for (let a = 0; a < d; a++) {
      const fu = f[uo + a]!;
      gF[uo + a] = gF[uo + a]! + z * (f[io + a]! - f[jo + a]!);
      gF[io + a] = gF[io + a]! + z * fu;
      gF[jo + a] = gF[jo + a]! - z * fu;
    }
  }
  return loss / b;
}

/** True when `item` is in row u of the CSR (binary search in the sorted row). */
function inRow(m: Csr, u: number, item: number): boolean {
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

/** An epoch of triples as `UniformSample_original`: |R| uniform users (those without positives skipped). */
export function sampleEpoch(r: Csr, seed: number, epoch: number): { us: Int32Array; is: Int32Array; js: Int32Array } {
  const rng = createRng((seed * 0x9e3779b1 + (epoch + 1) * 7919) >>> 0);
  const n = r.indptr[r.rows]!;
  const us = new Int32Array(n), is = new Int32Array(n), js = new Int32Array(n);
  let k = 0;
  for (let s = 0; s < n; s++) {
    const u = rng.int(r.rows);
    const start = r.indptr[u]!, deg = r.indptr[u + 1]! - start;
    if (deg === 0 || deg === r.cols) continue;
    const i = r.indices[start + rng.int(deg)]!;
    let j = rng.int(r.cols);
    while (inRow(r, u, j)) j = rng.int(r.cols);
    us[k] = u; is[k] = i; js[k] = j; k++;
  }
  return { us: us.subarray(0, k), is: is.subarray(0, k), js: js.subarray(0, k) };
}

export class LightgcnRecommender extends BaseRecommender {
  readonly id = LIGHTGCN_ID;
  readonly params: Readonly<LightgcnParams>;
  private userEmb: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private itemEmb: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Training summary (epochs run, best validation score). */
  trainingInfo: { epochs: number; bestEpoch: number; validationNdcg: number; resumedFrom: number } = { epochs: 0, bestEpoch: -1, validationNdcg: NaN, resumedFrom: 0 };

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(LIGHTGCN_ID, lightgcnParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const p = this.params;
    const r = csrMap(data.interactions, () => 1);
    if (r.indptr[r.rows] === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    throwIfAborted(options.signal, this.id);
    const seed = options.seed ?? 42;
    const progress = options.progress ?? (() => {});
    const nU = r.rows, nI = r.cols, n = nU + nI, d = p.factors;
    const holdout = p.validationFraction > 0 ? carveValidation(r, p.validationFraction, createRng(seed ^ 0x5eed)) : undefined;
    const train = holdout ? holdout.train : r;
    const adj = normalizedAdjacency(train, { follows: p.socialEdges ? data.follows : undefined, socialWeight: p.socialWeight });
    const initRng = createRng(seed);
    const e0 = Float32Array.from({ length: n * d }, () => initRng.normal() * p.initStd);
    const adam = createAdamBuffers(n * d);
    const f = new Float32Array(n * d), gF = new Float32Array(n * d), g0 = new Float32Array(n * d);
    const tmp: [Float32Array, Float32Array] = [new Float32Array(n * d), new Float32Array(n * d)];
    let best: Float32Array<ArrayBufferLike> | undefined;
    const fingerprint = runFingerprint(this.id, { ...p }, seed, train, ...(p.socialEdges ? [data.follows] : []));
    let startEpoch = 0;
    let stopState: EarlyStoppingState | undefined;
    const cp = loadCheckpoint(p.checkpointPath, fingerprint);
    if (cp) {
      const e = cp.tensors.e0?.data, m = cp.tensors.adam_m?.data, v = cp.tensors.adam_v?.data;
      if (e instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array && e.length === n * d && m.length === n * d && v.length === n * d) {
        e0.set(e); adam.m.set(m); adam.v.set(v);
        adam.t = Number(cp.state.t);
        startEpoch = Number(cp.state.epoch);
        stopState = cp.state.early as EarlyStoppingState;
        const b = cp.tensors.best?.data;
        if (b instanceof Float32Array && b.length === n * d) best = Float32Array.from(b);
      }
    }
    const stopper = createEarlyStopping(p.patience, stopState);
    this.trainingInfo = { epochs: startEpoch, bestEpoch: stopper.state.bestEpoch, validationNdcg: stopper.state.best, resumedFrom: startEpoch };
    for (let epoch = startEpoch; epoch < p.epochs; epoch++) {
      throwIfAborted(options.signal, this.id);
      const { us, is, js } = sampleEpoch(train, seed, epoch);
      let lossSum = 0, batches = 0;
      for (let start = 0; start < us.length; start += p.batchSize) {
        const end = Math.min(us.length, start + p.batchSize);
        const bu = us.subarray(start, end), bi = is.subarray(start, end), bj = js.subarray(start, end);
        propagate(adj, e0, d, p.layers, f, tmp);
        lossSum += bprBatchGrad(f, d, nU, bu, bi, bj, gF);
        batches++;
        backpropagate(adj, gF, d, p.layers, g0, tmp);
        const c = p.regularization / bu.length;
        for (let t = 0; t < bu.length; t++) {
          for (const row of [bu[t]!, nU + bi[t]!, nU + bj[t]!]) {
            const o = row * d;
            for (let a = 0; a < d; a++) g0[o + a] = g0[o + a]! + c * e0[o + a]!;
          }
        }
        adamStep(e0, g0, adam, p.learningRate);
      }
      this.trainingInfo.epochs = epoch + 1;
      progress(epoch + 1, p.epochs, `epoch loss ${(lossSum / Math.max(1, batches)).toFixed(4)}`);
      const last = epoch + 1 === p.epochs;
      if (holdout && ((epoch + 1) % p.evalEvery === 0 || last)) {
        propagate(adj, e0, d, p.layers, f, tmp);
        const score = validationNdcg(train, holdout.valid, p.validationK, (u, out) => dot(f, d, u, nU, nI, out));
        if (stopper.update(score, epoch + 1)) best = Float32Array.from(f);
        this.trainingInfo.bestEpoch = stopper.state.bestEpoch;
        this.trainingInfo.validationNdcg = stopper.state.best;
        options.logger?.info({ model: this.id, epoch: epoch + 1, validationNdcg: score }, 'validation');
        if (p.checkpointPath) {
          saveCheckpoint(p.checkpointPath, fingerprint, {
            tensors: {
              e0: { data: e0, shape: [n, d] }, adam_m: { data: adam.m, shape: [n, d] }, adam_v: { data: adam.v, shape: [n, d] },
              ...(best ? { best: { data: best, shape: [n, d] } } : {}),
            },
            state: { epoch: epoch + 1, t: adam.t, early: stopper.state },
          });
        }
        if (stopper.shouldStop) break;
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    throwIfAborted(options.signal, this.id);
    if (best === undefined) {
      propagate(adj, e0, d, p.layers, f, tmp);
      best = f;
    }
    this.userEmb = best.slice(0, nU * d);
    this.itemEmb = best.slice(nU * d);
    this.setSeen(data);
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const d = this.params.factors, u = this.userEmb, q = this.itemEmb, uo = user * d;
    for (let i = 0; i < this.nItems; i++) {
      let s = 0;
      const io = i * d;
      for (let a = 0; a < d; a++) s += u[uo + a]! * q[io + a]!;
      out[i] = s;
    }
  }

  /** Items by cosine of their final embeddings. */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    return cosineNeighbours(this.itemEmb, this.params.factors, this.nItems, item, k);
  }

  /** Final (layer-mean) embeddings: users then items, row-major. */
  embeddings(): { users: Float32Array; items: Float32Array; dim: number } {
    this.requireFitted();
    return { users: this.userEmb, items: this.itemEmb, dim: this.params.factors };
  }

  save(): Artifact {
    this.requireFitted();
    const d = this.params.factors;
    return this.artifactOf(VERSION, {
      user_embeddings: { data: this.userEmb, shape: [this.nUsers, d] },
      item_embeddings: { data: this.itemEmb, shape: [this.nItems, d] },
    }, { training: this.trainingInfo });
  }

  static load(a: Artifact): LightgcnRecommender {
    const where = `${LIGHTGCN_ID} artifact`;
    const m = new LightgcnRecommender(a.params);
    const d = m.params.factors;
    const { nUsers, nItems } = m.restoreSeen(a, where);
    m.userEmb = f32Tensor(a.tensors, 'user_embeddings', nUsers * d, where);
    m.itemEmb = f32Tensor(a.tensors, 'item_embeddings', nItems * d, where);
    return m;
  }
}

/** out[i] = F_u · F_(U+i) over the whole layer-mean matrix (validation scoring during training). */
function dot(f: Float32Array, d: number, u: number, nU: number, nI: number, out: Float32Array): void {
  const uo = u * d;
  for (let i = 0; i < nI; i++) {
    const io = (nU + i) * d;
    let s = 0;
    for (let a = 0; a < d; a++) s += f[uo + a]! * f[io + a]!;
    out[i] = s;
  }
}

export const lightgcnFactory: ModelFactory = defineModel({
  id: LIGHTGCN_ID,
  version: VERSION,
  description: 'LightGCN graph collaborative filtering, optional social (follow) edges (He et al. 2020)',
  params: lightgcnParamsSchema,
  create: (params) => new LightgcnRecommender(params),
  restore: (artifact) => LightgcnRecommender.load(artifact),
});
