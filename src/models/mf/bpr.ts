/**
 * @module BPR-MF (Rendle, Freudenthaler, Gantner & Schmidt-Thieme 2009, "BPR: Bayesian Personalized Ranking
 * from Implicit Feedback").
 *
 * p(i >_u j) = σ(x_uij), x_uij = p_uᵀ(q_i − q_j) + b_i − b_j; score(u, i) = p_uᵀq_i + b_i. LearnBPR: stochastic
 * gradient ascent on ln σ(x_uij) − (λ/2)‖Θ‖² over triples with (u, i) drawn uniformly from the training pairs
 * (with replacement) and j drawn from the items that have training interactions, uniformly (the paper) or
 * ∝ popularity^β (`negativeSampler: 'popularity'`). One epoch draws as many triples as there are pairs.
 *
 * The defaults are Cornac's `BPR` as Microsoft Recommenders' MovieLens benchmark runs it (k = 200, max_iter = 200,
 * learning_rate = 0.01, lambda_reg = 0.001, item bias, one thread because a seed is given), and so is the
 * algorithm: factors uniform in (−0.5, 0.5)/k, zero biases; a triple whose j is one of u's positives is skipped,
 * not redrawn; u, i, j and both biases updated per triple with the old p_u (cornac/models/bpr/recom_bpr.pyx).
 * The steps run in the SIMD kernel of bpr-sgd.as.ts when WebAssembly is available (bpr-wasm.ts).
 */
