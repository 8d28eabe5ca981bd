/**
 * @module Hybrid by weighted score fusion: any registered models are fitted side by side; for each user every
 * member's scores are put on a common scale, then summed with the members' weights:
 *   score(i) = Σ_m w_m · norm_m(s_m(i)),
 * `zscore`: (s − μ) / σ, `minmax`: (s − min) / (max − min), with μ, σ, min, max over the items the user has not
 * interacted with (those are what gets ranked). An item a member leaves unscored counts as that member's lowest
 * score. Unlike rank fusion, a member that is very sure about a few items can outvote the others there.
 */
import { z } from 'zod';
import type { Dataset } from '../../data/dataset.js';
import type { TensorMap } from '../../nn/safetensors.js';
import { BaseRecommender } from '../base-recommender.js';
import { csrTensors, parseParams } from '../shared/model-io.js';
import type { Artifact, FitOptions, Recommender } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { memberScores } from './fit-cache.js';
import { createMembers, fitMembers, loadMembers, memberSchema, saveMembers, similarItemsOfMembers } from './members.js';

export const SCORE_FUSION_ID = 'hybrid/score-fusion';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const scoreFusionParamsSchema = z
  .object({
    members: z.array(memberSchema).min(1),
    normalize: z.enum(['zscore', 'minmax']).default('zscore'),
  })
  .strict()
  .refine((p) => p.members.some((m) => m.weight > 0), { message: 'at least one member needs a weight above 0', path: ['members'] });

export type ScoreFusionParams = z.output<typeof scoreFusionParamsSchema>;

/**
 * Adds w · norm(s) to `out` for one member's scores `s` (NaN = unscored), statistics over the items not in `seen`
 * (over every scored item when all scored items are seen). Returns false when the member scored nothing.
 */
export function addNormalized(s: Float32Array | Float64Array, seen: Uint8Array, w: number, how: 'zscore' | 'minmax', out: Float32Array): boolean {
  const stats = (useSeen: boolean): { n: number; mean: number; sd: number; min: number; max: number } => {
    let n = 0, sum = 0, sq = 0, min = Infinity, max = -Infinity;
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (Number.isNaN(v) || (!useSeen && seen[i] === 1)) continue;
      n++; sum += v; sq += v * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = n > 0 ? sum / n : 0;
    return { n, mean, sd: Math.sqrt(Math.max(0, sq / Math.max(1, n) - mean * mean)), min, max };
  };
  let st = stats(false);
  if (st.n === 0) st = stats(true);
  if (st.n === 0) return false;
  let floor = Infinity;
  for (let i = 0; i < s.length; i++) if (!Number.isNaN(s[i]!) && s[i]! < floor) floor = s[i]!;
  const scale = how === 'zscore' ? (st.sd > 0 ? 1 / st.sd : 0) : st.max > st.min ? 1 / (st.max - st.min) : 0;
  const centre = how === 'zscore' ? st.mean : st.min;
  for (let i = 0; i < s.length; i++) {
    const v = Number.isNaN(s[i]!) ? floor : s[i]!;
    out[i]! += w * (v - centre) * scale;
  }
  return true;
}

/** Every item's score from one fitted member for `user` (NaN where the member gives none), through the fit cache. */
export function memberScoreVector(member: Recommender, user: number, nItems: number): Float32Array {
  return memberScores(member, user, () => {
    const v = new Float32Array(nItems).fill(NaN);
    for (const r of member.recommend(user, { k: nItems, excludeSeen: false })) v[r.item] = r.score;
    return v;
  });
}

export class ScoreFusionRecommender extends BaseRecommender {
  readonly id = SCORE_FUSION_ID;
  readonly params: Readonly<ScoreFusionParams>;
  private members: Recommender[];

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(SCORE_FUSION_ID, scoreFusionParamsSchema, params);
    // Built now so bad member ids or params fail at construction.
    this.members = createMembers(this.params.members);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    // A member with weight 0 does not vote: skip its fit (it is refitted when its weight changes).
    this.members = await fitMembers(this.id, this.params.members, data, options, (j) => this.params.members[j]!.weight === 0);
    this.setSeen(data);
  }

  /** The fused scores of one user; false when no member scored anything. */
  private fuse(user: number, out: Float32Array): boolean {
    out.fill(0);
    const seen = new Uint8Array(this.nItems);
    if (user < this.nUsers) for (const i of this.historyOf(user).items) seen[i] = 1;
    let any = false;
    this.members.forEach((m, j) => {
      const w = this.params.members[j]!.weight;
      if (w === 0) return;
      if (addNormalized(memberScoreVector(m, user, this.nItems), seen, w, this.params.normalize, out)) any = true;
    });
    return any;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    if (!this.fuse(user, out)) out.fill(-Infinity);
  }

  protected override scoreUnknownUser(user: number, out: Float32Array): boolean {
    return this.fuse(user, out);
  }

  /** Forwards the update to every member that learns online and records it for seen-item exclusion. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
    for (const m of this.members) if (m.fitted) m.partialFit?.(user, items, weights);
  }

  override similarItems(item: number, k: number): ReturnType<Recommender['similarItems']> {
    this.requireItem(item);
    return similarItemsOfMembers(this.id, this.members.filter((_, j) => this.params.members[j]!.weight > 0), item, k);
  }

  save(): Artifact {
    this.requireFitted();
    const tensors: TensorMap = { ...csrTensors('seen', this.historyCsr()) };
    const voting = this.members.filter((_, j) => this.params.members[j]!.weight > 0);
    const members = saveMembers(voting, tensors);
    return { kind: SCORE_FUSION_ID, version: VERSION, params: { ...this.params }, tensors, state: { nUsers: this.nUsers, nItems: this.nItems, members } };
  }

  static load(a: Artifact): ScoreFusionRecommender {
    const where = `${SCORE_FUSION_ID} artifact`;
    const m = new ScoreFusionRecommender(a.params);
    m.restoreSeen(a, where);
    const voting = m.params.members.map((x, j) => ({ x, j })).filter(({ x }) => x.weight > 0);
    const loaded = loadMembers(a.state.members, a.tensors, voting.length, where);
    voting.forEach(({ j }, v) => { m.members[j] = loaded[v]!; });
    return m;
  }
}

export const scoreFusionFactory: ModelFactory = defineModel({
  id: SCORE_FUSION_ID,
  version: VERSION,
  description: 'Hybrid: weighted sum of per-user standardised scores of any registered models',
  params: scoreFusionParamsSchema,
  create: (params) => new ScoreFusionRecommender(params),
  restore: (artifact) => ScoreFusionRecommender.load(artifact),
});
