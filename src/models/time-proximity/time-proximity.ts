/**
 * @module Item-item models whose co-occurrences are weighted by how close in time one user took the two items.
 *
 * People take related items in the same sitting: MovieLens users rate the films a page shows them within
 * minutes, listeners queue related artists together. So a pair (i, j) taken by user u at times t_ui and t_uj
 * counts k(t_ui − t_uj) = (1 − γ) + γ·exp(−|t_ui − t_uj| / τ): γ = 0 is the plain co-occurrence count, γ = 1 counts
 * only what happened within a few τ. The kernel is positive definite, so G = Σ_u X_uᵀ K_u X_u is a valid Gram
 * matrix (G_ii = the item's count, as in XᵀX). Only training timestamps are used.
 *
 *   time-proximity/knn   W_ij = G_ij / (c_i c_j)^e (e = ½: cosine), top `neighbours` per row, score(u) = Σ_{j∈u} W_j
 *   time-proximity/ease  EASE (Steck 2019) on G + λI: B = −P / diag(P), diag(B) = 0, P = (G + λI)⁻¹
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import type { Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import { easeWeights } from '../ease/ease.js';
import { DENSE_ITEM_ITEM_VERSION, denseSubset, DenseItemItemRecommender, minSupportParam } from '../ease/dense-item-item.js';
import { spdInverseBlocked } from '../ease/spd-inverse.js';
import { checkCsrIndices, csrFromTensors, csrTensors, parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';

export const TIME_KNN_ID = 'time-proximity/knn';
export const TIME_EASE_ID = 'time-proximity/ease';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;
const MINUTE_MS = 60_000;

const tauMinutes = z.number().positive();
const gamma = z.number().min(0).max(1);

export const timeKnnParamsSchema = z
  .object({
    /** τ of the proximity kernel, in minutes. */
    tauMinutes: tauMinutes.default(10),
    /** Share γ of the proximity kernel in k (1: only closeness counts). */
    gamma: gamma.default(1),
    /** e in W_ij = G_ij / (c_i c_j)^e: ½ is cosine-like, 0 raw, 1 lift-like. */
    normExponent: z.number().min(0).max(2).default(0.5),
    neighbours: z.number().int().positive().default(200),
  })
  .strict();

export const timeEaseParamsSchema = z
  .object({
    tauMinutes: tauMinutes.default(3),
    gamma: gamma.default(0.7),
    /** L2 weight λ on B, as EASE's. */
    lambda: z.number().positive().default(500),
    /** Largest catalogue accepted (dense n×n, as EASE). */
    maxItems: z.number().int().positive().default(20_000),
    /** B covers only items with at least this many training users, as EASE's. */
    minSupport: minSupportParam,
  })
  .strict();

export type TimeKnnParams = z.output<typeof timeKnnParamsSchema>;
export type TimeEaseParams = z.output<typeof timeEaseParamsSchema>;

/** k(Δt) = (1 − γ) + γ·exp(−|Δt| / τ). */
export function proximityKernel(dtMs: number, p: { tauMinutes: number; gamma: number }): number {
  return 1 - p.gamma + p.gamma * Math.exp(-Math.abs(dtMs) / (p.tauMinutes * MINUTE_MS));
}

/**
 * Calls `visit(i, j, k)` for every ordered pair of one user's items (i = j included) with the kernel weight,
 * user by user; `times` aligned with `m`'s entries.
 */
function eachPair(m: Csr, times: Float64Array, p: { tauMinutes: number; gamma: number }, visit: (i: number, j: number, k: number) => void, signal?: AbortSignal, id = ''): void {
  for (let u = 0; u < m.rows; u++) {
    if ((u & 255) === 0) throwIfAborted(signal, id);
    const s = m.indptr[u]!, e = m.indptr[u + 1]!;
    for (let a = s; a < e; a++) {
      const ta = times[a]!, i = m.indices[a]!;
      for (let b = s; b < e; b++) visit(i, m.indices[b]!, proximityKernel(times[b]! - ta, p));
    }
  }
}

/** Dense G (n×n, Float64) of the module formula. */
export function proximityGram(m: Csr, times: Float64Array, p: { tauMinutes: number; gamma: number }, signal?: AbortSignal): Float64Array {
  const n = m.cols;
  const g = new Float64Array(n * n);
  eachPair(m, times, p, (i, j, k) => { g[i * n + j]! += k; }, signal, TIME_EASE_ID);
  return g;
}