import { BiasedFactorRecommender } from './factor-scores.js';
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import { AliasTable, createRng, type Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { colCounts } from '../../math/csr.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { bprWasmState } from './bpr-wasm.js';
import { f32Tensor, parseParams } from '../shared/model-io.js';

export const BPR_ID = 'mf/bpr';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const bprParamsSchema = z
  .object({
    /** Latent dimension (Cornac's k; 200 in the Microsoft Recommenders MovieLens benchmark). */
    factors: z.number().int().min(1).max(1024).default(200),
    /** Epochs of one sampled triple per training pair each (Cornac's max_iter; 200 in that benchmark). */
    epochs: z.number().int().min(1).max(10_000).default(200),
    learningRate: z.number().positive().default(0.01),
    /** λ on factors and biases (Cornac's lambda_reg). */
    regularization: z.number().min(0).default(0.001),
    /** Item bias b_i (true in Rendle's MF with bias and in Cornac). */
    bias: z.boolean().default(true),
    /** How negatives j are drawn: uniformly, or ∝ (item popularity)^β. */
    negativeSampler: z.enum(['uniform', 'popularity']).default('uniform'),
    /** β of the popularity sampler (0 = uniform, 1 = proportional to popularity). */
    popularityExponent: z.number().min(0).max(2).default(0.75),
    /** A drawn j that u interacted with: skip the triple (Cornac) or draw again, up to 64 times. */
    sampledPositive: z.enum(['skip', 'resample']).default('skip'),
  })
  .strict();

export type BprParams = z.output<typeof bprParamsSchema>;

/**
 * One SGD step on the triple (u, i, j) at offsets uo, io, jo of f factors each:
 * z = σ(−x_uij) = 1 / (1 + e^{x_uij}); p_u += lr(z(q_i − q_j) − λp_u), q_i += lr(z·p_u − λq_i),
 * q_j += lr(−z·p_u − λq_j), b_i += lr(z − λb_i), b_j += lr(−z − λb_j) (old p_u in the item updates).
 * Returns x_uij before the step.
 */
export function bprStep(
  p: Float32Array, q: Float32Array, b: Float32Array | undefined, f: number,
  u: number, i: number, j: number, lr: number, reg: number,
): number {
  const uo = u * f, io = i * f, jo = j * f;
  let x = b ? b[i]! - b[j]! : 0;
  for (let a = 0; a < f; a++) x += p[uo + a]! * (q[io + a]! - q[jo + a]!);
  const z = 1 / (1 + Math.exp(x));
  for (let a = 0; a < f; a++) {
    const pu = p[uo + a]!, qi = q[io + a]!, qj = q[jo + a]!;
    p[uo + a] = pu + lr * (z * (qi - qj) - reg * pu);
    q[io + a] = qi + lr * (z * pu - reg * qi);
    q[jo + a] = qj + lr * (-z * pu - reg * qj);
  }
  if (b) {
    b[i] = b[i]! + lr * (z - reg * b[i]!);
    b[j] = b[j]! + lr * (-z - reg * b[j]!);
  }
  return x;
}

/** The per-triple objective BPR minimises: −ln σ(x_uij) + (λ/2)(‖p_u‖² + ‖q_i‖² + ‖q_j‖² + b_i² + b_j²). */
export function bprLoss(p: Float32Array | Float64Array, q: Float32Array | Float64Array, b: Float32Array | Float64Array | undefined, f: number, u: number, i: number, j: number, reg: number): number {
  let x = b ? b[i]! - b[j]! : 0, norm = b ? b[i]! * b[i]! + b[j]! * b[j]! : 0;
  for (let a = 0; a < f; a++) {
    x += p[u * f + a]! * (q[i * f + a]! - q[j * f + a]!);
    norm += p[u * f + a]! ** 2 + q[i * f + a]! ** 2 + q[j * f + a]! ** 2;
  }
  return Math.log1p(Math.exp(-x)) + 0.5 * reg * norm;
}

/** True when `item` is in row u of the CSR (binary search in the sorted row). */
function inRow(indptr: Int32Array, indices: Int32Array, u: number, item: number): boolean {
  let lo = indptr[u]!, hi = indptr[u + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = indices[mid]!;
    if (v === item) return true;
    if (v < item) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * A draw of a negative candidate j among the items with training interactions (Cornac's train_set items): uniform,
 * or ∝ count^β. Items with no training pair are never drawn, so they neither absorb updates nor get pushed down.
 */
function negativeDraw(m: Dataset['interactions'], params: Pick<BprParams, 'negativeSampler' | 'popularityExponent'>, rng: Rng): () => number {
  const counts = colCounts(m);
  const pool = Int32Array.from(Array.from(counts.keys()).filter((i) => counts[i]! > 0));
  if (params.negativeSampler === 'uniform') return () => pool[rng.int(pool.length)]!;
  const alias = new AliasTable(Array.from(pool, (i) => Math.pow(counts[i]!, params.popularityExponent)));
  return () => pool[alias.sample(rng)]!;
}

export class BprRecommender extends BiasedFactorRecommender {
  readonly id = BPR_ID;
  readonly params: Readonly<BprParams>;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(BPR_ID, bprParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const m = data.interactions;
    const nnz = m.indices.length;
    if (nnz === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const { factors: f, epochs, learningRate: lr, regularization: reg, bias } = this.params;
    const nUsers = m.rows, nItems = m.cols;
    const progress = options.progress ?? (() => {});
    const rng = createRng(options.seed ?? 42);
    // Cornac's initialisation: uniform in (−0.5, 0.5)/f, zero biases.
    let p = Float32Array.from({ length: nUsers * f }, () => (rng.next() - 0.5) / f);
    let q = Float32Array.from({ length: nItems * f }, () => (rng.next() - 0.5) / f);
    let b = new Float32Array(nItems);
    const rowOf = new Int32Array(nnz);
    for (let u = 0; u < nUsers; u++) rowOf.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
    const drawNegative = negativeDraw(m, this.params, rng);
    const skip = this.params.sampledPositive === 'skip';
    const wasm = bprWasmState(p, q, b, f, nnz);
    const users = wasm?.users ?? new Int32Array(nnz), pos = wasm?.pos ?? new Int32Array(nnz), neg = wasm?.neg ?? new Int32Array(nnz);
    for (let epoch = 0; epoch < epochs; epoch++) {
      throwIfAborted(options.signal, this.id);
      let n = 0;
      for (let s = 0; s < nnz; s++) {
        const k = rng.int(nnz);
        const u = rowOf[k]!;
        let j = drawNegative();
        // A user who interacted with every item has no negative; the try cap keeps resampling from looping forever.
        for (let tries = 1; inRow(m.indptr, m.indices, u, j); tries++) {
          j = skip || tries === 64 ? -1 : drawNegative();
          if (j < 0) break;
        }
        if (j < 0) continue;
        users[n] = u;
        pos[n] = m.indices[k]!;
        neg[n++] = j;
      }
      if (wasm) wasm.run(n, lr, reg, bias);
      else for (let t = 0; t < n; t++) bprStep(p, q, bias ? b : undefined, f, users[t]!, pos[t]!, neg[t]!, lr, reg);
      progress(epoch + 1, epochs, 'epoch');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    throwIfAborted(options.signal, this.id);
    if (wasm) {
      p = wasm.p.slice();
      q = wasm.q.slice();
      b = wasm.b.slice();
    }
    this.p = p;
    this.q = q;
    this.b = b;
    this.setSeen(data);
  }

  save(): Artifact {
    this.requireFitted();
    const f = this.params.factors;
    return this.artifactOf(VERSION, {
      user_factors: { data: this.p, shape: [this.nUsers, f] },
      item_factors: { data: this.q, shape: [this.nItems, f] },
      item_bias: { data: this.b, shape: [this.nItems] },
    });
  }

  static load(a: Artifact): BprRecommender {
    const where = `${BPR_ID} artifact`;
    const m = new BprRecommender(a.params);
    const f = m.params.factors;
    const { nUsers, nItems } = m.restoreSeen(a, where);
    m.p = f32Tensor(a.tensors, 'user_factors', nUsers * f, where);
    m.q = f32Tensor(a.tensors, 'item_factors', nItems * f, where);
    m.b = f32Tensor(a.tensors, 'item_bias', nItems, where);
    return m;
  }
}

export const bprFactory: ModelFactory = defineModel({
  id: BPR_ID,
  version: VERSION,
  description: 'BPR matrix factorisation with item bias, uniform or popularity negative sampling (Rendle et al. 2009)',
  params: bprParamsSchema,
  create: (params) => new BprRecommender(params),
  restore: (artifact) => BprRecommender.load(artifact),
});
