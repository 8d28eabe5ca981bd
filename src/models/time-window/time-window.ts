/**
 * @module `popular/time-window`: what was popular when the user was active. People rate, watch or listen in
 * sessions while the catalogue of the day is in fashion (MovieLens users rate in bursts as new releases come
 * out), so an item's share of all activity around the user's own activity times predicts what else they took.
 *
 * Time is cut into bins of `binDays`; c_i(b) counts item i's training interactions in bin b and N(b) = Σ_i c_i(b).
 * Both are smoothed over bins with a Gaussian kernel K of standard deviation `bandwidthDays` (cut at 3σ), and
 *   share_i(b) = (K ∗ c_i)(b) / (K ∗ N)(b),    score(u, i) = (1 / |T_u|) Σ_{t ∈ T_u} share_i(bin(t)),
 * T_u the times of u's training interactions (one per interacted item, its latest). Only training timestamps
 * are used. A user without history gets the shares of the latest bin: what is popular now. Blend it with a
 * collaborative model (hybrid/score-fusion) rather than use it alone: it knows when, not what.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import { csrFromCoo, type Csr } from '../../math/csr.js';
import { BaseRecommender } from '../base-recommender.js';
import { csrFromTensors, csrTensors, f32Tensor, parseParams, stateInt } from '../shared/model-io.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';

export const TIME_WINDOW_ID = 'popular/time-window';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;
const DAY_MS = 86_400_000;
/** Largest bins × items table kept; longer histories get wider bins (see `binWidth`). */
const MAX_TABLE = 50_000_000;

export const timeWindowParamsSchema = z
  .object({
    /** Width of a time bin in days. */
    binDays: z.number().positive().default(1),
    /** Standard deviation of the Gaussian smoothing over bins, in days (0: no smoothing). */
    bandwidthDays: z.number().min(0).default(7),
    /** Pseudo-interactions α that shrink each bin's shares toward the all-time shares g_i. */
    prior: z.number().min(0).default(10),
    /**
     * `share`: the user-time share itself (a popularity list of the user's time); `log-lift`: log(share / g_i), how
     * much more than usual — useless alone (rare items get the largest lifts), meant as a blend member.
     */
    output: z.enum(['share', 'log-lift']).default('share'),
  })
  .strict();

export type TimeWindowParams = z.output<typeof timeWindowParamsSchema>;

/** Bin width in ms: `binDays`, widened when the history would need a table larger than MAX_TABLE entries. */
export function binWidth(spanMs: number, nItems: number, binDays: number): number {
  const bins = Math.floor(spanMs / (binDays * DAY_MS)) + 1;
  return bins * Math.max(1, nItems) <= MAX_TABLE ? binDays * DAY_MS : (spanMs + 1) / Math.max(1, Math.floor(MAX_TABLE / Math.max(1, nItems)) - 1);
}

/**
 * share (bins × items, row-major): the smoothed share of each item in each bin's activity, from interaction times
 * already mapped to bins.
 */
export function smoothedShares(bin: Int32Array, item: Int32Array, nBins: number, nItems: number, sigmaBins: number, prior = 0): Float32Array {
  const counts = new Float64Array(nBins * nItems);
  const global = new Float64Array(nItems);
  for (let e = 0; e < bin.length; e++) { counts[bin[e]! * nItems + item[e]!]! += 1; global[item[e]!]! += 1 / bin.length; }
  const reach = sigmaBins > 0 ? Math.ceil(3 * sigmaBins) : 0;
  const kernel = Float64Array.from({ length: 2 * reach + 1 }, (_, d) => (sigmaBins > 0 ? Math.exp(-((d - reach) ** 2) / (2 * sigmaBins * sigmaBins)) : 1));
  const share = new Float32Array(nBins * nItems);
  const row = new Float64Array(nItems);
  for (let b = 0; b < nBins; b++) {
    row.fill(0);
    let total = 0;
    for (let d = -reach; d <= reach; d++) {
      const src = b + d;
      if (src < 0 || src >= nBins) continue;
      const w = kernel[d + reach]!, o = src * nItems;
      for (let i = 0; i < nItems; i++) {
        const c = counts[o + i]!;
        if (c !== 0) { row[i]! += w * c; total += w * c; }
      }
    }
    if (total + prior > 0) for (let i = 0; i < nItems; i++) share[b * nItems + i] = (row[i]! + prior * global[i]!) / (total + prior);
  }
  return share;
}

