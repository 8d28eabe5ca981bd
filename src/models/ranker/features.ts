/**
 * @module Ranker features and training exposures, computed causally: walking the log in time order, each
 * (user, item) exposure gets the features as they stood just before it (no label leakage through popularity or
 * past-engagement counts), and its labels from every later event on that pair.
 *
 * Dense features (DENSE_FEATURES, in this order): follows(user, author) ∈ {0, 1}; ln(1 + past engagements of
 * the user with the author); ln(1 + item age in hours); ln(1 + item engagement count); share of the item's tags
 * in the user's engaged history; ln(1 + Σ history counts of those tags); sin and cos of 2π·hour/24 (UTC); and the
 * text features, when the caller gives `RankerTextSignals` (else 0): the post's sentiment score in [−1, 1] and
 * offensive probability (0 when unknown); topic match θ_u · θ_i, where θ_u is the mean topic mixture of the posts
 * the user engaged with so far and θ_i the post's (both sum to 1, so the match is in [0, 1]); embedding similarity
 * cos(Σ_{engaged j} v_j, v_i) over the posts' unit TF-IDF vectors (the interest profile's, in [0, 1]).
 */
import { DEFAULT_CONFIG, EVENT_TYPES } from '../../core/config.js';
import type { Rng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import { CATALOG_AUTHOR } from '../../data/importers/types.js';

export const DENSE_FEATURES = [
  'follows', 'userAuthorLog', 'ageHoursLog', 'popularityLog', 'tagOverlap', 'tagAffinityLog', 'hourSin', 'hourCos',
  'sentiment', 'offensive', 'topicMatch', 'embeddingSimilarity',
] as const;
export const DENSE_DIM = DENSE_FEATURES.length;
/** Index of the first text feature: the ablation without text features leaves DENSE_DIM − TEXT_OFFSET at 0. */
export const TEXT_OFFSET = 8;

/** What the text features read about the context dataset's items (the engine gives the interest profile's). */
export interface RankerTextSignals {
  /** Sentiment score in [−1, 1] (0 when unknown). */
  sentiment(item: number): number;
  /** Offensive probability in [0, 1] (0 when unknown). */
  offensive(item: number): number;
  /** Unit sparse vector of the post (columns ascending). */
  vector(item: number): { readonly cols: Int32Array; readonly vals: Float32Array };
  /** Topic mixture of the post (sums to 1, or all zero), undefined without topics. */
  topics(item: number): ArrayLike<number> | undefined;
}

/** The running text side of one user: summed engaged vectors (and their squared norm) and topic mixtures. */
interface UserText {
  terms: Map<number, number>;
  norm2: number;
  topics: Float64Array | undefined;
  topicMass: number;
}

/** Heads of the ranker, in output order. */
export const RANKER_TASKS = ['like', 'share', 'comment', 'hide', 'dwell'] as const;
export type RankerTask = (typeof RANKER_TASKS)[number];
/** The binary heads (BCE); `dwell` is a regression on ln(1 + seconds). */
export const BINARY_TASKS = ['like', 'share', 'comment', 'hide'] as const;

const T = Object.fromEntries(EVENT_TYPES.map((t, i) => [t, i])) as Record<(typeof EVENT_TYPES)[number], number>;
/** `DatasetBuilder` maps dwell to min(seconds / 30, 1) × weights.dwell: 30 s is one full signal. */
const DWELL_FULL_SECONDS = 30;
const HOUR_MS = 3_600_000;

/** Running counters from which features are read: the state of the world at some time. */
export class FeatureState {
  private readonly userAuthor = new Map<number, number>();
  readonly popularity: Float32Array;
  private readonly userTags = new Map<number, Map<string, number>>();
  /** Index of the catalogue author: its items have no creator, so no author features (-1 when absent). */
  private readonly catalog: number;

  private readonly userText = new Map<number, UserText>();

  constructor(readonly data: Dataset, private readonly text?: RankerTextSignals) {
    this.catalog = data.users.index(CATALOG_AUTHOR);
    this.popularity = new Float32Array(data.items.size);
  }

  private observeText(u: number, i: number, text: RankerTextSignals): void {
    let ut = this.userText.get(u);
    if (!ut) this.userText.set(u, (ut = { terms: new Map(), norm2: 0, topics: undefined, topicMass: 0 }));
    const v = text.vector(i);
    for (let k = 0; k < v.cols.length; k++) {
      const old = ut.terms.get(v.cols[k]!) ?? 0, now = old + v.vals[k]!;
      ut.terms.set(v.cols[k]!, now);
      ut.norm2 += now * now - old * old;
    }
    const m = text.topics(i);
    let mass = 0;
    for (let t = 0; m && t < m.length; t++) mass += m[t]!;
    if (!m || mass <= 0) return;
    ut.topics ??= new Float64Array(m.length);
    for (let t = 0; t < m.length; t++) ut.topics[t]! += m[t]! / mass;
    ut.topicMass++;
  }

  /** Writes the four text features of (u, i) at `offset`. */
  private writeText(u: number, i: number, out: Float32Array, offset: number): void {
    const text = this.text;
    if (!text) {
      out.fill(0, offset, offset + 4);
      return;
    }
    out[offset] = text.sentiment(i);
    out[offset + 1] = text.offensive(i);
    const ut = this.userText.get(u);
    const m = text.topics(i);
    let match = 0;
    if (ut?.topics && m && ut.topicMass > 0) for (let t = 0; t < m.length; t++) match += (ut.topics[t]! / ut.topicMass) * m[t]!;
    out[offset + 2] = match;
    let sim = 0;
    if (ut && ut.norm2 > 0) {
      const v = text.vector(i);
      for (let k = 0; k < v.cols.length; k++) sim += (ut.terms.get(v.cols[k]!) ?? 0) * v.vals[k]!;
      sim /= Math.sqrt(ut.norm2);
    }
    out[offset + 3] = sim;
  }

  /** Records a positive engagement (like, share, comment) of `u` with item `i`. */
  observe(u: number, i: number): void {
    this.popularity[i]!++;
    const a = this.authorOf(i);
    if (a >= 0) {
      const key = u * this.data.users.size + a;
      this.userAuthor.set(key, (this.userAuthor.get(key) ?? 0) + 1);
    }
    let tags = this.userTags.get(u);
    if (!tags) this.userTags.set(u, (tags = new Map()));
    for (const t of this.data.itemTags[i] ?? []) tags.set(t, (tags.get(t) ?? 0) + 1);
    if (this.text) this.observeText(u, i, this.text);
  }

  /** The item's author as a user index, -1 when unknown or the catalogue. */
  private authorOf(i: number): number {
    const a = this.data.itemAuthors[i] ?? -1;
    return a === this.catalog ? -1 : a;
  }

  /** Writes the DENSE_DIM features of (u, i) at `time` (epoch ms) into `out` at `offset`. */
  write(u: number, i: number, time: number, out: Float32Array, offset: number): void {
    const d = this.data;
    const a = this.authorOf(i);
    out[offset] = a >= 0 && u >= 0 && u < d.follows.rows && contains(d.follows.indices, d.follows.indptr[u]!, d.follows.indptr[u + 1]!, a) ? 1 : 0;
    out[offset + 1] = Math.log1p(a >= 0 ? this.userAuthor.get(u * d.users.size + a) ?? 0 : 0);
    const created = d.itemCreatedAt[i]!;
    out[offset + 2] = Number.isFinite(created) ? Math.log1p(Math.max(0, (time - created) / HOUR_MS)) : 0;
    out[offset + 3] = Math.log1p(this.popularity[i] ?? 0);
    const tags = d.itemTags[i] ?? [];
    const hist = this.userTags.get(u);
    let seen = 0, mass = 0;
    if (hist) for (const t of tags) { const c = hist.get(t) ?? 0; if (c > 0) seen++; mass += c; }
    out[offset + 4] = tags.length > 0 ? seen / tags.length : 0;
    out[offset + 5] = Math.log1p(mass);
    const hour = ((time % 86_400_000) + 86_400_000) % 86_400_000 / HOUR_MS;
    out[offset + 6] = Math.sin((2 * Math.PI * hour) / 24);
    out[offset + 7] = Math.cos((2 * Math.PI * hour) / 24);
    this.writeText(u, i, out, offset + TEXT_OFFSET);
  }
}

function contains(indices: Int32Array, lo: number, hi: number, v: number): boolean {
  hi--;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = indices[mid]!;
    if (x === v) return true;
    if (x < v) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** True for the event types that count as positive engagement in the counters. */
function isEngagement(type: number): boolean {
  return type === T.like || type === T.share || type === T.comment;
}

/** The feature state after the whole log: what serving sees. */
export function finalFeatureState(data: Dataset, text?: RankerTextSignals): FeatureState {
  const s = new FeatureState(data, text);
  const { log } = data;
  for (let k = 0; k < log.user.length; k++) if (isEngagement(log.type[k]!)) s.observe(log.user[k]!, log.item[k]!);
  return s;
}

/** Training exposures: parallel arrays, one row per (user, item) pair. */
export interface Exposures {
  readonly n: number;
  readonly user: Int32Array;
  readonly item: Int32Array;
  /** Epoch ms of the exposure (first event on the pair). */
  readonly time: Float64Array;
  /** [n, DENSE_DIM] causal features. */
  readonly dense: Float32Array;
  /** [n, 4] labels of like, share, comment, hide. */
  readonly labels: Float32Array;
  /** ln(1 + dwell seconds), 0 without a dwell event. */
  readonly dwell: Float32Array;
}

export interface ExposureOptions {
  /** Sampled unseen items per engaged pair; default 0 when the log has views (they are the exposures), else 2. */
  negativeSamples?: number | undefined;
  /** Weight `DatasetBuilder` gave dwell events (to recover seconds); default DEFAULT_CONFIG.weights.dwell. */
  dwellWeight?: number | undefined;
  /** Text signals of the items (the text features are 0 without). */
  text?: RankerTextSignals | undefined;
  rng: Rng;
}

/**
 * Builds exposures from a dataset: every (user, item) pair met in the log is one exposure at its first event
 * (views included), labelled like/share/comment from the log and hide from `negatives` (hide or report);
 * `negativeSamples` random items the user never engaged with are added as all-zero exposures at the same time.
 * Hide/report pairs that never appear in the log are added last, with the final counters.
 */
export function buildExposures(data: Dataset, options: ExposureOptions): Exposures {
  const { log } = data;
  const nItems = data.items.size;
  let hasViews = false;
  for (let k = 0; k < log.type.length && !hasViews; k++) hasViews = log.type[k] === T.view;
  const negPer = options.negativeSamples ?? (hasViews ? 0 : 2);
  const dwellW = options.dwellWeight ?? DEFAULT_CONFIG.weights.dwell;
  const rows = new Map<number, number>();
  const user: number[] = [], item: number[] = [], time: number[] = [];
  const dense: number[] = [];
  const labels: number[] = [];
  const dwell: number[] = [];
  const buf = new Float32Array(DENSE_DIM);
  const state = new FeatureState(data, options.text);
  const add = (u: number, i: number, t: number): number => {
    const r = user.length;
    user.push(u); item.push(i); time.push(t);
    state.write(u, i, t, buf, 0);
    for (let f = 0; f < DENSE_DIM; f++) dense.push(buf[f]!);
    labels.push(0, 0, 0, 0);
    dwell.push(0);
    rows.set(u * nItems + i, r);
    return r;
  };
  const engaged = data.interactions;
  const rowHas = (u: number, i: number): boolean => contains(engaged.indices, engaged.indptr[u]!, engaged.indptr[u + 1]!, i);
  for (let k = 0; k < log.user.length; k++) {
    const u = log.user[k]!, i = log.item[k]!, ty = log.type[k]!, t = log.time[k]!;
    let r = rows.get(u * nItems + i);
    if (r === undefined) {
      r = add(u, i, t);
      for (let s = 0; s < negPer && nItems > 1; s++) {
        const j = options.rng.int(nItems);
        if (j !== i && !rows.has(u * nItems + j) && !rowHas(u, j)) add(u, j, t);
      }
    }
    if (ty === T.like) labels[r * 4] = 1;
    else if (ty === T.share) labels[r * 4 + 1] = 1;
    else if (ty === T.comment) labels[r * 4 + 2] = 1;
    else if (ty === T.dwell && dwellW > 0) dwell[r] = Math.log1p(Math.min(log.weight[k]! / dwellW, 1) * DWELL_FULL_SECONDS);
    if (isEngagement(ty)) state.observe(u, i);
  }
  const neg = data.negatives;
  for (let u = 0; u < neg.rows; u++) {
    for (let p = neg.indptr[u]!; p < neg.indptr[u + 1]!; p++) {
      const i = neg.indices[p]!;
      let r = rows.get(u * nItems + i);
      if (r === undefined) r = add(u, i, data.now);
      labels[r * 4 + 3] = 1;
    }
  }
  return {
    n: user.length,
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from(time),
    dense: Float32Array.from(dense),
    labels: Float32Array.from(labels),
    dwell: Float32Array.from(dwell),
  };
}
