/**
 * @module Out-of-network discovery from communities (`community/simclusters`): posts popular in the user's
 * communities by authors the user does not follow. score(u, i) = InterestedIn(u) · vector(i) over the sparse
 * community vectors of src/social/communities.ts, for posts whose author is neither u nor followed by u (with
 * `outOfNetwork`, the default).
 * Each recommendation can name its community (`communityOf`): the feed's explanation quotes the community's
 * hashtags and best-known accounts. Count-based, so forgetting a user is a refit on the data without them.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/progress.js';
import type { Dataset } from '../../data/dataset.js';
import type { Removal } from '../../data/dataset-without.js';
import { csrTranspose, type Csr } from '../../math/csr.js';
import { buildCommunities, labelCommunities, type Communities, type CommunityLabel } from '../../social/communities.js';
import { BaseRecommender } from '../base-recommender.js';
import type { Artifact, FitOptions } from '../recommender.js';
import type { ModelFactory } from '../registry.js';
import { defineModel } from '../shared/define-model.js';
import { checkCsrIndices, csrFromTensors, csrTensors, i32Tensor, parseParams, stateInt } from '../shared/model-io.js';

export const SIMCLUSTERS_ID = 'community/simclusters';
const VERSION = 1;

export const simclustersParamsSchema = z.strictObject({
  /** Louvain resolution (1: modularity; higher: more, smaller communities). */
  resolution: z.number().positive().default(1),
  /** Communities with fewer members are dropped. */
  minSize: z.number().int().min(1).default(3),
  /** Communities kept per user and per post. */
  topK: z.number().int().min(1).max(50).default(5),
  seed: z.number().int().default(42),
  /** Leave out posts by the user and by accounts they follow (the in-network source has those). */
  outOfNetwork: z.boolean().default(true),
});
export type SimclustersParams = z.output<typeof simclustersParamsSchema>;

/** The community label a recommendation came from (for explanations). */
export interface CommunityReason {
  tags: string[];
  accounts: string[];
}

