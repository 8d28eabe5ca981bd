/**
 * @module EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): a closed-form item-item
 * linear model.
 *
 * G = XᵀX + λI, P = G⁻¹, B = −P / diag(P) column-wise with diag(B) = 0 (the Lagrangian of the zero-diagonal
 * constraint), score(u) = x_u · B. G is accumulated in Float64 and inverted by recursive Schur-complement blocking
 * with every product in the SIMD gemm (spd-inverse.ts); dense n×n, so catalogues above `maxItems` are refused.
 * `forget` downdates the inverse by Sherman–Morrison per changed user row instead of inverting again.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { parseParams } from '../shared/model-io.js';
import { DENSE_ITEM_ITEM_VERSION, denseSubset, DenseItemItemRecommender, minSupportParam } from './dense-item-item.js';
import { spdInverseBlocked } from './spd-inverse.js';
import { inverseFromWeights, rankOneInverseUpdate, type SparseRow } from './inverse-update.js';
import { csrFilter, csrTranspose, type Csr } from '../../math/csr.js';
import type { Removal } from '../../data/dataset-without.js';
import { usersTouched } from '../shared/unlearning.js';

export const EASE_ID = 'ease';

export const easeParamsSchema = z
  .object({
    /** L2 weight λ on B; 500 is Steck's best on ML-20M-sized data and measured best on ml-100k. */
    lambda: z.number().positive().default(500),
    /** Use x_ui = 1 for every interaction (Steck's setting) instead of the summed weight. */
    binary: z.boolean().default(true),
    /** Largest catalogue accepted: a dense n×n Float64 Gram matrix of 20,000 items is 3.2 GB. */
    maxItems: z.number().int().positive().default(20_000),
    /** B covers only items with at least this many training users (1: every item anyone took); the rest are never recommended. */
    minSupport: minSupportParam,
  })
  .strict();

export type EaseParams = z.output<typeof easeParamsSchema>;

/** Dense Gram matrix G = XᵀX (n×n, Float64) from a users × items CSR. */
export function gramFromCsr(data: Dataset['interactions'], binary: boolean): Float64Array {
  const n = data.cols;
  const g = new Float64Array(n * n);
  for (let u = 0; u < data.rows; u++) {
    const s = data.indptr[u]!, e = data.indptr[u + 1]!;
    for (let a = s; a < e; a++) {
      const i = data.indices[a]!;
      const xi = binary ? 1 : data.data[a]!;
      const row = i * n;
      for (let b = s; b < e; b++) g[row + data.indices[b]!]! += xi * (binary ? 1 : data.data[b]!);
    }
  }
  return g;
}

/** B = −P / diag(P) column-wise, diag(B) = 0, from the n×n inverse P; returned as Float32 (scoring precision). */
export function easeWeights(p: Float64Array | Float32Array, n: number): Float32Array {
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) b[i * n + j] = i === j ? 0 : -p[i * n + j]! / p[j * n + j]!;
  }
  return b;
}

export class EaseRecommender extends DenseItemItemRecommender {
  readonly id = EASE_ID;
  readonly params: Readonly<EaseParams>;
  protected get binaryHistory(): boolean {
    return this.params.binary;
  }

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(EASE_ID, easeParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    try {
      this.fitNow(data, options);
      return Promise.resolve();
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  private fitNow(data: Dataset, options: FitOptions = {}): void {
    const sub = denseSubset(EASE_ID, data, this.params, 'item-knn/cosine');
    const n = sub.interactions.cols;
    const progress = options.progress ?? (() => {});
    throwIfAborted(options.signal, this.id);
    progress(0, 3, 'gram');
    const g = gramFromCsr(sub.interactions, this.params.binary);
    for (let i = 0; i < n; i++) g[i * n + i]! += this.params.lambda;
    throwIfAborted(options.signal, this.id);
    progress(1, 3, 'inverse');
    const p = spdInverseBlocked(Float32Array.from(g), n);
    throwIfAborted(options.signal, this.id);
    progress(2, 3, 'weights');
    this.setWeights(easeWeights(p, n), sub.kept, data);
    progress(3, 3, 'done');
  }

  /**
   * Unlearning: G loses the old rows of the users the removal touches and gains their new ones (an erased user has
   * none), and P = (G + λI)⁻¹ follows by one Sherman–Morrison step per row change (see inverse-update.ts), so B is
   * rebuilt in O(n² · rows changed) instead of an O(n³) inversion. When the removal changes which items B covers
   * (`minSupport`), B is fitted again on `data`.
   */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const sub = denseSubset(EASE_ID, data, this.params, 'item-knn/cosine');
    if (!sameColumns(sub.kept, this.kept)) {
      this.fitNow(data);
      return;
    }
    const n = sub.interactions.cols;
    const column = columnOf(this.kept, this.nItems);
    const before = this.seen!;
    const a = gramFromCsr(overColumns(before, column, n), this.params.binary);
    for (let i = 0; i < n; i++) a[i * n + i]! += this.params.lambda;
    const p = inverseFromWeights(this.b!, a, n);
    for (const u of usersTouched(csrTranspose(before), removed)) {
      rankOneInverseUpdate(p, n, this.rowOf(before, u, column), -1);
      if (u < data.interactions.rows) rankOneInverseUpdate(p, n, this.rowOf(data.interactions, u, column), 1);
    }
    this.b = easeWeights(p, n);
    this.forgetHistory(data, removed);
  }

  /** Row u of `x` over B's columns, as G sees it (binary or weighted). */
  private rowOf(x: Csr, u: number, column: Int32Array): SparseRow {
    const idx: number[] = [], val: number[] = [];
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
      const c = column[x.indices[k]!]!;
      if (c < 0) continue;
      idx.push(c);
      val.push(this.params.binary ? 1 : x.data[k]!);
    }
    return { indices: Int32Array.from(idx), values: Float64Array.from(val) };
  }

  /** The weight matrix B (row-major, over the kept items), for tests and inspection. */
  weights(): Float32Array {
    this.requireFitted();
    return this.b!;
  }

  static load(a: Artifact): EaseRecommender {
    return new EaseRecommender(a.params).restore(a);
  }
}

function sameColumns(a: Int32Array | null, b: Int32Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, k) => v === b[k]);
}

/** B's column of each dense item (−1 outside B). */
function columnOf(kept: Int32Array | null, nItems: number): Int32Array {
  if (kept === null) return Int32Array.from({ length: nItems }, (_, i) => i);
  const out = new Int32Array(nItems).fill(-1);
  kept.forEach((item, c) => { out[item] = c; });
  return out;
}

/** `x` with its columns mapped through `column` (entries outside B dropped): users × n. */
function overColumns(x: Csr, column: Int32Array, n: number): Csr {
  const m = csrFilter(x, (_v, _r, c) => column[c]! >= 0);
  return { ...m, cols: n, indices: m.indices.map((c) => column[c]!) };
}

export const easeFactory: ModelFactory = defineModel({
  id: EASE_ID,
  version: DENSE_ITEM_ITEM_VERSION,
  description: 'EASE: closed-form item-item linear autoencoder (Steck 2019), dense, up to 20k items',
  params: easeParamsSchema,
  create: (params) => new EaseRecommender(params),
  restore: (artifact) => EaseRecommender.load(artifact),
});
