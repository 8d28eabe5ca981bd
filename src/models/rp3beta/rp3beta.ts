/**
 * @module RP3beta (Paudel, Christoffel, Newell & Bernstein 2017, "Updatable, accurate, diverse, and scalable
 * recommendations for interactive applications"): a three-step random walk user → item → user → item on the
 * bipartite interaction graph, its item-to-item part re-ranked by popularity.
 *
 * With P_ui = x_ui / Σ_j x_uj (user → item) and P_iu = 1 / deg(i) (item → user, on the binary graph), both raised
 * element-wise to α, the item-to-item weight is W_ij = (Σ_u P_iu^α P_uj^α) / deg(j)^β, diagonal zero, each row
 * kept to its `neighbours` largest entries and optionally L1-normalised. score(u) = x_u · W. As in Dacrema,
 * Cremonesi & Jannach's reference implementation (RecSys 2019, `RP3betaRecommender`): β = 0 is P³α, α = 1 and β = 0
 * is the plain P³ walk.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { csrTranspose, type Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import { checkCsrIndices, csrFromTensors, csrTensors, parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { addUpdate, itemsTouched, replaceRows, rowsToRecompute, topKRowUpdates, usersTouched, type EntryUpdates, type ExactEntry, type SparseRow } from '../shared/unlearning.js';
import type { Removal } from '../../data/dataset-without.js';

export const RP3BETA_ID = 'rp3beta';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const rp3betaParamsSchema = z
  .object({
    /** Exponent on the transition probabilities (α; 1 = the plain walk). */
    alpha: z.number().min(0).default(1),
    /** Popularity penalty: W_ij is divided by deg(j)^β (β; 0 = none). */
    beta: z.number().min(0).default(0.5),
    /** Entries kept per row of W. */
    neighbours: z.number().int().positive().default(200),
    /** Divide each row of W by its sum after the top-k cut. */
    normalize: z.boolean().default(false),
    /** Use x_ui = 1 for every interaction (default) instead of the summed weight. */
    binary: z.boolean().default(true),
  })
  .strict();

export type Rp3betaParams = z.output<typeof rp3betaParamsSchema>;

/** The users × items matrix the walk and the scores use: binary or weighted. */
function walkMatrix(x: Csr, binary: boolean): Csr {
  return binary ? { ...x, data: new Float32Array(x.data.length).fill(1) } : x;
}

/** W (items × items, sparse, top `neighbours` per row) of RP3beta from the users × items matrix `x`. */
export function rp3betaSimilarity(x: Csr, p: Omit<Rp3betaParams, 'binary'>, signal?: AbortSignal): Csr {
  return similarityAndTranspose(x, p, signal).w;
}

/** W, and the transpose of `x` it walked (kept by the model for its next `forget`). */
function similarityAndTranspose(x: Csr, p: Omit<Rp3betaParams, 'binary'>, signal?: AbortSignal): { w: Csr; xT: Csr } {
  const n = x.cols;
  const { row, xT } = rp3betaParts(x, p);
  const rowItems: Int32Array[] = [];
  const rowValues: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    if ((i & 255) === 0) throwIfAborted(signal, RP3BETA_ID);
    const r = row(i);
    rowItems.push(r.indices);
    rowValues.push(r.data);
  }
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + rowItems[i]!.length;
  const indices = new Int32Array(indptr[n]!), data = new Float32Array(indptr[n]!);
  for (let i = 0; i < n; i++) {
    indices.set(rowItems[i]!, indptr[i]!);
    data.set(rowValues[i]!, indptr[i]!);
  }
  return { w: { rows: n, cols: n, indptr, indices, data }, xT };
}

/**
 * W over the users × items matrix `x`, a row or a column at a time: the fit computes every row; `forget` the rows
 * a removal changes through their own degree or their users' transition probabilities, and the columns whose
 * popularity penalty changed (the same arithmetic in the same order, so the same bits).
 */
