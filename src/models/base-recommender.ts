/**
 * @module BaseRecommender: the shared half of every model — batch/single dispatch, exclusion of seen items,
 * candidate restriction and top-k — so a model only says how it scores one user's items.
 */
import { createError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import type { Removal } from '../data/dataset-without.js';
import type { Csr } from '../math/csr.js';
import type { TensorMap } from '../nn/safetensors.js';
import { topK } from '../math/top-k.js';
import type { Artifact, FitOptions, Recommendation, RecommendOptions, Recommender } from './recommender.js';
import { csrFromTensors, csrTensors, stateInt } from './shared/model-io.js';

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

  /**
   * The seen-item half of `forget`: adopts the snapshot without the removed users and items as the training
   * matrix, and drops the online additions of the removed users and on the removed items.
   */
  protected forgetHistory(data: Dataset, removed: Removal): void {
    this.requireFitted();
    const nUsers = Math.max(this.nUsers, data.users.size);
    this.setSeen(data);
    this.nUsers = nUsers;
    for (const u of removed.users) this.added.delete(u);
    if (removed.items.length > 0) for (const extra of this.added.values()) for (const i of removed.items) extra.delete(i);
  }

  /** Online additions to users' histories (partialFit): user → (item → weight), merged with `seen`. */
  protected readonly added = new Map<number, Map<number, number>>();

  /**
   * The user's history: training interactions plus online additions (weights summed), items ascending.
   * Without additions this is a view of the training row (no copy).
   */
  protected historyOf(user: number): { items: Int32Array; weights: Float32Array } {
    const s = this.seen;
    const inRow = s !== undefined && user < s.rows;
    const items = inRow ? s.indices.subarray(s.indptr[user]!, s.indptr[user + 1]!) : new Int32Array(0);
    const weights = inRow ? s.data.subarray(s.indptr[user]!, s.indptr[user + 1]!) : new Float32Array(0);
    const extra = this.added.get(user);
    if (!extra) return { items, weights };
    const merged = new Map<number, number>();
    for (let k = 0; k < items.length; k++) merged.set(items[k]!, weights[k]!);
    for (const [i, w] of extra) merged.set(i, (merged.get(i) ?? 0) + w);
    const order = [...merged.keys()].sort((a, b) => a - b);
    return { items: Int32Array.from(order), weights: Float32Array.from(order, (i) => merged.get(i)!) };
  }

  /**
   * Records online interactions (for `partialFit`): checks indices, grows the user range when a new user
   * appears, and makes the items count as seen. Weights default to 1.
   */
  protected addHistory(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.requireFitted();
    if (!Number.isInteger(user) || user < 0) throw createError('INVALID_INPUT', { field: 'user', problem: `expected a dense user index ≥ 0, got ${user}` });
    if (weights && weights.length !== items.length) throw createError('INVALID_INPUT', { field: 'weights', problem: `expected ${items.length} weights, got ${weights.length}` });
    for (let j = 0; j < items.length; j++) {
      const i = items[j]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.nItems) throw createError('INVALID_INPUT', { field: `items[${j}]`, problem: `expected a dense item index in 0..${this.nItems - 1}, got ${i}` });
    }
    let extra = this.added.get(user);
    if (!extra) this.added.set(user, (extra = new Map()));
    for (let j = 0; j < items.length; j++) extra.set(items[j]!, (extra.get(items[j]!) ?? 0) + (weights ? weights[j]! : 1));
    if (user >= this.nUsers) this.nUsers = user + 1;
  }

  /** The training matrix with online additions folded in (what `save` should write), nUsers × nItems. */
  protected historyCsr(): Csr {
    const s = this.seen!;
    if (this.added.size === 0 && s.rows === this.nUsers) return s;
    const indptr = new Int32Array(this.nUsers + 1);
    const rows: { items: Int32Array; weights: Float32Array }[] = [];
    for (let u = 0; u < this.nUsers; u++) {
      const h = this.historyOf(u);
      rows.push(h);
      indptr[u + 1] = indptr[u]! + h.items.length;
    }
    const indices = new Int32Array(indptr[this.nUsers]!);
    const data = new Float32Array(indptr[this.nUsers]!);
    for (let u = 0; u < this.nUsers; u++) {
      indices.set(rows[u]!.items, indptr[u]!);
      data.set(rows[u]!.weights, indptr[u]!);
    }
    return { rows: this.nUsers, cols: this.nItems, indptr, indices, data };
  }

  /**
   * The artifact of a fitted model: its id, `version`, params, the model's own tensors plus the seen matrix
   * (`seen.*`, online additions folded in), and state holding nUsers and nItems besides `state`.
   */
  protected artifactOf(version: number, tensors: TensorMap, state: Record<string, unknown> = {}): Artifact {
    this.requireFitted();
    return {
      kind: this.id,
      version,
      params: { ...this.params },
      tensors: { ...tensors, ...csrTensors('seen', this.historyCsr()) },
      state: { nUsers: this.nUsers, nItems: this.nItems, ...state },
    };
  }

  /** Adopts nUsers, nItems and the seen matrix of an artifact written by `artifactOf` (ARTIFACT_INVALID otherwise). */
  protected restoreSeen(a: Artifact, where: string): { nUsers: number; nItems: number; seen: Csr } {
    const nUsers = stateInt(a.state, 'nUsers', where), nItems = stateInt(a.state, 'nItems', where);
    const seen = csrFromTensors(a.tensors, 'seen', nUsers, nItems, where);
    this.seen = seen;
    this.nUsers = nUsers;
    this.nItems = nItems;
    return { nUsers, nItems, seen };
  }

  protected requireFitted(): void {
    if (!this.fitted) throw createError('MODEL_NOT_FITTED', { model: this.id });
  }

  /** Requires a fitted model and a dense item index in 0..nItems-1 (the check every `similarItems` starts with). */
  protected requireItem(item: number): void {
    this.requireFitted();
    if (!Number.isInteger(item) || item < 0 || item >= this.nItems) {
      throw createError('INVALID_INPUT', { field: 'item', problem: `expected a dense item index in 0..${this.nItems - 1}, got ${item}` });
    }
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
    if (options.excludeSeen !== false && user < this.nUsers) {
      const seenItems = this.historyOf(user).items;
      for (let k = 0; k < seenItems.length; k++) banned[seenItems[k]!] = 1;
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
