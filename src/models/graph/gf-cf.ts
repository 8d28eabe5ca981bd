/**
 * @module GF-CF (Shen et al. 2021, "How Powerful is Graph Convolution for Recommendation?", CIKM): a training-free
 * graph filter, registry id `graph/gf-cf`.
 *
 * With R the binary users × items matrix and D_U, D_I its row and column degrees, R̃ = D_U^{-½} R D_I^{-½} and
 * P̃ = R̃ᵀR̃ (the normalised item–item graph). A user's scores are
 *
 *   s_u = r_u·P̃ + α · r_u·D_I^{-½} V Vᵀ D_I^{½}
 *
 * the first term a linear low-pass filter, the second an ideal low-pass filter onto V, the top-k right singular
 * vectors of R̃ (the top-k eigenvectors of P̃). The authors' defaults: k = 256, α = 0.3. Both terms fold into one
 * dense item–item matrix B = P̃ + α·D_I^{-½} V Vᵀ D_I^{½}, served like EASE. V comes from subspace iteration on
 * P̃ applied through the sparse R̃ (two sparse products a step), so P̃'s spectrum is never formed densely.
 * Items nobody has taken (degree 0) are outside B (`minSupport` ≥ 1).
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { topEigenpairs } from '../../math/eigen.js';
import { gemm } from '../../math/gemm.js';
import { DENSE_ITEM_ITEM_VERSION, denseSubset, DenseItemItemRecommender, minSupportParam } from '../ease/dense-item-item.js';
import { gramFromCsr } from '../ease/ease.js';
import { parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';

export const GF_CF_ID = 'graph/gf-cf';

export const gfCfParamsSchema = z
  .object({
    /** k, the rank of the ideal low-pass filter (256 in the paper's code). */
    factors: z.number().int().min(1).max(2048).default(256),
    /** α, the ideal filter's weight (0.3 in the paper's code; 0 keeps only the linear filter). */
    alpha: z.number().min(0).default(0.3),
    /** Subspace-iteration steps for the top-k singular vectors. */
    iterations: z.number().int().min(1).max(1000).default(30),
    /** Largest catalogue accepted (dense n×n, as EASE). */
    maxItems: z.number().int().positive().default(20_000),
    /** B covers only items with at least this many training users, as EASE's. */
    minSupport: minSupportParam,
  })
  .strict();

export type GfCfParams = z.output<typeof gfCfParamsSchema>;

/** The normalised interaction matrix R̃ as CSR values over `data.interactions`' pattern, and D_I's diagonal. */
export function normalizedInteractions(m: Dataset['interactions']): { values: Float32Array; itemDegree: Float64Array } {
  const userDegree = new Float64Array(m.rows), itemDegree = new Float64Array(m.cols);
  for (let u = 0; u < m.rows; u++) {
    userDegree[u] = m.indptr[u + 1]! - m.indptr[u]!;
    for (let q = m.indptr[u]!; q < m.indptr[u + 1]!; q++) itemDegree[m.indices[q]!]! += 1;
  }
  const values = new Float32Array(m.indices.length);
  for (let u = 0; u < m.rows; u++) {
    for (let q = m.indptr[u]!; q < m.indptr[u + 1]!; q++) values[q] = 1 / Math.sqrt(userDegree[u]! * itemDegree[m.indices[q]!]!);
  }
  return { values, itemDegree };
}

export class GfCfRecommender extends DenseItemItemRecommender {
  readonly id = GF_CF_ID;
  readonly params: Readonly<GfCfParams>;
  protected readonly binaryHistory = true;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(GF_CF_ID, gfCfParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const sub = denseSubset(GF_CF_ID, data, this.params, 'item-knn/cosine');
    const m = sub.interactions, n = m.cols;
    const progress = options.progress ?? (() => {});
    throwIfAborted(options.signal, this.id);
    const { values, itemDegree } = normalizedInteractions(m);
    // P̃ = R̃ᵀR̃: EASE's Gram matrix of the normalised values.
    const b = Float32Array.from(gramFromCsr({ ...m, data: values }, false));
    const k = Math.min(this.params.factors, n);
    if (this.params.alpha > 0) {
      // Z = P̃·Q = R̃ᵀ(R̃·Q): the block is n×w, R̃·Q is users×w.
      const apply = (q: Float32Array, w: number, out: Float32Array): void => {
        const y = new Float32Array(m.rows * w);
        for (let u = 0; u < m.rows; u++) {
          for (let a = m.indptr[u]!; a < m.indptr[u + 1]!; a++) {
            const v = values[a]!, src = m.indices[a]! * w, dst = u * w;
            for (let c = 0; c < w; c++) y[dst + c]! += v * q[src + c]!;
          }
        }
        out.fill(0);
        for (let u = 0; u < m.rows; u++) {
          for (let a = m.indptr[u]!; a < m.indptr[u + 1]!; a++) {
            const v = values[a]!, dst = m.indices[a]! * w, src = u * w;
            for (let c = 0; c < w; c++) out[dst + c]! += v * y[src + c]!;
          }
        }
      };
      const { vectors } = topEigenpairs(apply, n, k, {
        iterations: this.params.iterations,
        onIteration: (done, total) => { throwIfAborted(options.signal, this.id); progress(done, total + 1, 'singular vectors'); },
      });
      // B += α · (D^{-½}V)(D^{½}V)ᵀ
      const left = new Float32Array(n * k), right = new Float32Array(n * k);
      for (let i = 0; i < n; i++) {
        const sq = Math.sqrt(itemDegree[i]!), inv = 1 / sq; // every item in B has degree ≥ minSupport ≥ 1
        for (let c = 0; c < k; c++) {
          left[i * k + c] = this.params.alpha * inv * vectors[i * k + c]!;
          right[i * k + c] = sq * vectors[i * k + c]!;
        }
      }
      gemm({ transB: true, m: n, n, k, a: left, b: right, c: b, beta: 1 });
    }
    throwIfAborted(options.signal, this.id);
    this.setWeights(b, sub.kept, data);
    progress(1, 1, 'done');
  }

  static load(a: Artifact): GfCfRecommender {
    return new GfCfRecommender(a.params).restore(a);
  }
}

export const gfCfFactory: ModelFactory = defineModel({
  id: GF_CF_ID,
  version: DENSE_ITEM_ITEM_VERSION,
  description: 'GF-CF: training-free graph filter, normalised item–item graph plus an ideal low-pass filter (Shen et al. 2021)',
  params: gfCfParamsSchema,
  create: (params) => new GfCfRecommender(params),
  restore: (artifact) => GfCfRecommender.load(artifact),
});