function rp3betaParts(x: Csr, p: Omit<Rp3betaParams, 'binary'>, transposed?: Csr): {
  /** The items × users transpose of `x` (its pattern; the values are not read). */
  xT: Csr;
  row(i: number): { indices: Int32Array; data: Float32Array };
  /** Calls visit(i, W_ij before the top-k cut) for every row i ≠ j reaching column j. */
  column(j: number, visit: (i: number, value: number) => void): void;
  /** W_ij alone, and the order the row breaks a tie in (the user through which it first reaches j, then j). */
  exact(i: number): ExactEntry;
} {
  const n = x.cols;
  const xT = transposed ?? csrTranspose(x);
  // P_uj^α for the stored entries of x, row-normalised by the user's total weight: computed for a user when a row
  // first walks through them (forget walks through few), with the same arithmetic as for all.
  const pui = new Float64Array(x.data.length);
  const puiReady = new Uint8Array(x.rows);
  const walkTo = (u: number): void => {
    if (puiReady[u]) return;
    puiReady[u] = 1;
    let total = 0;
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) total += x.data[k]!;
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) pui[k] = total > 0 ? Math.pow(x.data[k]! / total, p.alpha) : 0;
  };
  const degree = (i: number): number => xT.indptr[i + 1]! - xT.indptr[i]!;
  // deg(j)^-β, once per item asked.
  const penaltyOf = new Float64Array(n).fill(NaN);
  const penalty = (j: number): number => (Number.isNaN(penaltyOf[j]!) ? (penaltyOf[j] = degree(j) > 0 ? Math.pow(degree(j), -p.beta) : 0) : penaltyOf[j]!);
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const touched: number[] = [];
  const row = (i: number): { indices: Int32Array; data: Float32Array } => {
    touched.length = 0;
    const di = degree(i);
    if (di > 0) {
      const piu = Math.pow(1 / di, p.alpha);
      for (let a = xT.indptr[i]!; a < xT.indptr[i + 1]!; a++) {
        const u = xT.indices[a]!;
        walkTo(u);
        for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
          const j = x.indices[k]!;
          if (mark[j] !== i) { mark[j] = i; acc[j] = 0; touched.push(j); }
          acc[j]! += piu * pui[k]!;
        }
      }
    }
    // The mark of row i must not survive into a later call for the same row (forget may ask for it again).
    for (const j of touched) mark[j] = -1;
    const values = Float64Array.from(touched, (j) => (j === i ? 0 : acc[j]! * penalty(j)));
    const best = topK(values, p.neighbours).filter((s) => s.score > 0);
    let sum = 0;
    for (const s of best) sum += s.score;
    const scale = p.normalize && sum > 0 ? 1 / sum : 1;
    best.sort((a, b) => touched[a.index]! - touched[b.index]!);
    return { indices: Int32Array.from(best, (s) => touched[s.index]!), data: Float32Array.from(best, (s) => s.score * scale) };
  };
  // P_iu^α = (1 / deg i)^α, computed as the row does, once per item asked.
  const piuOf = new Float64Array(n).fill(NaN);
  const walkBack = (i: number): number => (Number.isNaN(piuOf[i]!) ? (piuOf[i] = Math.pow(1 / degree(i), p.alpha)) : piuOf[i]!);
  const column = (j: number, visit: (i: number, value: number) => void): void => {
    // Row i sums piu_i · P_uj^α over its users u in ascending order; so does this, over the users of j.
    touched.length = 0;
    for (let a = xT.indptr[j]!; a < xT.indptr[j + 1]!; a++) {
      const u = xT.indices[a]!;
      walkTo(u);
      const k = entry(x, u, j);
      for (let q = x.indptr[u]!; q < x.indptr[u + 1]!; q++) {
        const i = x.indices[q]!;
        if (i === j) continue;
        if (mark[i] !== j) { mark[i] = j; acc[i] = 0; touched.push(i); }
        acc[i]! += walkBack(i) * pui[k]!;
      }
    }
    for (const i of touched) mark[i] = -1;
    for (const i of touched) visit(i, acc[i]! * penalty(j));
  };
  const exact = (i: number): ExactEntry => (j) => {
    let s = 0, first = -1;
    let a = xT.indptr[i]!, b = xT.indptr[j]!;
    const aEnd = xT.indptr[i + 1]!, bEnd = xT.indptr[j + 1]!;
    while (a < aEnd && b < bEnd) {
      const ua = xT.indices[a]!, ub = xT.indices[b]!;
      if (ua < ub) a++;
      else if (ub < ua) b++;
      else {
        if (first < 0) first = ua;
        walkTo(ua);
        s += walkBack(i) * pui[entry(x, ua, j)]!;
        a++;
        b++;
      }
    }
    return { value: i === j ? 0 : s * penalty(j), key: first * n + j };
  };
  return { xT, row, column, exact };
}

/** Rows a removal changes beyond their touched columns: the touched items, and every item of a user who lost one. */
function wholeRows(before: Csr, beforeT: Csr, removed: Removal, changedItems: Int32Array): Set<number> {
  const whole = new Set<number>(changedItems);
  for (const u of usersTouched(beforeT, removed)) for (let k = before.indptr[u]!; k < before.indptr[u + 1]!; k++) whole.add(before.indices[k]!);
  return whole;
}

