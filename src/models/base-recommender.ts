/**
 * @module BaseRecommender: the shared half of every model — batch/single dispatch, exclusion of seen items,
 * candidate restriction and top-k — so a model only says how it scores one user's items.
 */
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Csr } from '../math/csr.js';
import { topK } from '../math/top-k.js';
import type { Artifact, FitOptions, Recommendation, RecommendOptions, Recommender } from './recommender.js';

export abstract class BaseRecommender implements Recommender {
  abstract readonly id: string;
  abstract readonly params: Readonly<Record<string, unknown>>;
  /** users × items seen in training, used to exclude seen items; set by fit (or load). */
  protected seen: Csr | undefined;
  protected nItems = 0;
  protected nUsers = 0;

  get fitted(): boolean {
    return this.seen !== undefined;
  }

  abstract fit(data: Dataset, options?: FitOptions): Promise<void>;
  abstract save(): Artifact;

  /**
   * Writes a score for every item into `out` (length nItems) for a known user. Higher is better; items that
   * cannot be scored get -Infinity.
   */
  protected abstract scoreUser(user: number, out: Float32Array): void;

  /** Scores for a user the model has not seen (index ≥ nUsers); default: nothing to recommend. */
  protected scoreUnknownUser(_user: number, out: Float32Array): boolean {
    out.fill(-Infinity);
    return false;
  }

  similarItems(_item: number, _k: number): Recommendation[] {
    throw createError('INVALID_INPUT', { field: 'similarItems', problem: `model ${this.id} does not define item similarity` });
  }

  /** Remembers the training matrix for seen-item exclusion. */
  protected setSeen(data: Dataset): void {
    this.seen = data.interactions;
    this.nItems = data.items.size;
    this.nUsers = data.users.size;
  }

  protected requireFitted(): void {
    if (!this.fitted) throw createError('MODEL_NOT_FITTED', { model: this.id });
  }

  recommend(user: number, options: RecommendOptions): Recommendation[];
  recommend(users: ArrayLike<number>, options: RecommendOptions): Recommendation[][];
  recommend(users: number | ArrayLike<number>, options: RecommendOptions): Recommendation[] | Recommendation[][] {
    this.requireFitted();
    const scores = new Float32Array(this.nItems);
    if (typeof users === 'number') return this.recommendOne(users, options, scores);
    const out: Recommendation[][] = [];
    for (let i = 0; i < users.length; i++) out.push(this.recommendOne(users[i]!, options, scores));
    return out;
  }

  private recommendOne(user: number, options: RecommendOptions, scores: Float32Array): Recommendation[] {
    if (!Number.isInteger(user) || user < 0) throw createError('INVALID_INPUT', { field: 'user', problem: `expected a dense user index ≥ 0, got ${user}` });
    if (user < this.nUsers) this.scoreUser(user, scores);
    else if (!this.scoreUnknownUser(user, scores)) return [];
    const banned = new Uint8Array(this.nItems);
    if (options.excludeSeen !== false && user < this.nUsers && this.seen) {
      for (let k = this.seen.indptr[user]!; k < this.seen.indptr[user + 1]!; k++) banned[this.seen.indices[k]!] = 1;
    }
    if (options.exclude) for (let j = 0; j < options.exclude.length; j++) banned[options.exclude[j]!] = 1;
    if (options.candidates) {
      const c = options.candidates;
      const sub = new Float32Array(c.length);
      for (let j = 0; j < c.length; j++) sub[j] = c[j]! < this.nItems && !banned[c[j]!] ? scores[c[j]!]! : -Infinity;
      return topK(sub, options.k).map((s) => ({ item: c[s.index]!, score: s.score }));
    }
    return topK(scores, options.k, (i) => banned[i] === 1).map((s) => ({ item: s.index, score: s.score }));
  }
}
