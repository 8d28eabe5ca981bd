/**
 * @module Hybrid by weighted reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009): any registered models
 * are fitted side by side and their rankings merged as score(i) = Σ_m w_m / (k + rank_m(i)), rank from 1,
 * k = 60 as in the paper. Items outside a member's top `depth` get nothing from it.
 */
import { z } from 'zod';
import { createError } from '../../core/errors.js';
import type { Dataset } from '../../data/dataset.js';
import type { TensorMap } from '../../nn/safetensors.js';
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import type { Artifact, FitOptions, Recommendation, Recommender } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { csrTensors, parseParams } from '../shared/model-io.js';
import { createMembers, fitMembers, loadMembers, memberSchema, saveMembers } from './members.js';

export const RANK_FUSION_ID = 'hybrid/rank-fusion';
/** Artifact layout version (written by `save`, checked on load). */
const VERSION = 1;

export const rankFusionParamsSchema = z
  .object({
    members: z.array(memberSchema).min(1),
    /** Rank constant k of RRF; 60 is Cormack et al.'s value. */
    rrfK: z.number().positive().default(60),
    /** How deep each member's ranking is read (unseen items; the user's seen items are added on top). */
    depth: z.number().int().min(1).default(200),
  })
  .strict();

export type RankFusionParams = z.output<typeof rankFusionParamsSchema>;

export class RankFusionRecommender extends BaseRecommender {
  readonly id = RANK_FUSION_ID;
  readonly params: Readonly<RankFusionParams>;
  private members: Recommender[] = [];

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(RANK_FUSION_ID, rankFusionParamsSchema, params);
    // Build members now so bad member ids or params fail at construction.
    this.members = createMembers(this.params.members);
  }

  async fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    this.members = await fitMembers(this.id, this.params.members, data, options);
    this.setSeen(data);
  }

  /** RRF over the members' rankings of one user; returns false when no member ranked anything. */
  private fuse(user: number, out: Float32Array): boolean {
    out.fill(0);
    const seenCount = user < this.nUsers ? this.historyOf(user).items.length : 0;
    const k = this.params.depth + seenCount;
    let any = false;
    this.members.forEach((m, j) => {
      const w = this.params.members[j]!.weight;
      const recs = m.recommend(user, { k, excludeSeen: false });
      recs.forEach((r, rank) => {
        out[r.item]! += w / (this.params.rrfK + rank + 1);
        any = true;
      });
    });
    return any;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    this.fuse(user, out);
  }

  protected override scoreUnknownUser(user: number, out: Float32Array): boolean {
    return this.fuse(user, out);
  }

  /** Forwards the update to every member that learns online and records it for seen-item exclusion. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
    for (const m of this.members) m.partialFit?.(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const scores = new Float32Array(this.nItems).fill(-Infinity);
    let any = false;
    this.members.forEach((m, j) => {
      let sims: Recommendation[];
      try {
        sims = m.similarItems(item, this.params.depth);
      } catch {
        return; // members without item similarity do not vote
      }
      const w = this.params.members[j]!.weight;
      sims.forEach((r, rank) => {
        scores[r.item] = (scores[r.item] === -Infinity ? 0 : scores[r.item]!) + w / (this.params.rrfK + rank + 1);
        any = true;
      });
    });
    if (!any) throw createError('INVALID_INPUT', { field: 'similarItems', problem: `no member of ${this.id} defines item similarity` });
    return topK(scores, k, (j) => j === item).map((s) => ({ item: s.index, score: s.score }));
  }

  save(): Artifact {
    this.requireFitted();
    const tensors: TensorMap = { ...csrTensors('seen', this.historyCsr()) };
    const members = saveMembers(this.members, tensors);
    return { kind: RANK_FUSION_ID, version: VERSION, params: { ...this.params }, tensors, state: { nUsers: this.nUsers, nItems: this.nItems, members } };
  }

  static load(a: Artifact): RankFusionRecommender {
    const where = `${RANK_FUSION_ID} artifact`;
    const m = new RankFusionRecommender(a.params);
    m.restoreSeen(a, where);
    m.members = loadMembers(a.state.members, a.tensors, m.params.members.length, where);
    return m;
  }
}

export const rankFusionFactory: ModelFactory = defineModel({
  id: RANK_FUSION_ID,
  version: VERSION,
  description: 'Hybrid: weighted reciprocal-rank fusion of any registered models (Cormack et al. 2009)',
  params: rankFusionParamsSchema,
  create: (params) => new RankFusionRecommender(params),
  restore: (artifact) => RankFusionRecommender.load(artifact),
});
