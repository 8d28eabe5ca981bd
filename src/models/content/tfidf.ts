/**
 * @module Content-based recommender over item text and tags (TF-IDF, Salton & Buckley 1988 weighting).
 *
 * Items become L2-normalised TF-IDF vectors v_i; a user's profile is the interaction-weighted mean of the
 * vectors of their items, p_u = Σ w_ui v_i / Σ w_ui; score(u, j) = cos(p_u, v_j) = p_u·v_j / ‖p_u‖. Items with
 * text but no interactions score like any other, so it serves cold-start items.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { csrTranspose, type Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import type { Artifact, FitOptions, Recommendation } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { csrFromTensors, csrTensors, parseParams, stateInt } from '../shared/model-io.js';
import { tfidf } from './tfidf-vectorizer.js';

export const CONTENT_TFIDF_ID = 'content/tfidf';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const contentTfidfParamsSchema = z
  .object({
    minDf: z.number().int().min(1).default(1),
    /** Terms in more than this share of items say nothing about any one of them. */
    maxDfRatio: z.number().gt(0).max(1).default(0.5),
    /** A tag counts as this many word occurrences (tags are curated, words are noisy). */
    tagWeight: z.number().min(0).default(2),
    /** Profile weights: each interaction's weight, or 1 per item. */
    binary: z.boolean().default(false),
  })
  .strict();

export type ContentTfidfParams = z.output<typeof contentTfidfParamsSchema>;

export class ContentTfidfRecommender extends BaseRecommender {
  readonly id = CONTENT_TFIDF_ID;
  readonly params: Readonly<ContentTfidfParams>;
  /** items × terms. */
  private vectors: Csr | undefined;
  /** terms × items (postings). */
  private postings: Csr | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(CONTENT_TFIDF_ID, contentTfidfParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    const progress = options.progress ?? (() => {});
    progress(0, 1, 'tf-idf');
    const { vectors } = tfidf(data.itemTexts, data.itemTags, this.params);
    if (vectors.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'item text or tags' });
    throwIfAborted(options.signal, this.id);
    this.vectors = vectors;
    this.postings = csrTranspose(vectors);
    this.setSeen(data);
    progress(1, 1, 'done');
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const v = this.vectors!, post = this.postings!;
    const h = this.historyOf(user);
    // Profile p_u as a sparse term → weight map; the 1/Σw factor cancels in the cosine.
    const profile = new Map<number, number>();
    for (let k = 0; k < h.items.length; k++) {
      const w = this.params.binary ? 1 : h.weights[k]!;
      const i = h.items[k]!;
      for (let q = v.indptr[i]!; q < v.indptr[i + 1]!; q++) profile.set(v.indices[q]!, (profile.get(v.indices[q]!) ?? 0) + w * v.data[q]!);
    }
    let norm = 0;
    for (const x of profile.values()) norm += x * x;
    out.fill(0);
    if (norm === 0) return;
    const inv = 1 / Math.sqrt(norm);
    for (const [t, x] of profile) {
      const wt = x * inv;
      for (let q = post.indptr[t]!; q < post.indptr[t + 1]!; q++) out[post.indices[q]!]! += wt * post.data[q]!;
    }
  }

  /** Online update: new interactions join the profile at once. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const v = this.vectors!, post = this.postings!;
    const scores = new Float32Array(this.nItems);
    for (let q = v.indptr[item]!; q < v.indptr[item + 1]!; q++) {
      const t = v.indices[q]!, w = v.data[q]!;
      for (let r = post.indptr[t]!; r < post.indptr[t + 1]!; r++) scores[post.indices[r]!]! += w * post.data[r]!;
    }
    return topK(scores, k, (j) => j === item || scores[j] === 0).map((s) => ({ item: s.index, score: s.score }));
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, csrTensors('vectors', this.vectors!), { nTerms: this.vectors!.cols });
  }

  static load(a: Artifact): ContentTfidfRecommender {
    const where = `${CONTENT_TFIDF_ID} artifact`;
    const m = new ContentTfidfRecommender(a.params);
    const { nItems } = m.restoreSeen(a, where);
    const nTerms = stateInt(a.state, 'nTerms', where);
    m.vectors = csrFromTensors(a.tensors, 'vectors', nItems, nTerms, where);
    m.postings = csrTranspose(m.vectors);
    return m;
  }
}

export const contentTfidfFactory: ModelFactory = defineModel({
  id: CONTENT_TFIDF_ID,
  version: VERSION,
  description: 'Content-based: TF-IDF of item text and tags, user profile = weighted mean, cosine; serves cold-start items',
  params: contentTfidfParamsSchema,
  create: (params) => new ContentTfidfRecommender(params),
  restore: (artifact) => ContentTfidfRecommender.load(artifact),
});
