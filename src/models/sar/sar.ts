/**
 * @module SAR, Simple Algorithm for Recommendation, as in Microsoft Recommenders' `SARSingleNode`.
 *
 * Affinity a_ui = Σ_events w_e · 2^(−(t_now − t_e)/T½) (time decay relative to dataset.now, the latest event bar far-future outliers, half-life T½;
 * w_e the event's weight, which the Dataset already scales per event type). Co-occurrence C = UᵀU over the
 * binary user × item matrix, entries below `threshold` dropped; similarity from C and its diagonal d
 * (item frequencies): jaccard C_ij/(d_i + d_j − C_ij), lift C_ij/(d_i·d_j), cosine C_ij/√(d_i·d_j),
 * inclusion C_ij/min(d_i, d_j), or raw co-occurrence. Score(u) = a_u · S. S is kept sparse (CSR).
 * `forget` drops the removed affinities and recomputes the similarity rows a removal can change.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { csrFilter, csrFromCoo, csrTranspose, type Csr } from '../../math/csr.js';
import type { Removal } from '../../data/dataset-without.js';
import { itemsTouched, replaceRows, rowsToRecompute } from '../shared/unlearning.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { csrFromTensors, csrTensors, csrWithAdditions, parseParams } from '../shared/model-io.js';

export const SAR_ID = 'sar';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;
const DAY_MS = 86_400_000;

export const sarParamsSchema = z
  .object({
    similarity: z.enum(['jaccard', 'lift', 'cooccurrence', 'cosine', 'inclusion']).default('jaccard'),
    /** Apply time decay to the affinities (Microsoft Recommenders' `timedecay_formula`). */
    timeDecay: z.boolean().default(true),
    /** Days until an event's weight halves (`time_decay_coefficient`, 30 in SAR's defaults). */
    halfLifeDays: z.number().positive().default(30),
    /** Co-occurrence counts below this are dropped (SAR's `threshold`, ≥ 1). */
    threshold: z.number().int().min(1).default(1),
  })
  .strict();

export type SarParams = z.output<typeof sarParamsSchema>;

/** Time-decayed user × item affinity from the event log: Σ w_e · 2^(−(now − t_e)/T½). */
export function sarAffinity(data: Dataset, p: Pick<SarParams, 'timeDecay' | 'halfLifeDays'>): Csr {
  const log = data.log;
  const halfLife = p.halfLifeDays * DAY_MS;
  const w = new Float32Array(log.user.length);
  for (let k = 0; k < w.length; k++) {
    // min(1, ·) as Recommenders' exponential_decay: events after "now" are not boosted.
    w[k] = p.timeDecay ? log.weight[k]! * Math.min(1, Math.pow(0.5, (data.now - log.time[k]!) / halfLife)) : log.weight[k]!;
  }
  return csrFromCoo(data.users.size, data.items.size, log.user, log.item, w);
}

/** Sparse item × item similarity from co-occurrences of the binary pattern of `m` (users × items). */
export function sarSimilarity(m: Csr, p: Pick<SarParams, 'similarity' | 'threshold'>): Csr {
  const n = m.cols;
  const row = sarSimilarityRows(m, p);
  const rows = Array.from({ length: n }, (_, i) => row(i));
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + rows[i]!.indices.length;
  const indices = new Int32Array(indptr[n]!), data = new Float32Array(indptr[n]!);
  for (let i = 0; i < n; i++) {
    indices.set(rows[i]!.indices, indptr[i]!);
    data.set(rows[i]!.data, indptr[i]!);
  }
  return { rows: n, cols: n, indptr, indices, data };
}

/** Row i of `sarSimilarity` as a function: the fit computes every row, `forget` the rows a removal changes. */
function sarSimilarityRows(m: Csr, p: Pick<SarParams, 'similarity' | 'threshold'>): (i: number) => { indices: Int32Array; data: Float32Array } {
  const n = m.cols;
  const t = csrTranspose(m);
  const freq = new Float64Array(n);
  for (let i = 0; i < n; i++) freq[i] = t.indptr[i + 1]! - t.indptr[i]!;
  const acc = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const cols: number[] = [];
  return (i) => {
    cols.length = 0;
    // Row i of C = Σ_{u ∋ i} row_u(U): a dense accumulator over the touched columns.
    for (let a = t.indptr[i]!; a < t.indptr[i + 1]!; a++) {
      const u = t.indices[a]!;
      for (let b = m.indptr[u]!; b < m.indptr[u + 1]!; b++) {
        const j = m.indices[b]!;
        if (mark[j] !== i) { mark[j] = i; acc[j] = 0; cols.push(j); }
        acc[j]! += 1;
      }
    }
    for (const j of cols) mark[j] = -1;
    cols.sort((x, y) => x - y);
    const di = freq[i]!;
    const outIdx: number[] = [], outVal: number[] = [];
    for (const j of cols) {
      const c = acc[j]!;
      if (c < p.threshold) continue;
      const dj = freq[j]!;
      let s: number;
      switch (p.similarity) {
        case 'jaccard': s = c / (di + dj - c); break;
        case 'lift': s = c / (di * dj); break;
        case 'cosine': s = c / Math.sqrt(di * dj); break;
        case 'inclusion': s = c / Math.min(di, dj); break;
        default: s = c;
      }
      outIdx.push(j);
      outVal.push(s);
    }
    return { indices: Int32Array.from(outIdx), data: Float32Array.from(outVal) };
  };
}

