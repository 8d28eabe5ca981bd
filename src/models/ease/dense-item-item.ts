/**
 * @module The serving half shared by models whose whole state is a dense item–item weight matrix B (EASE, its
 * time-proximity variant, GF-CF): score_u = x_u·B over the user's history, neighbours = a row of B, artifacts
 * holding B and the history.
 *
 * B covers only the items with at least `minSupport` training users (`restrictToSupported`; default 1, the items
 * anyone took): a catalogue's long tail of items nobody or one person took carries almost no co-occurrence, yet
 * would cost n² memory and n³ time. Items outside B score −∞ (never recommended) and have no neighbours.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import { csrFromTensors, csrTensors, f32Tensor, stateInt, tensor } from '../shared/model-io.js';
import type { Artifact, Recommendation } from '../recommender.js';

/** Artifact layout version of every dense item–item model (EASE, GF-CF, time-EASE): they share `save`. */
export const DENSE_ITEM_ITEM_VERSION = 1;

/** The `minSupport` parameter every dense item–item model takes. */
export const minSupportParam = z.number().int().min(1).default(1);

/** The interactions restricted to the columns of `kept` (re-indexed 0..m−1), entry times carried along. */
export interface ItemSubset {
  /** users × m, columns re-indexed; `data` and `times` follow the kept entries. */
  interactions: Csr;
  times: Float64Array;
  /** Dense item index of each column, or null when every item is kept (then `interactions` is the input). */
  kept: Int32Array | null;
}

/**
 * Keeps the items with at least `minSupport` training users (≥ 1: items nobody took have an empty row and column
 * in B and nothing to score them with; under a per-item split an item seen once sits in test only).
 */
export function restrictToSupported(data: Dataset, minSupport: number): ItemSubset {
  const m = data.interactions;
  const count = new Int32Array(m.cols);
  for (let q = 0; q < m.indices.length; q++) count[m.indices[q]!]! += 1;
  if (count.every((c) => c >= minSupport)) return { interactions: m, times: data.interactionTimes, kept: null };
  const pos = new Int32Array(m.cols).fill(-1);
  const keptList: number[] = [];
  for (let i = 0; i < m.cols; i++) if (count[i]! >= minSupport) { pos[i] = keptList.length; keptList.push(i); }
  const indptr = new Int32Array(m.rows + 1);
  for (let u = 0; u < m.rows; u++) {
    let c = 0;
    for (let q = m.indptr[u]!; q < m.indptr[u + 1]!; q++) if (pos[m.indices[q]!]! >= 0) c++;
    indptr[u + 1] = indptr[u]! + c;
  }
  const nnz = indptr[m.rows]!;
  const indices = new Int32Array(nnz), values = new Float32Array(nnz), times = new Float64Array(nnz);
  let w = 0;
  for (let u = 0; u < m.rows; u++) {
    for (let q = m.indptr[u]!; q < m.indptr[u + 1]!; q++) {
      const p = pos[m.indices[q]!]!;
      if (p < 0) continue;
      indices[w] = p;
      values[w] = m.data[q]!;
      times[w] = data.interactionTimes[q]!;
      w++;
    }
  }
  return { interactions: { rows: m.rows, cols: keptList.length, indptr, indices, data: values }, times, kept: Int32Array.from(keptList) };
}

/**
 * The items a dense model fits B over, checked: DATASET_EMPTY without interactions, INVALID_INPUT naming
 * `maxItems` when B would still be too large (`alternative` is the sparse model to suggest).
 */
