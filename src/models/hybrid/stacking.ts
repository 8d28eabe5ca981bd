/**
 * @module Hybrid by stacking (Wolpert 1992, "Stacked generalization"): the members are fitted on a validation carve
 * of the training data (item-carve.ts), a logistic regression learns from the held-out pairs how to combine their
 * scores, and the members are then refitted on all the data. Each member's scores are z-scored per user as in
 * score fusion, and the meta-model sees, per (user u, candidate item i):
 *   z_m(i) for every member m,   z_m(i) · a_u   (a_u = ln(1 + |I_u|), the user's activity),   a_u,   ln(1 + pop(i)),
 * so a member's weight can grow or shrink with how much the user has done: in MovieLens, neighbourhood models
 * know light users better and factor models heavy ones, which one global weight per member cannot express.
 *
 * Like a two-stage feed, the candidates are each user's top `candidates` items by the members' weighted z-score sum
 * (the score-fusion blend), and the meta-model re-ranks only those, in training as in serving; the other items
 * keep the blend's order below every candidate.
 */
import { z } from 'zod';
import { createRng } from '../../core/rng.js';
import type { Dataset } from '../../data/dataset.js';
import type { Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import type { TensorMap } from '../../nn/safetensors.js';
import { fitLogisticRegression } from '../../text/logistic-regression.js';
import { BaseRecommender } from '../base-recommender.js';
import { csrTensors, f32Tensor, parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommender } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { carveByItem } from './item-carve.js';
import { createMembers, fitMembers, loadMembers, memberSchema, saveMembers, similarItemsOfMembers } from './members.js';
import { addNormalized, memberScoreVector } from './score-fusion.js';

export const STACKING_ID = 'hybrid/stacking';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const stackingParamsSchema = z
  .object({
    /** The members; each weight is its share of the candidate blend (it does not bound what the meta-model learns). */
    members: z.array(memberSchema).min(1),
    /** Items per user the meta-model re-ranks. */
    candidates: z.number().int().min(1).default(100),
    /** Fraction of each item's pairs the members train on in the carve (the rest are the meta-model's labels). */
    keep: z.number().gt(0).lt(1).default(0.75),
    /** Inverse L2 strength of the logistic regression (scikit-learn's C). */
    C: z.number().positive().default(1),
    /** Carve users the meta-model learns from at most (a seeded sample when there are more). */
    maxUsers: z.number().int().min(1).default(5000),
    /** Meta-features z · a and a (member weights that follow the user's activity a). */
    activity: z.boolean().default(true),
    /** Meta-feature ln(1 + item popularity). */
    popularity: z.boolean().default(true),
  })
  .strict()
  .refine((p) => p.members.some((m) => m.weight > 0), { message: 'at least one member needs a weight above 0 (the candidate blend)', path: ['members'] });

export type StackingParams = z.output<typeof stackingParamsSchema>;

/** Which meta-features beside the members' z-scores. */
export interface FeatureSet {
  activity: boolean;
  popularity: boolean;
}

/** Meta-features: M z-scores, then M products z · a and a (with `activity`), then ln(1 + pop) (with `popularity`). */
export function featureCount(members: number, set: FeatureSet = { activity: true, popularity: true }): number {
  return members + (set.activity ? members + 1 : 0) + (set.popularity ? 1 : 0);
}

/**
 * Writes the meta-features of item `i` into `out` at `offset`: [z_1 … z_M, z_1·a … z_M·a, a, lp] (the parts `set`
 * switches off left out). `zs[m]` holds member m's per-user z-scores, `activity` is a_u = ln(1 + |I_u|), `logPop`
 * ln(1 + pop(i)).
 */
export function writeFeatures(zs: readonly Float32Array[], i: number, activity: number, logPop: number, out: Float64Array, offset: number, set: FeatureSet = { activity: true, popularity: true }): void {
  const M = zs.length;
  let o = offset;
  for (let m = 0; m < M; m++) out[o++] = zs[m]![i]!;
  if (set.activity) {
    for (let m = 0; m < M; m++) out[o++] = zs[m]![i]! * activity;
    out[o++] = activity;
  }
  if (set.popularity) out[o++] = logPop;
}

interface UserView {
  /** Per member: z-scores over the items (zeros for a member that scored nothing). */
  zs: Float32Array[];
  /** The candidate blend. */
  blend: Float32Array;
  candidates: number[];
  activity: number;
  /** Whether any member scored anything. */
  any: boolean;
}

export class StackingRecommender extends BaseRecommender {
  readonly id = STACKING_ID;
  readonly params: Readonly<StackingParams>;
  private members: Recommender[];
  /** Direction of the meta-model: score = coef · features (the intercept does not change a ranking). */
  private coef: Float32Array = new Float32Array(0);
  private logPop: Float32Array = new Float32Array(0);

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(STACKING_ID, stackingParamsSchema, params);
    this.members = createMembers(this.params.members);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    const seed = options.seed ?? 42;
    const progress = options.progress ?? (() => {});
    const rng = createRng(seed ^ 0x2545f491);
    const carve = carveByItem(data, this.params.keep, rng);
    // Stage 1: members on the carve; their scores on held-out pairs teach the meta-model.
    // An empty carve (every item has a single user) leaves nothing to fit the members on: no meta-examples.
    const empty = carve.train.interactions.indices.length === 0;
    const inCarve = empty ? [] : await fitMembers(this.id, this.params.members, carve.train, { ...options, progress: (d, t, l) => progress(d, 3 * t, l) });
    const logPopCarve = logPopularity(carve.train.interactions);
    const users: number[] = [];
    for (let u = 0; u < (empty ? 0 : carve.held.rows); u++) {
      if (carve.held.indptr[u + 1]! > carve.held.indptr[u]! && carve.train.interactions.indptr[u + 1]! > carve.train.interactions.indptr[u]!) users.push(u);
    }
    const sample = users.length > this.params.maxUsers ? rng.shuffle(users).slice(0, this.params.maxUsers).sort((a, b) => a - b) : users;
    const F = featureCount(this.members.length, this.params);
    const rows: Float64Array[] = [];
    const labels: number[] = [];
    sample.forEach((u, n) => {
      const history = rowItems(carve.train.interactions, u);
      const view = this.userView(inCarve, u, history, data.items.size);
      const held = new Set(rowItems(carve.held, u));
      const x = new Float64Array(view.candidates.length * F);
      view.candidates.forEach((i, r) => {
        writeFeatures(view.zs, i, view.activity, logPopCarve[i]!, x, r * F, this.params);
        labels.push(held.has(i) ? 1 : 0);
      });
      rows.push(x);
      if (n % 256 === 0) progress(1 + n / sample.length, 3, 'meta-features');
    });
    if (labels.includes(1)) {
      this.coef = fitMeta(rows, labels, F, this.params.C);
    } else {
      // Too little data to learn from (no held-out item among any candidates): serve the candidate blend itself.
      options.logger?.warn({ model: this.id, users: users.length }, 'no held-out item among the carve candidates: ranking by the members\' weighted blend');
      this.coef = blendCoefficients(this.params.members.map((m) => m.weight), F);
    }
    // Stage 2: the members again, on everything.
    this.members = await fitMembers(this.id, this.params.members, data, { ...options, progress: (d, t, l) => progress(2 + d / t, 3, l) });
    this.logPop = logPopularity(data.interactions);
    this.setSeen(data);
    progress(3, 3, 'done');
  }

  /** The members' z-scores, the candidate blend and the candidates of one user with `history` as seen items. */
  private userView(members: readonly Recommender[], user: number, history: ArrayLike<number>, nItems: number): UserView {
    const seen = new Uint8Array(nItems);
    for (let k = 0; k < history.length; k++) seen[history[k]!] = 1;
    const blend = new Float32Array(nItems);
    let any = false;
    const zs = members.map((m, j) => {
      const zm = new Float32Array(nItems);
      // A member that scored nothing leaves its z-scores at 0.
      if (addNormalized(memberScoreVector(m, user, nItems), seen, 1, 'zscore', zm)) any = true;
      const w = this.params.members[j]!.weight;
      if (w > 0) for (let i = 0; i < nItems; i++) blend[i]! += w * zm[i]!;
      return zm;
    });
    const candidates = topK(blend, this.params.candidates, (i) => seen[i] === 1).map((s) => s.index);
    return { zs, blend, candidates, activity: Math.log1p(history.length), any };
  }

  /** Meta-model scores on the candidates, every other item below them in blend order; false when no member scored. */
  private score(user: number, out: Float32Array): boolean {
    const { items } = this.historyOf(user);
    const view = this.userView(this.members, user, items, this.nItems);
    if (!view.any) return false;
    const F = featureCount(this.members.length, this.params);
    const x = new Float64Array(F);
    let lowest = Infinity, cut = Infinity;
    const isCandidate = new Uint8Array(this.nItems);
    for (const i of view.candidates) {
      writeFeatures(view.zs, i, view.activity, this.logPop[i]!, x, 0, this.params);
      let s = 0;
      for (let f = 0; f < F; f++) s += this.coef[f]! * x[f]!;
      out[i] = s;
      isCandidate[i] = 1;
      if (s < lowest) lowest = s;
      if (view.blend[i]! < cut) cut = view.blend[i]!;
    }
    if (view.candidates.length === 0) lowest = cut = 0;
    for (let i = 0; i < this.nItems; i++) if (!isCandidate[i]) out[i] = lowest - 1 - (cut - view.blend[i]!);
    return true;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    if (!this.score(user, out)) out.fill(-Infinity);
  }

  protected override scoreUnknownUser(user: number, out: Float32Array): boolean {
    if (this.score(user, out)) return true;
    out.fill(-Infinity);
    return false;
  }

  /** Forwards the update to every member that learns online and records it (activity and seen items follow). */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
    for (const m of this.members) if (m.fitted) m.partialFit?.(user, items, weights);
  }

  override similarItems(item: number, k: number): ReturnType<Recommender['similarItems']> {
    this.requireItem(item);
    return similarItemsOfMembers(this.id, this.members, item, k);
  }

  save(): Artifact {
    this.requireFitted();
    const tensors: TensorMap = {
      ...csrTensors('seen', this.historyCsr()),
      coef: { data: this.coef, shape: [this.coef.length] },
      logPop: { data: this.logPop, shape: [this.logPop.length] },
    };
    const members = saveMembers(this.members, tensors);
    return { kind: STACKING_ID, version: VERSION, params: { ...this.params }, tensors, state: { nUsers: this.nUsers, nItems: this.nItems, members } };
  }

  static load(a: Artifact): StackingRecommender {
    const where = `${STACKING_ID} artifact`;
    const m = new StackingRecommender(a.params);
    const { nItems } = m.restoreSeen(a, where);
    m.members = loadMembers(a.state.members, a.tensors, m.params.members.length, where);
    m.coef = f32Tensor(a.tensors, 'coef', featureCount(m.params.members.length, m.params), where);
    m.logPop = f32Tensor(a.tensors, 'logPop', nItems, where);
    return m;
  }
}