export class SarRecommender extends BaseRecommender {
  readonly id = SAR_ID;
  readonly params: Readonly<SarParams>;
  private affinity: Csr | undefined;
  private similarity: Csr | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(SAR_ID, sarParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    if (data.interactions.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    const progress = options.progress ?? (() => {});
    throwIfAborted(options.signal, this.id);
    progress(0, 2, 'affinity');
    const affinity = sarAffinity(data, this.params);
    progress(1, 2, 'similarity');
    const similarity = sarSimilarity(data.interactions, this.params);
    throwIfAborted(options.signal, this.id);
    this.affinity = affinity;
    this.similarity = similarity;
    this.added.clear();
    this.setSeen(data);
    progress(2, 2, 'done');
  }

  /** The sparse item-item similarity, for tests and inspection. */
  similarityMatrix(): Csr {
    this.requireFitted();
    return this.similarity!;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const a = this.affinity!, s = this.similarity!;
    out.fill(0);
    const addRow = (i: number, w: number): void => {
      for (let k = s.indptr[i]!; k < s.indptr[i + 1]!; k++) out[s.indices[k]!]! += w * s.data[k]!;
    };
    if (user < a.rows) for (let k = a.indptr[user]!; k < a.indptr[user + 1]!; k++) addRow(a.indices[k]!, a.data[k]!);
    // Online additions happen "now": no decay.
    const extra = this.added.get(user);
    if (extra) for (const [i, w] of extra) addRow(i, w);
  }

  /** Online update: new events join the user's affinity at full weight; the similarity stays as fitted. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  /**
   * Unlearning: the affinities of the removed users and on the removed items go (the other entries are sums of the
   * same events), and the co-occurrence rows of every item sharing a user with an item that lost one are recomputed
   * on `data` (its counts or its neighbours' frequencies changed).
   */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const goneUser = new Set(removed.users), goneItem = new Set(removed.items);
    this.affinity = csrFilter(this.affinity!, (_v, u, i) => !goneUser.has(u) && !goneItem.has(i));
    const before = this.seen!;
    const beforeT = csrTranspose(before);
    const rows = rowsToRecompute(beforeT, before, itemsTouched(before, removed));
    this.similarity = replaceRows(this.similarity!, rows, sarSimilarityRows(data.interactions, this.params));
    this.forgetHistory(data, removed);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const s = this.similarity!;
    const scores = new Float32Array(this.nItems).fill(-Infinity);
    for (let q = s.indptr[item]!; q < s.indptr[item + 1]!; q++) scores[s.indices[q]!] = s.data[q]!;
    return topK(scores, k, (j) => j === item).map((r) => ({ item: r.index, score: r.score }));
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, {
      ...csrTensors('affinity', csrWithAdditions(this.affinity!, this.added, this.nUsers)),
      ...csrTensors('similarity', this.similarity!),
    });
  }

  static load(a: Artifact): SarRecommender {
    const where = `${SAR_ID} artifact`;
    const m = new SarRecommender(a.params);
    const { nUsers, nItems } = m.restoreSeen(a, where);
    m.affinity = csrFromTensors(a.tensors, 'affinity', nUsers, nItems, where);
    m.similarity = csrFromTensors(a.tensors, 'similarity', nItems, nItems, where);
    return m;
  }
}

export const sarFactory: ModelFactory = defineModel({
  id: SAR_ID,
  version: VERSION,
  description: 'SAR: time-decayed affinity × item co-occurrence similarity (jaccard, lift, cosine…), as Microsoft Recommenders',
  params: sarParamsSchema,
  create: (params) => new SarRecommender(params),
  restore: (artifact) => SarRecommender.load(artifact),
});
