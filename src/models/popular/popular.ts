/**
 * @module Popularity baselines: `popular/trending` (exponentially time-decayed popularity) and
 * `popular/all-time` (plain weighted counts). Every user, known or not, gets the same list minus what they saw,
 * so they also serve as the cold-start fallback.
 *
 * trending: score_i = Σ_{events e on i} w_e · 2^(−(now − t_e) / halfLife), with `now` = dataset.now (the latest
 * event bar far-future outliers, so offline evaluation does not depend on the wall clock) and the half-life in hours.
 * all-time:  score_i = Σ_{events e on i} w_e.
 *
 * Burst resistance (trending, off by default, on in the served feed's default spec): an account's decayed
 * contributions are scaled so their sum over all items is at most `maxPerAccount`, then an account first seen (its
 * earliest event in the snapshot) less than `newAccountHours` ago counts in proportion to its age (floored at
 * NEW_ACCOUNT_FLOOR). A ring of fresh accounts, or one account engaging over and over, then cannot make a post trend.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import type { Removal } from '../../data/dataset-without.js';
import { BaseRecommender } from '../base-recommender.js';
import { parseParams, tensor } from '../shared/model-io.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';

export const TRENDING_ID = 'popular/trending';
export const ALL_TIME_ID = 'popular/all-time';
const VERSION = 1;
const HOUR_MS = 3_600_000;

export const trendingParamsSchema = z.strictObject({
  /** Hours after which an event counts half (default 24 h: "today" matters twice as much as yesterday). */
  halfLifeHours: z.number().positive().default(24),
  /** Most decayed weight one account contributes over all items (0: no cap). */
  maxPerAccount: z.number().min(0).default(0),
  /** Accounts first seen less than this many hours ago count in proportion to their age (0: all count fully). */
  newAccountHours: z.number().min(0).default(0),
});
/** Weight of an account first seen just now (age weighting never silences an account entirely). */
export const NEW_ACCOUNT_FLOOR = 0.02;

export interface BurstGuard {
  maxPerAccount: number;
  newAccountHours: number;
}
export const allTimeParamsSchema = z.strictObject({});

export type PopularKind = typeof TRENDING_ID | typeof ALL_TIME_ID;

/** Time-decayed popularity of every item, computed in float64 (see the module formula). */
export function popularityScores(data: Pick<Dataset, 'log' | 'now' | 'items' | 'users'>, halfLifeHours: number | undefined, guard?: BurstGuard): Float64Array {
  const scores = new Float64Array(data.items.size);
  const { user, item, weight, time } = data.log;
  const halfLife = halfLifeHours === undefined ? Infinity : halfLifeHours * HOUR_MS;
  // Events later than `now` (clock skew) count fully rather than more than fully.
  const decayed = (e: number): number => weight[e]! * (halfLife === Infinity ? 1 : Math.pow(2, -Math.max(0, data.now - time[e]!) / halfLife));
  const scale = guard && (guard.maxPerAccount > 0 || guard.newAccountHours > 0) ? accountScale(data, decayed, guard) : undefined;
  for (let e = 0; e < item.length; e++) scores[item[e]!]! += decayed(e) * (scale ? scale[user[e]!]! : 1);
  return scores;
}

/** Per account: the age weight times the factor that brings its total contribution under the cap. */
function accountScale(data: Pick<Dataset, 'log' | 'now' | 'users'>, decayed: (e: number) => number, guard: BurstGuard): Float64Array {
  const { user, time } = data.log;
  const n = data.users.size;
  const firstSeen = new Float64Array(n).fill(Infinity);
  const total = new Float64Array(n);
  for (let e = 0; e < user.length; e++) {
    const u = user[e]!;
    if (time[e]! < firstSeen[u]!) firstSeen[u] = time[e]!;
    total[u]! += decayed(e);
  }
  const ramp = guard.newAccountHours * HOUR_MS;
  const scale = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const age = ramp > 0 ? Math.max(NEW_ACCOUNT_FLOOR, Math.min(1, (data.now - firstSeen[u]!) / ramp)) : 1;
    scale[u] = age * (guard.maxPerAccount > 0 && total[u]! > guard.maxPerAccount ? guard.maxPerAccount / total[u]! : 1);
  }
  return scale;
}

export class PopularRecommender extends BaseRecommender {
  readonly id: PopularKind;
  readonly params: Readonly<Record<string, unknown>>;
  private scores: Float64Array | undefined;

  constructor(kind: PopularKind, params: Record<string, unknown> = {}) {
    super();
    this.id = kind;
    this.params = kind === TRENDING_ID ? parseParams(kind, trendingParamsSchema, params) : parseParams(kind, allTimeParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    this.scores = this.computeScores(data);
    this.setSeen(data);
    options.progress?.(1, 1, this.id);
    return Promise.resolve();
  }

  /** Popularity score of each item (a copy). */
  itemScores(): Float64Array {
    this.requireFitted();
    return this.scores!.slice();
  }

  protected scoreUser(_user: number, out: Float32Array): void {
    const s = this.scores!;
    for (let i = 0; i < s.length; i++) out[i] = s[i]!;
  }

  /** Unknown users get the popular list. */
  protected override scoreUnknownUser(user: number, out: Float32Array): boolean {
    this.scoreUser(user, out);
    return true;
  }

  /** Unlearning: the sums again over the log without the removed events (one pass, exact). */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    this.scores = this.computeScores(data);
    this.forgetHistory(data, removed);
  }

  private computeScores(data: Dataset): Float64Array {
    if (this.id !== TRENDING_ID) return popularityScores(data, undefined);
    const p = this.params as z.output<typeof trendingParamsSchema>;
    return popularityScores(data, p.halfLifeHours, { maxPerAccount: p.maxPerAccount, newAccountHours: p.newAccountHours });
  }

  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    // Popularity itself is refreshed by the next fit; online we only remember what the user saw.
    this.addHistory(user, items, weights);
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, { scores: { data: this.scores!, shape: [this.nItems] } });
  }

  static load(a: Artifact): PopularRecommender {
    const where = `${a.kind} artifact`;
    const m = new PopularRecommender(a.kind as PopularKind, a.params);
    const { nItems } = m.restoreSeen(a, where);
    const scores = tensor(a.tensors, 'scores', where).data;
    if (!(scores instanceof Float64Array) || scores.length !== nItems) {
      throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor scores should be F64 with ${nItems} values` });
    }
    m.scores = scores;
    return m;
  }
}

export const trendingFactory: ModelFactory = defineModel({
  id: TRENDING_ID,
  version: VERSION,
  description: 'Trending: popularity with exponential time decay (half-life in hours); cold-start fallback',
  params: trendingParamsSchema,
  create: (params) => new PopularRecommender(TRENDING_ID, params),
  restore: (artifact) => PopularRecommender.load(artifact),
});

export const allTimeFactory: ModelFactory = defineModel({
  id: ALL_TIME_ID,
  version: VERSION,
  description: 'All-time popularity: weighted interaction counts, no decay',
  params: allTimeParamsSchema,
  create: (params) => new PopularRecommender(ALL_TIME_ID, params),
  restore: (artifact) => PopularRecommender.load(artifact),
});
