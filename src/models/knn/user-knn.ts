/**
 * @module User-based k-nearest neighbours (Resnick et al. 1994; Herlocker et al. 1999) with cosine similarity
 * and shrinkage.
 *
 * fit: each user's top-`neighbours` most similar users S[u, v] = dot(x_u, x_v) / (‖x_u‖‖x_v‖ + λ), sparse,
 * via the transposed matrix. score(u, i) = Σ_{v ∈ N(u)} S[u, v] · x_vi. Items no neighbour touched are not
 * recommended. `partialFit` adds to the history (seen items, and what the user lends to their neighbours);
 * neighbour lists are refreshed by the next fit. `forget` recomputes the neighbour lists of the users who lose
 * interactions and of every user sharing an item with one of them. No item similarity: `similarItems` throws.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { csrTranspose, type Csr } from '../../math/csr.js';
import { BaseRecommender } from '../base-recommender.js';
import { checkCsrIndices, csrFromTensors, csrTensors, parseParams, stateInt } from '../shared/model-io.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { cosineMeasure, knnSimilarity, knnSimilarityRows, squaredNorms } from './similarity.js';
import { replaceRows, rowsToRecompute, usersTouched } from '../shared/unlearning.js';
import type { Removal } from '../../data/dataset-without.js';

export const USER_KNN_ID = 'user-knn/cosine';
const VERSION = 1;

export const userKnnParamsSchema = z.strictObject({
  /** Neighbours per user (100: as item-kNN; more neighbours smooth, fewer personalise). */
  neighbours: z.number().int().positive().default(100),
  /** Shrinkage λ in the cosine denominator. */
  shrink: z.number().min(0).default(0),
});

export class UserKnnRecommender extends BaseRecommender {
  readonly id = USER_KNN_ID;
  readonly params: Readonly<z.output<typeof userKnnParamsSchema>>;
  /** users × users neighbour lists. */
  private sim: Csr | undefined;

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(USER_KNN_ID, userKnnParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    const x = data.interactions;
    this.sim = knnSimilarity(x, csrTranspose(x), squaredNorms(x), {
      neighbours: this.params.neighbours,
      measure: cosineMeasure(this.params.shrink),
      signal: options.signal,
      progress: options.progress,
      label: this.id,
    });
    this.added.clear();
    this.setSeen(data);
    return Promise.resolve();
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const s = this.sim!;
    if (user >= s.rows) return;
    for (let q = s.indptr[user]!; q < s.indptr[user + 1]!; q++) {
      const v = s.indices[q]!, w = s.data[q]!;
      const { items, weights } = this.historyOf(v);
      for (let k = 0; k < items.length; k++) {
        const i = items[k]!;
        const prev = out[i]!;
        out[i] = (prev === -Infinity ? 0 : prev) + w * weights[k]!;
      }
    }
  }

  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  /** Unlearning: the neighbour lists a removal can change, recomputed on `data` (see `shared/unlearning.ts`). */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const before = this.seen!;
    const beforeT = csrTranspose(before);
    const rows = rowsToRecompute(before, beforeT, usersTouched(beforeT, removed)).filter((u) => u < this.sim!.rows);
    const x = data.interactions;
    const measure = { neighbours: this.params.neighbours, measure: cosineMeasure(this.params.shrink) };
    this.sim = replaceRows(this.sim!, rows, knnSimilarityRows(x, csrTranspose(x), squaredNorms(x), measure));
    this.forgetHistory(data, removed);
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, csrTensors('sim', this.sim!), { simUsers: this.sim!.rows });
  }

  static load(a: Artifact): UserKnnRecommender {
    const where = `${a.kind} artifact`;
    const m = new UserKnnRecommender(a.params);
    const { seen } = m.restoreSeen(a, where);
    const simUsers = stateInt(a.state, 'simUsers', where);
    m.sim = csrFromTensors(a.tensors, 'sim', simUsers, simUsers, where);
    checkCsrIndices(m.sim, where, 'sim');
    checkCsrIndices(seen, where, 'seen');
    return m;
  }
}

export const userKnnFactory: ModelFactory = defineModel({
  id: USER_KNN_ID,
  version: VERSION,
  description: 'User-kNN, cosine similarity with shrinkage',
  params: userKnnParamsSchema,
  create: (params) => new UserKnnRecommender(params),
  restore: (artifact) => UserKnnRecommender.load(artifact),
});
