/**
 * @module Item-based k-nearest neighbours (Sarwar et al. 2001; Deshpande & Karypis 2004) and its variants.
 *
 * fit: weight the users × items matrix X (identity, or BM25), compute each item's top-`neighbours` similar
 * items S (sparse, via the transposed matrix), keep X for seen-item exclusion.
 * score(u, i) = Σ_{j ∈ history(u)} x_uj · S[j, i]; items no history item points to are not recommended.
 *
 * Variants override one step only, as implicit's `BM25Recommender` overrides the weighting of
 * `ItemItemRecommender`:
 *   item-knn/cosine             S = dot / (‖a‖‖b‖ + λ)
 *   item-knn/asymmetric-cosine  S = dot / (‖a‖^{2α}‖b‖^{2(1−α)} + λ)  (Aiolli 2013)
 *   item-knn/jaccard            S = |a∩b| / (|a| + |b| − |a∩b| + λ) on binarised X
 *   item-knn/bm25               X weighted by BM25 (K1, B), then cosine. implicit takes the raw dot product of
 *                               the BM25 vectors here; Resonate normalises so λ means the same in every variant.
 * `partialFit` adds to a user's history, so their recommendations change at once; neighbour lists themselves
 * are refreshed by the next fit. `forget` recomputes the neighbour lists of the items a removal touches and
 * patches the lists reaching them (every list for BM25, whose weights depend on the whole catalogue).
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { csrGet, csrTranspose, type Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import { checkCsrIndices, csrFromTensors, csrTensors, parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { bm25Weight } from './bm25-weight.js';
import { asymmetricCosineMeasure, binarize, cosineMeasure, jaccardMeasure, knnSimilarity, knnSimilarityColumn, knnSimilarityEntry, knnSimilarityRows, squaredNorms, type SimilarityMeasure } from './similarity.js';
import { addUpdate, itemsTouched, replaceRows, rowsToRecompute, updateTopKRows, type EntryUpdates } from '../shared/unlearning.js';
import type { Removal } from '../../data/dataset-without.js';

const VERSION = 1;

/** Neighbours kept per item: 100 is implicit's default K, enough for top-100 lists on real catalogs. */
const neighbours = z.number().int().positive().default(100);
/** Shrinkage λ added to the denominator; 0 = the plain measure, 10–100 damps pairs with few co-occurrences. */
const shrink = z.number().min(0).default(0);

/** One variant: its parameters, how it weights X, and its similarity measure. */
export interface ItemKnnVariant<S extends z.ZodType<Record<string, unknown>> = z.ZodType<Record<string, unknown>>> {
  readonly id: string;
  readonly description: string;
  readonly schema: S;
  /** X as the similarity sees it (default: X itself). */
  weight?(x: Csr, params: z.output<S>): Csr;
  /** The weighting uses catalogue-wide statistics (BM25's average length), so a removal changes every row. */
  readonly globalWeight?: boolean;
  measure(params: z.output<S>): SimilarityMeasure;
}

function variant<S extends z.ZodType<Record<string, unknown>>>(v: ItemKnnVariant<S>): ItemKnnVariant {
  return v as unknown as ItemKnnVariant;
}

export const ITEM_KNN_VARIANTS: readonly ItemKnnVariant[] = [
  variant({
    id: 'item-knn/cosine',
    description: 'Item-kNN, cosine similarity with shrinkage',
    schema: z.strictObject({ neighbours, shrink }),
    measure: (p) => cosineMeasure(p.shrink),
  }),
  variant({
    id: 'item-knn/asymmetric-cosine',
    description: 'Item-kNN, asymmetric cosine (Aiolli 2013)',
    schema: z.strictObject({
      neighbours,
      shrink,
      /** α = ½ is cosine; towards 1 it becomes P(i | j), favouring popular targets. */
      alpha: z.number().min(0).max(1).default(0.5),
    }),
    measure: (p) => asymmetricCosineMeasure(p.alpha, p.shrink),
  }),
  variant({
    id: 'item-knn/jaccard',
    description: 'Item-kNN, Jaccard similarity of the user sets',
    schema: z.strictObject({ neighbours, shrink }),
    weight: (x) => binarize(x),
    measure: (p) => jaccardMeasure(p.shrink),
  }),
  variant({
    id: 'item-knn/bm25',
    description: 'Item-kNN on BM25-weighted interactions (as implicit BM25Recommender), cosine',
    schema: z.strictObject({
      neighbours,
      shrink,
      /** Saturation: 1.2 is the text-retrieval default. */
      k1: z.number().min(0).default(1.2),
      /** Length normalisation: 0.75 is the text-retrieval default. */
      b: z.number().min(0).max(1).default(0.75),
    }),
    weight: (x, p) => bm25Weight(x, { k1: p.k1, b: p.b }),
    globalWeight: true,
    measure: (p) => cosineMeasure(p.shrink),
  }),
];

function variantOf(id: string): ItemKnnVariant {
  const v = ITEM_KNN_VARIANTS.find((x) => x.id === id);
  if (!v) throw createError('MODEL_UNKNOWN', { model: id, expected: ITEM_KNN_VARIANTS.map((x) => x.id).join(', ') });
  return v;
}

export class ItemKnnRecommender extends BaseRecommender {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  private readonly variant: ItemKnnVariant;
  /** items × items, row j: the items j points to with S[j, i]. */
  private sim: Csr | undefined;

  constructor(id: string, params: Record<string, unknown> = {}) {
    super();
    this.variant = variantOf(id);
    this.id = id;
    this.params = parseParams(id, this.variant.schema, params) as Record<string, unknown>;
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    const x = this.variant.weight ? this.variant.weight(data.interactions, this.params) : data.interactions;
    const xT = csrTranspose(x);
    this.sim = knnSimilarity(xT, x, squaredNorms(xT), {
      neighbours: this.params.neighbours as number,
      measure: this.variant.measure(this.params),
      signal: options.signal,
      progress: options.progress,
      label: this.id,
    });
    this.added.clear();
    this.setSeen(data);
    return Promise.resolve();
  }

