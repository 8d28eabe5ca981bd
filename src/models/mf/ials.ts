/**
 * @module Implicit ALS (Hu, Koren & Volinsky 2008, "Collaborative Filtering for Implicit Feedback Datasets")
 * with the conjugate-gradient row solver of Takács, Pilászy & Tikk 2011.
 *
 * Confidence c_ui = 1 + α·r_ui (`linear`) or 1 + α·log(1 + r_ui/ε) (`log`), preference p_ui = 1 on observed
 * cells; loss Σ_ui c_ui (p_ui − x_uᵀy_i)² + λ(‖X‖² + ‖Y‖²). Each iteration solves every user against fixed
 * items, then every item against fixed users, with `cgSteps` CG steps per row warm-started from the previous
 * factors (implicit's `least_squares_cg`), the rows spread over worker threads.
 */
import os from 'node:os';
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { csrTranspose, type Csr } from '../../math/csr.js';
import { gemm } from '../../math/gemm.js';
import { cosineNeighbours } from '../cosine-neighbours.js';
import { BaseRecommender } from '../base-recommender.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { directSolveRow, gramPlusRidge } from './ials-kernel.js';
import { allocateIals, createIalsPool } from './ials-pool.js';
import { f32Tensor, parseParams } from '../shared/model-io.js';

export const IALS_ID = 'mf/ials';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const ialsParamsSchema = z
  .object({
    /** Latent dimension. */
    factors: z.number().int().min(1).max(1024).default(64),
    /** ALS sweeps (users then items); implicit's default. */
    iterations: z.number().int().min(1).max(1000).default(15),
    /** λ; implicit defaults to 0.01, but on ml-100k (msr validation split carved from training) λ = 30 lifted nDCG@10 from 0.26 to 0.27 (test: 0.375 → 0.482). */
    regularization: z.number().min(0).default(30),
    /** α in the confidence formula. */
    alpha: z.number().min(0).default(1),
    /** c = 1 + α·r (`linear`, the paper's eq. 6 form) or c = 1 + α·log(1 + r/ε) (`log`, for heavy-tailed counts). */
    confidence: z.enum(['linear', 'log']).default('linear'),
    /** ε of the log confidence. */
    epsilon: z.number().positive().default(1),
    /** Treat every interaction as r = 1 (ignore weights such as ratings or play counts). */
    binary: z.boolean().default(false),
    /** CG steps per row per half-iteration; 3 is implicit's choice (Takács et al. find 2–4 enough). */
    cgSteps: z.number().int().min(1).max(100).default(3),
    /** Threads for fitting; 0 = one per core (at most 8). */
    threads: z.number().int().min(0).max(64).default(0),
  })
  .strict();

export type IalsParams = z.output<typeof ialsParamsSchema>;

/** Confidence values c_ui for the stored weights of `m`. */
export function confidences(m: Csr, p: Pick<IalsParams, 'alpha' | 'confidence' | 'epsilon' | 'binary'>): Float32Array {
  const out = new Float32Array(m.data.length);
  for (let k = 0; k < out.length; k++) {
    const r = p.binary ? 1 : m.data[k]!;
    out[k] = p.confidence === 'log' ? 1 + p.alpha * Math.log1p(r / p.epsilon) : 1 + p.alpha * r;
  }
  return out;
}

/** gram = YᵀY + λI through the SIMD gemm (YᵀY is n·f² multiply-adds, too many for a JS loop every half-sweep). */
export function gramPlusRidgeGemm(y: Float32Array, n: number, f: number, lambda: number, out: Float32Array): void {
  gemm({ transA: true, m: f, n: f, k: n, a: y.subarray(0, n * f), b: y.subarray(0, n * f), c: out });
  for (let a = 0; a < f; a++) out[a * f + a]! += lambda;
}

/** Initial factors uniform in [0, 0.01), as implicit. */
function initFactors(n: number, f: number, rng: { next(): number }, out: Float32Array): void {
  for (let k = 0; k < n * f; k++) out[k] = rng.next() * 0.01;
}

