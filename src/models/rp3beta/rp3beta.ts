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
import { itemsTouched, replaceRows, rowsToRecompute } from '../shared/unlearning.js';
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
  const n = x.cols;
  const row = rp3betaRows(x, p);
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
  return { rows: n, cols: n, indptr, indices, data };
}

/**
 * Row i of W as a function, over the users × items matrix `x`: the fit computes every row, `forget` only the rows
 * a removal can change (the same function, so the same bits).
 */
function rp3betaRows(x: Csr, p: Omit<Rp3betaParams, 'binary'>): (i: number) => { indices: Int32Array; data: Float32Array } {
  const n = x.cols;
  const xT = csrTranspose(x);
  // P_uj^α for every stored entry of x, row-normalised by the user's total weight.
  const pui = new Float64Array(x.data.length);
  for (let u = 0; u < x.rows; u++) {
    let total = 0;
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) total += x.data[k]!;
    for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) pui[k] = total > 0 ? Math.pow(x.data[k]! / total, p.alpha) : 0;
  }
  const degree = (i: number): number => xT.indptr[i + 1]! - xT.indptr[i]!;
  const penalty = Float64Array.from({ length: n }, (_, j) => (degree(j) > 0 ? Math.pow(degree(j), -p.beta) : 0));
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const touched: number[] = [];
  return (i) => {
    touched.length = 0;
    const di = degree(i);
    if (di > 0) {
      const piu = Math.pow(1 / di, p.alpha);
      for (let a = xT.indptr[i]!; a < xT.indptr[i + 1]!; a++) {
        const u = xT.indices[a]!;
        for (let k = x.indptr[u]!; k < x.indptr[u + 1]!; k++) {
          const j = x.indices[k]!;
          if (mark[j] !== i) { mark[j] = i; acc[j] = 0; touched.push(j); }
          acc[j]! += piu * pui[k]!;
        }
      }
    }
    // The mark of row i must not survive into a later call for the same row (forget may ask for it again).
    for (const j of touched) mark[j] = -1;
    const values = Float64Array.from(touched, (j) => (j === i ? 0 : acc[j]! * penalty[j]!));
    const best = topK(values, p.neighbours).filter((s) => s.score > 0);
    let sum = 0;
    for (const s of best) sum += s.score;
    const scale = p.normalize && sum > 0 ? 1 / sum : 1;
    best.sort((a, b) => touched[a.index]! - touched[b.index]!);
    return { indices: Int32Array.from(best, (s) => touched[s.index]!), data: Float32Array.from(best, (s) => s.score * scale) };
  };
}

export class Rp3betaRecommender extends BaseRecommender {
  readonly id = RP3BETA_ID;
  readonly params: Readonly<Rp3betaParams>;
  private w: Csr | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(RP3BETA_ID, rp3betaParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    if (data.interactions.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    throwIfAborted(options.signal, this.id);
    this.w = rp3betaSimilarity(walkMatrix(data.interactions, this.params.binary), this.params, options.signal);
    this.added.clear();
    this.setSeen(data);
    return Promise.resolve();
  }

  /** W, items × items (row i: the items i leads to). */
  similarity(): Csr {
    this.requireFitted();
    return this.w!;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const { items, weights } = this.historyOf(user);
    const w = this.w!;
    for (let k = 0; k < items.length; k++) {
      const j = items[k]!, x = this.params.binary ? 1 : weights[k]!;
      for (let q = w.indptr[j]!; q < w.indptr[j + 1]!; q++) {
        const i = w.indices[q]!;
        const prev = out[i]!;
        out[i] = (prev === -Infinity ? 0 : prev) + x * w.data[q]!;
      }
    }
  }

  /**
   * Unlearning: a removal changes the degrees of the items it touches (so their rows, and their popularity penalty
   * in every row reaching them) and the transition probabilities of the users who lose interactions (so the rows
   * of their items). Those rows are recomputed on `data`; the rest of W is kept as it is.
   */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const before = walkMatrix(this.seen!, this.params.binary);
    const beforeT = csrTranspose(before);
    const changed = itemsTouched(before, removed);
    const rows = rowsToRecompute(beforeT, before, changed);
    this.w = replaceRows(this.w!, rows, rp3betaRows(walkMatrix(data.interactions, this.params.binary), this.params));
    this.forgetHistory(data, removed);
  }

  /** Online update: the items join the user's profile at once; W is refreshed by the next fit. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const w = this.w!;
    const start = w.indptr[item]!;
    return topK(w.data.subarray(start, w.indptr[item + 1]!), k).map((r) => ({ item: w.indices[start + r.index]!, score: r.score }));
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, csrTensors('w', this.w!));
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