  /** The neighbour lists (items × items), for inspection and the feed. */
  similarity(): Csr {
    this.requireFitted();
    return this.sim!;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const { items, weights } = this.historyOf(user);
    const s = this.sim!;
    for (let k = 0; k < items.length; k++) {
      const j = items[k]!, w = weights[k]!;
      for (let q = s.indptr[j]!; q < s.indptr[j + 1]!; q++) {
        const i = s.indices[q]!;
        const prev = out[i]!;
        out[i] = (prev === -Infinity ? 0 : prev) + w * s.data[q]!;
      }
    }
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireFitted();
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) {
      throw createError('INVALID_INPUT', { field: 'item', problem: `expected a dense item index in 0..${this.nItems - 1}, got ${item}` });
    }
    const s = this.sim!;
    const start = s.indptr[item]!;
    const vals = s.data.subarray(start, s.indptr[item + 1]!);
    return topK(vals, k).map((r) => ({ item: s.indices[start + r.index]!, score: r.score }));
  }

  /**
   * The history item that contributed most to `item`'s score for `user` (argmax_j x_uj · S[j, item]), for
   * "Because you liked …" explanations; undefined when none did.
   */
  because(user: number, item: number): { item: number; contribution: number } | undefined {
    this.requireFitted();
    if (item < 0 || item >= this.nItems) return undefined;
    const { items, weights } = this.historyOf(user);
    let best: { item: number; contribution: number } | undefined;
    for (let k = 0; k < items.length; k++) {
      const c = weights[k]! * csrGet(this.sim!, items[k]!, item);
      if (c > 0 && (!best || c > best.contribution)) best = { item: items[k]!, contribution: c };
    }
    return best;
  }

  /**
   * `because(user, item)` for many items at once: one pass over the neighbours of the user's history instead of
   * one binary search per (history item, item). Same answers, in the order of `items`.
   */
  becauseMany(user: number, items: readonly number[]): ({ item: number; contribution: number } | undefined)[] {
    this.requireFitted();
    const out: ({ item: number; contribution: number } | undefined)[] = items.map(() => undefined);
    const slot = new Map<number, number[]>();
    items.forEach((i, k) => {
      if (i < 0 || i >= this.nItems) return;
      const at = slot.get(i);
      if (at) at.push(k);
      else slot.set(i, [k]);
    });
    const { items: history, weights } = this.historyOf(user);
    const s = this.sim!;
    for (let k = 0; k < history.length; k++) {
      const j = history[k]!, w = weights[k]!;
      for (let q = s.indptr[j]!; q < s.indptr[j + 1]!; q++) {
        const at = slot.get(s.indices[q]!);
        if (!at) continue;
        const c = w * s.data[q]!;
        if (!(c > 0)) continue;
        for (const x of at) if (!out[x] || c > out[x].contribution) out[x] = { item: j, contribution: c };
      }
    }
    return out;
  }

  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  /**
   * Unlearning. A removal changes the user vectors of the items it touches (J): their rows are recomputed on
   * `data`. Any other row reaching J changes only in its J columns (their norms fell, or their co-occurrences went
   * with an erased post): those entries are computed column-wise and the row's top-k patched (`patchTopK`; computed
   * again when a cut is ambiguous). BM25's weights depend on the whole catalogue: every row is recomputed.
   */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const x = this.variant.weight ? this.variant.weight(data.interactions, this.params) : data.interactions;
    const xT = csrTranspose(x);
    const sq = squaredNorms(xT);
    const measure = this.variant.measure(this.params);
    const k = this.params.neighbours as number;
    const row = knnSimilarityRows(xT, x, sq, { neighbours: k, measure });
    if (this.variant.globalWeight) {
      this.sim = replaceRows(this.sim!, Int32Array.from({ length: this.nItems }, (_, i) => i), row);
    } else {
      const before = this.seen!;
      const changedItems = itemsTouched(before, removed);
      const whole = new Set<number>(changedItems);
      const changed = new Uint8Array(this.nItems);
      for (const j of changedItems) changed[j] = 1;
      const updates: EntryUpdates = new Map();
      const column = knnSimilarityColumn(xT, x, sq, measure);
      for (const j of changedItems) column(j, (r, value) => { if (!whole.has(r)) addUpdate(updates, r, j, value); });
      const reaching = rowsToRecompute(csrTranspose(before), before, changedItems);
      this.sim = updateTopKRows(this.sim!, changedItems, reaching, updates, changed, k, row, knnSimilarityEntry(xT, sq, measure));
    }
    this.forgetHistory(data, removed);
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, csrTensors('sim', this.sim!));
  }

  static load(a: Artifact): ItemKnnRecommender {
    const where = `${a.kind} artifact`;
    const m = new ItemKnnRecommender(a.kind, a.params);
    const { nItems, seen } = m.restoreSeen(a, where);
    m.sim = csrFromTensors(a.tensors, 'sim', nItems, nItems, where);
    checkCsrIndices(m.sim, where, 'sim');
    checkCsrIndices(seen, where, 'seen');
    return m;
  }
}


/** One factory per similarity variant; they share the artifact layout and the recommender class. */
export const itemKnnFactories: readonly ModelFactory[] = ITEM_KNN_VARIANTS.map((v) => defineModel({
  id: v.id,
  version: VERSION,
  description: v.description,
  params: v.schema,
  create: (params) => new ItemKnnRecommender(v.id, params),
  restore: (artifact) => ItemKnnRecommender.load(artifact),
}));
