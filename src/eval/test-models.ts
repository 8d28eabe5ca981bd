/**
 * @module Tiny models for the harness's own tests: a popularity scorer and an oracle that knows a test
 * matrix. Not registered anywhere; tests pass them through `createModel`.
 */
import type { Dataset } from '../data/dataset.js';
import { rowIndices, type Csr } from '../math/csr.js';
import { BaseRecommender } from '../models/base-recommender.js';
import type { Artifact, FitOptions } from '../models/recommender.js';

/** score_i = number of training users of item i (+ `bias`·i to make ties deterministic when asked). */
export class TinyPopularity extends BaseRecommender {
  readonly id = 'test/popular';
  readonly params: Readonly<Record<string, unknown>>;
  private counts = new Float32Array(0);
  constructor(params: Record<string, unknown> = {}) {
    super();
    this.params = { bias: 0, ...params };
  }
  fit(data: Dataset, _options?: FitOptions): Promise<void> {
    this.setSeen(data);
    this.counts = new Float32Array(data.items.size);
    for (const i of data.interactions.indices) this.counts[i]!++;
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += (this.params.bias as number) * i;
    return Promise.resolve();
  }
  protected scoreUser(_user: number, out: Float32Array): void {
    out.set(this.counts);
  }
  save(): Artifact {
    return { kind: this.id, version: 1, params: { ...this.params }, tensors: {}, state: {} };
  }
}

/** Ranks the user's held-out items first (score 1), everything else at 0 by index. */
export class Oracle extends BaseRecommender {
  readonly id = 'test/oracle';
  readonly params = {};
  constructor(private readonly truth: Csr) {
    super();
  }
  fit(data: Dataset): Promise<void> {
    this.setSeen(data);
    return Promise.resolve();
  }
  protected scoreUser(user: number, out: Float32Array): void {
    out.fill(0);
    for (const i of rowIndices(this.truth, user)) out[i] = 1;
  }
  save(): Artifact {
    return { kind: this.id, version: 1, params: {}, tensors: {}, state: {} };
  }
}

/** Scores every item 0: any ranking it gets comes from tie-breaking alone. */
export class Constant extends BaseRecommender {
  readonly id = 'test/constant';
  readonly params = {};
  fit(data: Dataset): Promise<void> {
    this.setSeen(data);
    return Promise.resolve();
  }
  protected scoreUser(_user: number, out: Float32Array): void {
    out.fill(0);
  }
  save(): Artifact {
    return { kind: this.id, version: 1, params: {}, tensors: {}, state: {} };
  }
}
