/**
 * @module The serving half shared by models whose whole state is a dense n×n item–item weight matrix B (EASE and
 * its time-proximity variant): score_u = x_u·B over the user's history, neighbours = a row of B, artifacts holding
 * B and the history.
 */
import { topK } from '../../math/top-k.js';
import { BaseRecommender } from '../base-recommender.js';
import { csrFromTensors, csrTensors, f32Tensor, stateInt } from '../mf/model-io.js';
import type { Artifact, Recommendation } from '../recommender.js';

export abstract class DenseItemItemRecommender extends BaseRecommender {
  /** n×n weights, row i = how item i votes for every item. */
  protected b: Float32Array | undefined;
  /** Scores count each history item once (x_u binary) rather than by its weight. */
  protected abstract readonly binaryHistory: boolean;

  protected scoreUser(user: number, out: Float32Array): void {
    const b = this.b!, n = this.nItems;
    const h = this.historyOf(user);
    out.fill(0);
    for (let k = 0; k < h.items.length; k++) {
      const x = this.binaryHistory ? 1 : h.weights[k]!;
      const row = h.items[k]! * n;
      for (let j = 0; j < n; j++) out[j]! += x * b[row + j]!;
    }
  }

  /** Online update: new interactions enter x_u at once (B is fixed), so scores follow without refitting. */
  partialFit(user: number, items: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.addHistory(user, items, weights);
  }

  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    const row = this.b!.subarray(item * this.nItems, (item + 1) * this.nItems);
    return topK(row, k, (j) => j === item).map((s) => ({ item: s.index, score: s.score }));
  }

  save(): Artifact {
    this.requireFitted();
    const n = this.nItems;
    return {
      kind: this.id,
      version: 1,
      params: { ...this.params },
      tensors: { b: { data: this.b!, shape: [n, n] }, ...csrTensors('seen', this.historyCsr()) },
      state: { nUsers: this.nUsers, nItems: n },
    };
  }

  /** Fills a new model from an artifact written by `save` (shapes checked, history indices in range). */
  protected restore(a: Artifact): this {
    const where = `${this.id} artifact`;
    const nUsers = stateInt(a.state, 'nUsers', where), nItems = stateInt(a.state, 'nItems', where);
    this.b = f32Tensor(a.tensors, 'b', nItems * nItems, where);
    this.seen = csrFromTensors(a.tensors, 'seen', nUsers, nItems, where);
    this.nUsers = nUsers;
    this.nItems = nItems;
    return this;
  }
}