export function denseSubset(id: string, data: Dataset, p: { minSupport: number; maxItems: number }, alternative: string): ItemSubset {
  if (data.interactions.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
  const sub = restrictToSupported(data, p.minSupport);
  const n = sub.interactions.cols;
  if (n > p.maxItems) {
    throw createError('INVALID_INPUT', { field: `${id} items`, problem: `${n} items exceed maxItems ${p.maxItems}: the model needs a dense ${n}×${n} matrix; raise minSupport or use ${alternative} for large catalogues` });
  }
  return sub;
}

export abstract class DenseItemItemRecommender extends BaseRecommender {
  /** m×m weights over the kept items (all n when `kept` is null), row i = how item i votes for every item. */
  protected b: Float32Array | undefined;
  /** Dense item index of each row of B, or null when B covers the whole catalogue. */
  protected kept: Int32Array | null = null;
  /** Row of B of each dense item, −1 outside B (built from `kept`). */
  private row: Int32Array | null = null;
  private acc: Float32Array | undefined;
  /** Scores count each history item once (x_u binary) rather than by its weight. */
  protected abstract readonly binaryHistory: boolean;

  /** Installs B over `kept` (null: every item) and the training history. */
  protected setWeights(b: Float32Array, kept: Int32Array | null, data: Dataset): void {
    this.b = b;
    this.setSeen(data);
    this.setKept(kept);
  }

  private setKept(kept: Int32Array | null): void {
    this.kept = kept;
    this.row = null;
    if (kept !== null) {
      this.row = new Int32Array(this.nItems).fill(-1);
      kept.forEach((item, r) => { this.row![item] = r; });
    }
  }

  /** Rows of B. */
  private get size(): number {
    return this.kept === null ? this.nItems : this.kept.length;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const b = this.b!, m = this.size, kept = this.kept, row = this.row;
    const h = this.historyOf(user);
    const acc = kept === null ? out : (this.acc ??= new Float32Array(m));
    acc.fill(0);
    for (let k = 0; k < h.items.length; k++) {
      const r = row === null ? h.items[k]! : row[h.items[k]!]!;
      if (r < 0) continue;
      const x = this.binaryHistory ? 1 : h.weights[k]!;
      const off = r * m;
      for (let j = 0; j < m; j++) acc[j]! += x * b[off + j]!;
    }
    if (kept !== null) {
      out.fill(-Infinity);
      for (let j = 0; j < m; j++) out[kept[j]!] = acc[j]!;
    }
  }

  /** Online update: new interactions enter x_u at once (B is fixed), so scores follow without refitting. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const r = this.row === null ? item : this.row[item]!;
    if (r < 0) return [];
    const m = this.size;
    const weights = this.b!.subarray(r * m, (r + 1) * m);
    return topK(weights, k, (j) => j === r).map((s) => ({ item: this.kept === null ? s.index : this.kept[s.index]!, score: s.score }));
  }

  save(): Artifact {
    this.requireFitted();
    const m = this.size;
    return {
      kind: this.id,
      version: DENSE_ITEM_ITEM_VERSION,
      params: { ...this.params },
      tensors: {
        b: { data: this.b!, shape: [m, m] },
        ...(this.kept === null ? {} : { kept: { data: this.kept, shape: [m] } }),
        ...csrTensors('seen', this.historyCsr()),
      },
      state: { nUsers: this.nUsers, nItems: this.nItems },
    };
  }

  /** Fills a new model from an artifact written by `save` (shapes checked, indices in range). */
  protected restore(a: Artifact): this {
    const where = `${this.id} artifact`;
    const nUsers = stateInt(a.state, 'nUsers', where), nItems = stateInt(a.state, 'nItems', where);
    let kept: Int32Array | null = null;
    if (a.tensors.kept !== undefined) {
      const t = tensor(a.tensors, 'kept', where);
      if (!(t.data instanceof Int32Array) || t.data.some((i, r) => i < 0 || i >= nItems || (r > 0 && i <= t.data[r - 1]!))) {
        throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor kept must hold increasing Int32 item indices below ${nItems}` });
      }
      kept = t.data;
    }
    const m = kept === null ? nItems : kept.length;
    this.b = f32Tensor(a.tensors, 'b', m * m, where);
    this.seen = csrFromTensors(a.tensors, 'seen', nUsers, nItems, where);
    this.nUsers = nUsers;
    this.nItems = nItems;
    this.setKept(kept);
    return this;
  }
}