export class TimeWindowRecommender extends BaseRecommender {
  readonly id = TIME_WINDOW_ID;
  readonly params: Readonly<TimeWindowParams>;
  /** bins × items shares. */
  private share: Float32Array = new Float32Array(0);
  private nBins = 0;
  /** users × bins: how many of the user's training interactions fall in each bin. */
  private userBins: Csr | undefined;
  /** All-time share g_i of each item. */
  private global: Float32Array = new Float32Array(0);

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(TIME_WINDOW_ID, timeWindowParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const m = data.interactions, times = data.interactionTimes;
    if (m.indices.length === 0) throw createError('DATASET_EMPTY', { what: 'interactions' });
    throwIfAborted(options.signal, this.id);
    let t0 = Infinity, t1 = -Infinity;
    for (let k = 0; k < times.length; k++) { t0 = Math.min(t0, times[k]!); t1 = Math.max(t1, times[k]!); }
    const width = binWidth(t1 - t0, m.cols, this.params.binDays);
    const nBins = Math.floor((t1 - t0) / width) + 1;
    const bin = Int32Array.from(times, (t) => Math.min(nBins - 1, Math.floor((t - t0) / width)));
    const rowOf = new Int32Array(m.indices.length);
    for (let u = 0; u < m.rows; u++) rowOf.fill(u, m.indptr[u]!, m.indptr[u + 1]!);
    this.share = smoothedShares(bin, m.indices, nBins, m.cols, (this.params.bandwidthDays * DAY_MS) / width, this.params.prior);
    this.global = new Float32Array(m.cols);
    for (let k = 0; k < m.indices.length; k++) this.global[m.indices[k]!]! += 1 / m.indices.length;
    this.nBins = nBins;
    this.userBins = csrFromCoo(m.rows, nBins, rowOf, bin, new Float32Array(bin.length).fill(1));
    this.setSeen(data);
    options.progress?.(1, 1, this.id);
    return Promise.resolve();
  }

  protected scoreUser(user: number, out: Float32Array): void {
    const ub = this.userBins!, n = this.nItems;
    out.fill(0);
    let total = 0;
    for (let k = ub.indptr[user]!; k < ub.indptr[user + 1]!; k++) {
      const w = ub.data[k]!, o = ub.indices[k]! * n;
      total += w;
      for (let i = 0; i < n; i++) out[i]! += w * this.share[o + i]!;
    }
    if (total === 0) this.latestShares(out);
    else {
      for (let i = 0; i < n; i++) out[i]! /= total;
      this.output(out);
    }
  }

  /** Unknown users: the shares of the latest bin. */
  protected override scoreUnknownUser(_user: number, out: Float32Array): boolean {
    this.latestShares(out);
    return true;
  }

  private latestShares(out: Float32Array): void {
    out.set(this.share.subarray((this.nBins - 1) * this.nItems, this.nBins * this.nItems));
    this.output(out);
  }

  /** Shares → the configured output; items never seen in training cannot be scored. */
  private output(out: Float32Array): void {
    const g = this.global;
    for (let i = 0; i < out.length; i++) {
      if (!(g[i]! > 0)) out[i] = -Infinity;
      else if (this.params.output === 'log-lift') out[i] = Math.log(out[i]! / g[i]!);
    }
  }

  save(): Artifact {
    this.requireFitted();
    return this.artifactOf(VERSION, {
      share: { data: this.share, shape: [this.nBins, this.nItems] },
      global: { data: this.global, shape: [this.nItems] },
      ...csrTensors('user_bins', this.userBins!),
    }, { nBins: this.nBins });
  }

  static load(a: Artifact): TimeWindowRecommender {
    const where = `${TIME_WINDOW_ID} artifact`;
    const m = new TimeWindowRecommender(a.params);
    const { nUsers, nItems } = m.restoreSeen(a, where);
    const nBins = stateInt(a.state, 'nBins', where);
    if (nBins < 1) throw createError('ARTIFACT_INVALID', { path: where, problem: 'state.nBins should be at least 1' });
    m.share = f32Tensor(a.tensors, 'share', nBins * nItems, where);
    m.global = f32Tensor(a.tensors, 'global', nItems, where);
    m.userBins = csrFromTensors(a.tensors, 'user_bins', nUsers, nBins, where);
    for (let k = 0; k < m.userBins.indices.length; k++) {
      if (m.userBins.indices[k]! >= nBins) throw createError('ARTIFACT_INVALID', { path: where, problem: `tensor user_bins has a bin outside 0..${nBins - 1}` });
    }
    m.nBins = nBins;
    return m;
  }
}

export const timeWindowFactory: ModelFactory = defineModel({
  id: TIME_WINDOW_ID,
  version: VERSION,
  description: 'Popularity around each user\'s own activity times (Gaussian-smoothed share of activity per time bin)',
  params: timeWindowParamsSchema,
  create: (params) => new TimeWindowRecommender(params),
  restore: (artifact) => TimeWindowRecommender.load(artifact),
});