/** Position of (row, col) among the stored entries of `m` (binary search; the entry must exist). */
function entry(m: Csr, row: number, col: number): number {
  let lo = m.indptr[row]!, hi = m.indptr[row + 1]! - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (m.indices[mid]! < col) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Rp3betaRecommender extends BaseRecommender {
  readonly id = RP3BETA_ID;
  readonly params: Readonly<Rp3betaParams>;
  private w: Csr | undefined;
  /**
   * Rows of W that `forget` replaced since W was last built whole (row → entries), read before `w`: splicing a few
   * rows into a matrix of millions of entries would copy all of it at every erasure. Merged into `w` when it grows
   * past an eighth of the rows, and by `similarity` and `save`.
   */
  private readonly replaced = new Map<number, SparseRow>();
  /** The pattern of the training matrix transposed (items × users), when known: the next `forget` starts from it. */
  private seenT: Csr | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(RP3BETA_ID, rp3betaParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    if (data.interactions.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    throwIfAborted(options.signal, this.id);
    const { w, xT } = similarityAndTranspose(walkMatrix(data.interactions, this.params.binary), this.params, options.signal);
    this.w = w;
    this.seenT = xT;
    this.replaced.clear();
    this.added.clear();
    this.setSeen(data);
    return Promise.resolve();
  }

  /** W, items × items (row i: the items i leads to). */
  similarity(): Csr {
    this.requireFitted();
    if (this.replaced.size > 0) {
      this.w = replaceRows(this.w!, Int32Array.from(this.replaced.keys()).sort(), (r) => this.replaced.get(r)!);
      this.replaced.clear();
    }
    return this.w!;
  }

  /** Row i of W (a view, no copy). */
  private wRow(i: number): SparseRow {
    const w = this.w!;
    return this.replaced.get(i) ?? { indices: w.indices.subarray(w.indptr[i]!, w.indptr[i + 1]!), data: w.data.subarray(w.indptr[i]!, w.indptr[i + 1]!) };
  }

  /** Keeps `rows` as the new rows of W. */
  private replaceW(rows: ReadonlyMap<number, SparseRow>): void {
    for (const [r, row] of rows) this.replaced.set(r, row);
    if (this.replaced.size > this.nItems / 8) this.similarity();
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const { items, weights } = this.historyOf(user);
    const w = this.w!;
    for (let k = 0; k < items.length; k++) {
      const j = items[k]!, x = this.params.binary ? 1 : weights[k]!;
      const row = this.replaced.get(j);
      const indices = row ? row.indices : w.indices, data = row ? row.data : w.data;
      const start = row ? 0 : w.indptr[j]!, end = row ? row.indices.length : w.indptr[j + 1]!;
      for (let q = start; q < end; q++) {
        const i = indices[q]!;
        const prev = out[i]!;
        out[i] = (prev === -Infinity ? 0 : prev) + x * data[q]!;
      }
    }
  }

  /**
   * Unlearning. A removal changes the degree of the items it touches (J) and the transition probabilities of the
   * users who lose interactions; the rows of those items and of those users' items are recomputed on `data`. Any
   * other row reaching J changes only in its J columns, whose popularity penalty grew: those entries are computed
   * column-wise and the row's top-k is patched (`patchTopK`; computed again when a cut is ambiguous). With
   * `normalize`, a patched row would need its unnormalised sum, so every row reaching J is recomputed.
   */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const before = walkMatrix(this.seen!, this.params.binary);
    const beforeT = this.seenT ?? csrTranspose(before);
    const changedItems = itemsTouched(before, removed);
    const reaching = rowsToRecompute(beforeT, before, changedItems);
    const after = rp3betaParts(walkMatrix(data.interactions, this.params.binary), this.params);
    if (this.params.normalize) {
      this.replaceW(new Map(Array.from(reaching, (r) => [r, after.row(r)])));
    } else if (reaching.length > this.nItems / 2 && wholeRows(before, beforeT, removed, changedItems).size > this.nItems / 2) {
      // Most rows to compute again (a prolific author's readers reach most of the catalogue): a fit costs no more.
      this.w = replaceRows(this.w!, Int32Array.from({ length: this.nItems }, (_, i) => i), after.row);
      this.replaced.clear();
    } else {
      const whole = wholeRows(before, beforeT, removed, changedItems);
      const changed = new Uint8Array(this.nItems);
      for (const j of changedItems) changed[j] = 1;
      const updates: EntryUpdates = new Map();
      for (const j of changedItems) after.column(j, (i, value) => { if (!whole.has(i)) addUpdate(updates, i, j, value); });
      this.replaceW(topKRowUpdates((r) => this.wRow(r), Int32Array.from(whole).sort(), reaching, updates, changed, this.params.neighbours, after.row, after.exact));
    }
    this.seenT = after.xT;
    this.forgetHistory(data, removed);
  }

  /** Online update: the items join the user's profile at once; W is refreshed by the next fit. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const row = this.wRow(item);
    return topK(row.data, k).map((r) => ({ item: row.indices[r.index]!, score: r.score }));
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, csrTensors('w', this.similarity()));
  }

  static load(a: Artifact): Rp3betaRecommender {
    const where = `${RP3BETA_ID} artifact`;
    const m = new Rp3betaRecommender(a.params);
    const { nItems, seen } = m.restoreSeen(a, where);
    m.w = csrFromTensors(a.tensors, 'w', nItems, nItems, where);
    checkCsrIndices(m.w, where, 'w');
    checkCsrIndices(seen, where, 'seen');
    return m;
  }
}

export const rp3betaFactory: ModelFactory = defineModel({
  id: RP3BETA_ID,
  version: VERSION,
  description: 'RP3beta: 3-step random walk item graph with a popularity penalty (Paudel et al. 2017)',
  params: rp3betaParamsSchema,
  create: (params) => new Rp3betaRecommender(params),
  restore: (artifact) => Rp3betaRecommender.load(artifact),
});