function rowItems(m: Csr, u: number): Int32Array {
  return u < m.rows ? m.indices.subarray(m.indptr[u]!, m.indptr[u + 1]!) : new Int32Array(0);
}

/** ln(1 + number of users) per item. */
function logPopularity(m: Csr): Float32Array {
  const out = new Float32Array(m.cols);
  for (let p = 0; p < m.indices.length; p++) out[m.indices[p]!]!++;
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(out[i]!);
  return out;
}

/**
 * Binary logistic regression on the dense meta-feature rows (L2, C as scikit-learn), returned as one direction:
 * with two softmax classes, P(held out) rises with (W₁ − W₀) · x.
 */
function fitMeta(rows: readonly Float64Array[], labels: readonly number[], F: number, C: number): Float32Array {
  const n = labels.length;
  const indptr = new Int32Array(n + 1), indices = new Int32Array(n * F), data = new Float32Array(n * F);
  let r = 0;
  for (const block of rows) {
    for (let o = 0; o < block.length; o += F, r++) {
      indptr[r + 1] = (r + 1) * F;
      for (let f = 0; f < F; f++) { indices[r * F + f] = f; data[r * F + f] = block[o + f]!; }
    }
  }
  const fit = fitLogisticRegression({ rows: n, cols: F, indptr, indices, data }, labels, 2, { C, maxIter: 500 });
  return Float32Array.from({ length: F }, (_, f) => fit.weights[f * 2 + 1]! - fit.weights[f * 2]!);
}

/** Coefficients that reproduce the candidate blend: each member's weight on its z-score, 0 elsewhere. */
export function blendCoefficients(weights: readonly number[], F: number): Float32Array {
  const coef = new Float32Array(F);
  weights.forEach((w, m) => { coef[m] = w; });
  return coef;
}

export const stackingFactory: ModelFactory = defineModel({
  id: STACKING_ID,
  version: VERSION,
  description: 'Hybrid: logistic-regression stacking of any registered models, learned on a validation carve, re-ranking their blend',
  params: stackingParamsSchema,
  create: (params) => new StackingRecommender(params),
  restore: (artifact) => StackingRecommender.load(artifact),
});