export class SimclustersRecommender extends BaseRecommender {
  readonly id = SIMCLUSTERS_ID;
  readonly params: Readonly<SimclustersParams>;
  private communities: Communities | undefined;
  /** communities × items (the post vectors by community). */
  private byCommunity: Csr | undefined;
  private follows: Csr | undefined;
  private itemAuthors: Int32Array | undefined;
  private labels: CommunityReason[] = [];

  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = parseParams(SIMCLUSTERS_ID, simclustersParamsSchema, params);
  }

  fit(data: Dataset, options: FitOptions = {}): Promise<void> {
    throwIfAborted(options.signal, this.id);
    this.build(data);
    this.added.clear();
    this.setSeen(data);
    options.progress?.(1, 1, this.id);
    return Promise.resolve();
  }

  /** Communities, vectors and names of `data`. */
  private build(data: Dataset): void {
    this.adopt(data, buildCommunities(data, this.params));
    this.labels = labelCommunities(this.communities!, data.follows, data.itemTags).map((l) => named(l, (u) => data.users.id(u)));
  }

  private adopt(data: Pick<Dataset, 'follows' | 'itemAuthors'>, communities: Communities): void {
    this.communities = communities;
    this.byCommunity = csrTranspose(communities.postVectors);
    this.follows = data.follows;
    this.itemAuthors = data.itemAuthors;
  }

  /** How many communities the fit found. */
  get communityCount(): number {
    return this.communities?.count ?? 0;
  }

  /** The community a user is known for (−1: none). */
  knownFor(user: number): number {
    this.requireFitted();
    return user < this.communities!.knownFor.length ? this.communities!.knownFor[user]! : -1;
  }

  /** The community that contributes most to score(user, item), named; undefined when none does. */
  communityOf(user: number, item: number): CommunityReason | undefined {
    this.requireFitted();
    const { interestedIn: ui, postVectors: pv } = this.communities!;
    if (user >= ui.rows || item >= pv.rows) return undefined;
    let best = -1, bestValue = 0;
    for (let k = ui.indptr[user]!; k < ui.indptr[user + 1]!; k++) {
      for (let q = pv.indptr[item]!; q < pv.indptr[item + 1]!; q++) {
        if (pv.indices[q] !== ui.indices[k]) continue;
        const value = ui.data[k]! * pv.data[q]!;
        if (value > bestValue) [best, bestValue] = [ui.indices[k]!, value];
      }
    }
    return best >= 0 ? this.labels[best] : undefined;
  }

  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(-Infinity);
    const { interestedIn: ui } = this.communities!;
    const byCommunity = this.byCommunity!;
    if (user >= ui.rows) return;
    const followed = new Set<number>();
    const f = this.follows!;
    if (this.params.outOfNetwork) {
      followed.add(user);
      if (user < f.rows) for (let k = f.indptr[user]!; k < f.indptr[user + 1]!; k++) followed.add(f.indices[k]!);
    }
    for (let k = ui.indptr[user]!; k < ui.indptr[user + 1]!; k++) {
      const c = ui.indices[k]!, w = ui.data[k]!;
      for (let q = byCommunity.indptr[c]!; q < byCommunity.indptr[c + 1]!; q++) {
        const i = byCommunity.indices[q]!;
        if (followed.has(this.itemAuthors![i]!)) continue;
        out[i] = (out[i] === -Infinity ? 0 : out[i]!) + w * byCommunity.data[q]!;
      }
    }
  }

  /** Exact unlearning: the communities and vectors of `data` (without the removed users and posts), refitted. */
  forget(data: Dataset, removed: Removal): void {
    this.requireFitted();
    this.build(data);
    this.forgetHistory(data, removed);
  }

  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  save(): Artifact {
    this.requireFitted();
    const c = this.communities!;
    return this.artifactOf(
      VERSION,
      {
        knownFor: { data: c.knownFor, shape: [c.knownFor.length] },
        itemAuthors: { data: this.itemAuthors!, shape: [this.itemAuthors!.length] },
        ...csrTensors('interestedIn', c.interestedIn),
        ...csrTensors('postVectors', c.postVectors),
        ...csrTensors('follows', this.follows!),
      },
      { count: c.count, graphUsers: c.knownFor.length, labels: this.labels },
    );
  }

  static load(a: Artifact): SimclustersRecommender {
    const where = `${a.kind} artifact`;
    const m = new SimclustersRecommender(a.params);
    const { nUsers, nItems, seen } = m.restoreSeen(a, where);
    const count = stateInt(a.state, 'count', where);
    const graphUsers = stateInt(a.state, 'graphUsers', where);
    const knownFor = i32Tensor(a.tensors, 'knownFor', graphUsers, where);
    const interest = csrFromTensors(a.tensors, 'interestedIn', nUsers, count, where);
    const posts = csrFromTensors(a.tensors, 'postVectors', nItems, count, where);
    const follows = csrFromTensors(a.tensors, 'follows', graphUsers, graphUsers, where);
    for (const [name, csr] of [['interestedIn', interest], ['postVectors', posts], ['follows', follows], ['seen', seen]] as const) checkCsrIndices(csr, where, name);
    m.adopt({ follows, itemAuthors: i32Tensor(a.tensors, 'itemAuthors', nItems, where) }, { count, knownFor, interestedIn: interest, postVectors: posts });
    m.labels = Array.isArray(a.state.labels) ? (a.state.labels as CommunityReason[]) : [];
    return m;
  }
}

function named(label: CommunityLabel, userId: (u: number) => string): CommunityReason {
  return { tags: label.tags, accounts: label.accounts.map(userId) };
}

export const simclustersFactory: ModelFactory = defineModel({
  id: SIMCLUSTERS_ID,
  version: VERSION,
  description: 'Communities (SimClusters-style, Louvain on the follow graph): posts popular in your communities by authors you do not follow',
  params: simclustersParamsSchema,
  create: (params) => new SimclustersRecommender(params),
  restore: (artifact) => SimclustersRecommender.load(artifact),
});
