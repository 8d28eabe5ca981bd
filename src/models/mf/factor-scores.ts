/**
 * @module Biased factor models: s(u, i) = b_i + p_u · q_i (BPR-MF and its private twin), their scores and their
 * item similarity (cosine of item factors), stated once.
 */
import { BaseRecommender } from '../base-recommender.js';
import { cosineNeighbours } from '../cosine-neighbours.js';
import type { Recommendation } from '../recommender.js';

/** Writes b_i + p_u · q_i for every item i into `out` (`p`, `q` row-major with `factors` columns). */
export function biasedDotScores(p: Float32Array, q: Float32Array, b: Float32Array, factors: number, user: number, nItems: number, out: Float32Array): void {
  const uo = user * factors;
  for (let i = 0; i < nItems; i++) {
    const io = i * factors;
    let s = b[i]!;
    for (let a = 0; a < factors; a++) s += p[uo + a]! * q[io + a]!;
    out[i] = s;
  }
}

/** A recommender whose fit leaves user factors `p`, item factors `q` and item biases `b`. */
export abstract class BiasedFactorRecommender extends BaseRecommender {
  abstract override readonly params: Readonly<{ factors: number }>;
  protected p: Float32Array = new Float32Array(0);
  protected q: Float32Array = new Float32Array(0);
  protected b: Float32Array = new Float32Array(0);

  protected scoreUser(user: number, out: Float32Array): void {
    biasedDotScores(this.p, this.q, this.b, this.params.factors, user, this.nItems, out);
  }

  /** Items by cosine of their factors. */
  override similarItems(item: number, k: number): Recommendation[] {
    this.requireItem(item);
    return cosineNeighbours(this.q, this.params.factors, this.nItems, item, k);
  }
}
