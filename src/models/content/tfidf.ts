/**
 * @module Content-based recommender over item text and tags (TF-IDF, Salton & Buckley 1988 weighting) and the
 * items' media vectors (posts' `features.vectors`, see media-vectors.ts).
 *
 * Items become unit vectors v_i: the L2-normalised TF-IDF row beside the √α-weighted unit media vectors, normalised
 * together; a user's profile is the interaction-weighted mean of the vectors of their items,
 * p_u = Σ w_ui v_i / Σ w_ui; score(u, j) = cos(p_u, v_j) = p_u·v_j / ‖p_u‖. Items with text or media but no
 * interactions score like any other, so it serves cold-start items.
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
import { csrFromTensors, csrTensors, f32Tensor, parseParams, stateInt } from '../shared/model-io.js';
import { mediaRows } from '../shared/media-vectors.js';
import { tfidf } from './tfidf-vectorizer.js';

export const CONTENT_TFIDF_ID = 'content/tfidf';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 2;

export const contentTfidfParamsSchema = z
  .object({
    minDf: z.number().int().min(1).default(1),
    /** Terms in more than this share of items say nothing about any one of them. */
    maxDfRatio: z.number().gt(0).max(1).default(0.5),
    /** A tag counts as this many word occurrences (tags are curated, words are noisy). */
    tagWeight: z.number().min(0).default(2),
    /** Profile weights: each interaction's weight, or 1 per item. */
    binary: z.boolean().default(false),
    /** α: the weight of the items' media vectors beside their text (0: text and tags only). */
    mediaWeight: z.number().min(0).default(1),
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
  /** items × mediaDim: the media part of each item's unit vector (absent: no media). */
  private media: Float32Array | undefined;
  private mediaDim = 0;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(CONTENT_TFIDF_ID, contentTfidfParamsSchema, params);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    const progress = options.progress ?? (() => {});
    progress(0, 1, 'tf-idf');
    const { vectors } = tfidf(data.itemTexts, data.itemTags, this.params);
    const media = mediaRows(data, this.params.mediaWeight);
    if (vectors.indices.length === 0 && !media) throw createError('DATASET_EMPTY', { what: 'item text, tags or media vectors' });
    throwIfAborted(options.signal, this.id);
    if (media) {
      // Each item's text row (unit or empty) and media row together make one unit vector.
      for (let i = 0; i < vectors.rows; i++) {
        const hasText = vectors.indptr[i + 1]! > vectors.indptr[i]! ? 1 : 0;
        const sq = hasText + media.sqNorms[i]!;
        if (sq === 0) continue;
        const f = 1 / Math.sqrt(sq);
        for (let q = vectors.indptr[i]!; q < vectors.indptr[i + 1]!; q++) vectors.data[q]! *= f;
        for (let d = 0; d < media.dim; d++) media.rows[i * media.dim + d]! *= f;
      }
      this.media = media.rows;
      this.mediaDim = media.dim;
    }
    this.vectors = vectors;
    this.postings = csrTranspose(vectors);
    this.setSeen(data);
    progress(1, 1, 'done');
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const v = this.vectors!, post = this.postings!;
    const h = this.historyOf(user);
    // Profile p_u as a sparse term → weight map and a dense media part; the 1/Σw factor cancels in the cosine.
    const profile = new Map<number, number>();
    const m = this.media, dim = this.mediaDim;
    const mediaProfile = m ? new Float64Array(dim) : undefined;
    for (let k = 0; k < h.items.length; k++) {
      const w = this.params.binary ? 1 : h.weights[k]!;
      const i = h.items[k]!;
      for (let q = v.indptr[i]!; q < v.indptr[i + 1]!; q++) profile.set(v.indices[q]!, (profile.get(v.indices[q]!) ?? 0) + w * v.data[q]!);
      if (mediaProfile) for (let d = 0; d < dim; d++) mediaProfile[d]! += w * m![i * dim + d]!;
    }
    let norm = 0;
    for (const x of profile.values()) norm += x * x;
    if (mediaProfile) for (const x of mediaProfile) norm += x * x;
    out.fill(0);
    if (norm === 0) return;
    const inv = 1 / Math.sqrt(norm);
    for (const [t, x] of profile) {
      const wt = x * inv;
      for (let q = post.indptr[t]!; q < post.indptr[t + 1]!; q++) out[post.indices[q]!]! += wt * post.data[q]!;
    }
    if (mediaProfile) this.addMediaScores(mediaProfile, inv, out);
  }

  /** out[j] += scale · (profile · media row j) for every item. */
  private addMediaScores(profile: ArrayLike<number>, scale: number, out: Float32Array): void {
    const m = this.media!, dim = this.mediaDim;
    for (let j = 0; j < this.nItems; j++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += profile[d]! * m[j * dim + d]!;
      out[j]! += scale * dot;
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
    if (this.media) this.addMediaScores(this.media.subarray(item * this.mediaDim, (item + 1) * this.mediaDim), 1, scores);
    return topK(scores, k, (j) => j === item || scores[j] === 0).map((s) => ({ item: s.index, score: s.score }));
  }

  save(): Artifact {
    this.requireFitted();
    const tensors = csrTensors('vectors', this.vectors!);
    if (this.media) tensors.media = { shape: [this.nItems, this.mediaDim], data: this.media };
    return this.artifactOf(VERSION, tensors, { nTerms: this.vectors!.cols, mediaDim: this.mediaDim });
  }

  static load(a: Artifact): ContentTfidfRecommender {
    const where = `${CONTENT_TFIDF_ID} artifact`;
    const m = new ContentTfidfRecommender(a.params);
    const { nItems } = m.restoreSeen(a, where);
    const nTerms = stateInt(a.state, 'nTerms', where);
    m.vectors = csrFromTensors(a.tensors, 'vectors', nItems, nTerms, where);
    m.postings = csrTranspose(m.vectors);
    const mediaDim = a.state.mediaDim === 0 ? 0 : stateInt(a.state, 'mediaDim', where);
    if (mediaDim > 0) {
      m.media = f32Tensor(a.tensors, 'media', nItems * mediaDim, where);
      m.mediaDim = mediaDim;
    }
    return m;
  }
}

export const contentTfidfFactory: ModelFactory = defineModel({
  id: CONTENT_TFIDF_ID,
  version: VERSION,
  description: 'Content-based: TF-IDF of item text and tags with the items\' media vectors, user profile = weighted mean, cosine; serves cold-start items',
  params: contentTfidfParamsSchema,
  create: (params) => new ContentTfidfRecommender(params),
  restore: (artifact) => ContentTfidfRecommender.load(artifact),
});