export class IalsRecommender extends BaseRecommender {
  readonly id = IALS_ID;
  readonly params: Readonly<IalsParams>;
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  /** YᵀY + λI for fold-in, computed on first use. */
  private itemGram: Float32Array | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(IALS_ID, ialsParamsSchema, params);
  }

  get userFactors(): Float32Array {
    return this.x;
  }

  get itemFactors(): Float32Array {
    return this.y;
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const m = data.interactions;
    if (m.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const p = this.params, f = p.factors;
    const progress = options.progress ?? (() => {});
    const nUsers = m.rows, nItems = m.cols;
    const t = csrTranspose(m);
    const threads = Math.max(1, Math.min(p.threads || Math.min(os.availableParallelism(), 8), Math.ceil(nUsers / 64)));
    const { shared, wasm } = allocateIals(m, confidences(m, p), t, confidences(t, p), f, p.cgSteps, threads);
    const rng = createRng(options.seed ?? 42);
    initFactors(nUsers, f, rng, shared.x);
    initFactors(nItems, f, rng, shared.y);
    const pool = await createIalsPool(shared, threads, wasm);
    try {
      for (let it = 0; it < p.iterations; it++) {
        throwIfAborted(options.signal, this.id);
        gramPlusRidgeGemm(shared.y, nItems, f, p.regularization, shared.gram);
        pool.half(0);
        gramPlusRidgeGemm(shared.x, nUsers, f, p.regularization, shared.gram);
        pool.half(1);
        progress(it + 1, p.iterations, 'iteration');
        // Let timers and abort handlers run between sweeps.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      throwIfAborted(options.signal, this.id);
    } finally {
      await pool.close();
    }
    this.x = Float32Array.from(shared.x);
    this.y = Float32Array.from(shared.y);
    this.itemGram = undefined;
    this.setSeen(data);
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const f = this.params.factors, x = this.x, y = this.y, xo = user * f;
    for (let i = 0; i < this.nItems; i++) {
      const yo = i * f;
      let s = 0;
      for (let a = 0; a < f; a++) s += x[xo + a]! * y[yo + a]!;
      out[i] = s;
    }
  }

  /**
   * Fold-in (Hu et al. §4): re-solves the user's factor exactly against the fixed item factors from all their
   * interactions plus the new ones. New users (index ≥ nUsers) get a row.
   */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
    const f = this.params.factors;
    if (this.nUsers * f > this.x.length) {
      const grown = new Float32Array(this.nUsers * f);
      grown.set(this.x);
      this.x = grown;
    }
    if (!this.itemGram) {
      this.itemGram = new Float32Array(f * f);
      gramPlusRidge(this.y, this.nItems, f, this.params.regularization, this.itemGram);
    }
    const h = this.historyOf(user);
    const row: Csr = { rows: 1, cols: this.nItems, indptr: Int32Array.of(0, h.items.length), indices: h.items, data: h.weights };
    const sol = directSolveRow(h.items, confidences(row, this.params), this.y, this.itemGram, f);
    for (let a = 0; a < f; a++) this.x[user * f + a] = sol[a]!;
  }

  /** Items by cosine of their factors. */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    return cosineNeighbours(this.y, this.params.factors, this.nItems, item, k);
  }

  save(): Artifact {
    this.requireFitted();
    const f = this.params.factors;
    return this.artifactOf(VERSION, {
      user_factors: { data: this.x, shape: [this.nUsers, f] },
      item_factors: { data: this.y, shape: [this.nItems, f] },
    });
  }

  static load(a: Artifact): IalsRecommender {
    const where = `${IALS_ID} artifact`;
    const m = new IalsRecommender(a.params);
    const f = m.params.factors;
    const { nUsers, nItems } = m.restoreSeen(a, where);
    m.x = f32Tensor(a.tensors, 'user_factors', nUsers * f, where);
    m.y = f32Tensor(a.tensors, 'item_factors', nItems * f, where);
    return m;
  }
}

export const ialsFactory: ModelFactory = defineModel({
  id: IALS_ID,
  version: VERSION,
  description: 'Implicit ALS with conjugate-gradient solves (Hu et al. 2008; Takács et al. 2011), multi-threaded',
  params: ialsParamsSchema,
  create: (params) => new IalsRecommender(params),
  restore: (artifact) => IalsRecommender.load(artifact),
});
