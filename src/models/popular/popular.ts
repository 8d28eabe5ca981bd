/**
 * @module Popularity baselines: `popular/trending` (exponentially time-decayed popularity) and
 * `popular/all-time` (plain weighted counts). Every user, known or not, gets the same list minus what they saw,
 * so they also serve as the cold-start fallback.
 *
 * trending: score_i = Σ_{events e on i} w_e · 2^(−(now − t_e) / halfLife), with `now` = dataset.now (the latest
 * event bar far-future outliers, so offline evaluation does not depend on the wall clock) and the half-life in hours.
 * all-time:  score_i = Σ_{events e on i} w_e.
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
});
export const allTimeParamsSchema = z.strictObject({});

export type PopularKind = typeof TRENDING_ID | typeof ALL_TIME_ID;

/** Time-decayed popularity of every item, computed in float64 (see the module formula). */
export function popularityScores(data: Pick<Dataset, 'log' | 'now' | 'items'>, halfLifeHours: number | undefined): Float64Array {
  const scores = new Float64Array(data.items.size);
  const { item, weight, time } = data.log;
  const halfLife = halfLifeHours === undefined ? Infinity : halfLifeHours * HOUR_MS;
  for (let e = 0; e < item.length; e++) {
    // Events later than `now` (clock skew) count fully rather than more than fully.
    const age = Math.max(0, data.now - time[e]!);
    scores[item[e]!]! += weight[e]! * (halfLife === Infinity ? 1 : Math.pow(2, -age / halfLife));
  }
  return scores;
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
    const halfLife = this.id === TRENDING_ID ? (this.params.halfLifeHours as number) : undefined;
    this.scores = popularityScores(data, halfLife);
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
    this.scores = popularityScores(data, this.id === TRENDING_ID ? (this.params.halfLifeHours as number) : undefined);
    this.forgetHistory(data, removed);
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