/** Sparse W of time-proximity/knn: per item i, its top `neighbours` items j ≠ i by G_ij / (c_i c_j)^e. */
export function proximityNeighbours(m: Csr, times: Float64Array, p: TimeKnnParams, signal?: AbortSignal): Csr {
  const n = m.cols;
  // Rows of G are built item by item from the users of i (transposed walk), so memory stays O(n) per row.
  const byItem: number[][] = Array.from({ length: n }, () => []);
  for (let u = 0; u < m.rows; u++) for (let a = m.indptr[u]!; a < m.indptr[u + 1]!; a++) byItem[m.indices[a]!]!.push(a);
  const rowOfEntry = new Int32Array(m.indices.length);
  for (let u = 0; u < m.rows; u++) rowOfEntry.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
  const count = Float64Array.from(byItem, (entries) => entries.length);
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const touched: number[] = [];
  const rows: { items: Int32Array; values: Float32Array }[] = [];
  for (let i = 0; i < n; i++) {
    if ((i & 255) === 0) throwIfAborted(signal, TIME_KNN_ID);
    touched.length = 0;
    for (const a of byItem[i]!) {
      const u = rowOfEntry[a]!, ta = times[a]!;
      for (let b = m.indptr[u]!; b < m.indptr[u + 1]!; b++) {
        const j = m.indices[b]!;
        if (j === i) continue;
        if (mark[j] !== i) { mark[j] = i; acc[j] = 0; touched.push(j); }
        acc[j]! += proximityKernel(times[b]! - ta, p);
      }
    }
    const values = Float64Array.from(touched, (j) => acc[j]! / Math.pow(count[i]! * count[j]!, p.normExponent));
    const best = topK(values, p.neighbours).filter((s) => s.score > 0).sort((a, b) => touched[a.index]! - touched[b.index]!);
    rows.push({ items: Int32Array.from(best, (s) => touched[s.index]!), values: Float32Array.from(best, (s) => s.score) });
  }
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + rows[i]!.items.length;
  const indices = new Int32Array(indptr[n]!), data = new Float32Array(indptr[n]!);
  rows.forEach((r, i) => { indices.set(r.items, indptr[i]!); data.set(r.values, indptr[i]!); });
  return { rows: n, cols: n, indptr, indices, data };
}

export class TimeKnnRecommender extends BaseRecommender {
  readonly id = TIME_KNN_ID;
  readonly params: Readonly<TimeKnnParams>;
  private w: Csr | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(TIME_KNN_ID, timeKnnParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    if (data.interactions.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    throwIfAborted(options.signal, this.id);
    this.w = proximityNeighbours(data.interactions, data.interactionTimes, this.params, options.signal);
    this.added.clear();
    this.setSeen(data);
  }

  /** W, items × items. */
  similarity(): Csr {
    this.requireFitted();
    return this.w!;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const w = this.w!;
    for (const j of this.historyOf(user).items) {
      for (let q = w.indptr[j]!; q < w.indptr[j + 1]!; q++) {
        const i = w.indices[q]!;
        out[i] = (out[i] === -Infinity ? 0 : out[i]!) + w.data[q]!;
      }
    }
  }

  /** Online update: the items join the user's history at once; W is refreshed by the next fit. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const w = this.w!, start = w.indptr[item]!;
    return topK(w.data.subarray(start, w.indptr[item + 1]!), k).map((r) => ({ item: w.indices[start + r.index]!, score: r.score }));
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, csrTensors('w', this.w!));
  }

  static load(a: Artifact): TimeKnnRecommender {
    const where = `${TIME_KNN_ID} artifact`;
    const m = new TimeKnnRecommender(a.params);
    const { nItems, seen } = m.restoreSeen(a, where);
    m.w = csrFromTensors(a.tensors, 'w', nItems, nItems, where);
    checkCsrIndices(m.w, where, 'w');
    checkCsrIndices(seen, where, 'seen');
    return m;
  }
}

export class TimeEaseRecommender extends DenseItemItemRecommender {
  readonly id = TIME_EASE_ID;
  readonly params: Readonly<TimeEaseParams>;
  protected readonly binaryHistory = true;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(TIME_EASE_ID, timeEaseParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const sub = denseSubset(TIME_EASE_ID, data, this.params, 'time-proximity/knn');
    const n = sub.interactions.cols;
    throwIfAborted(options.signal, this.id);
    const g = proximityGram(sub.interactions, sub.times, this.params, options.signal);
    for (let i = 0; i < n; i++) g[i * n + i]! += this.params.lambda;
    throwIfAborted(options.signal, this.id);
    this.added.clear();
    this.setWeights(easeWeights(spdInverseBlocked(Float32Array.from(g), n), n), sub.kept, data);
  }

  static load(a: Artifact): TimeEaseRecommender {
    const m = new TimeEaseRecommender(a.params).restore(a);
    checkCsrIndices(m.seen!, `${TIME_EASE_ID} artifact`, 'seen');
    return m;
  }

}

export const timeKnnFactory: ModelFactory = defineModel({
  id: TIME_KNN_ID,
  version: VERSION,
  description: 'Item-kNN on co-occurrences weighted by how close in time the user took the two items',
  params: timeKnnParamsSchema,
  create: (params) => new TimeKnnRecommender(params),
  restore: (artifact) => TimeKnnRecommender.load(artifact),
});

export const timeEaseFactory: ModelFactory = defineModel({
  id: TIME_EASE_ID,
  version: DENSE_ITEM_ITEM_VERSION,
  description: 'EASE on a Gram matrix whose co-occurrences are weighted by time proximity (Steck 2019 + a time kernel)',
  params: timeEaseParamsSchema,
  create: (params) => new TimeEaseRecommender(params),
  restore: (artifact) => TimeEaseRecommender.load(artifact),
});
