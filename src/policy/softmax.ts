/**
 * @module Softmax (Boltzmann) exploration (Sutton & Barto 2018, §2.8 with fixed temperature): an offered arm a
 * is drawn with probability exp(mean_a / τ) / Σ_b exp(mean_b / τ) over the offered arms, which is its propensity.
 */
import type { PolicySpec } from '../core/config.js';
import { MultiArmedPolicy } from './arm-stats.js';
import type { Choice, Offer } from './policy.js';

type Spec = Extract<PolicySpec, { id: 'softmax' }>;

export class Softmax extends MultiArmedPolicy<Spec> {
  private weights = new Float64Array(0);

  /** The probability of each offered arm (a view of a buffer the next call reuses). */
  probabilities(offer: Offer): Float64Array {
    const n = this.checkOffer(offer);
    const { temperature, initial } = this.spec.params;
    if (this.weights.length < n) this.weights = new Float64Array(n);
    const w = this.weights;
    let top = -Infinity;
    for (let i = 0; i < n; i++) top = Math.max(top, this.armStats.mean(offer.arms[i]!, initial) / temperature);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += w[i] = Math.exp(this.armStats.mean(offer.arms[i]!, initial) / temperature - top);
    for (let i = 0; i < n; i++) w[i]! /= sum;
    return w.subarray(0, n);
  }

  choose(offer: Offer): Choice {
    const p = this.probabilities(offer);
    let r = this.rng.next(), option = p.length - 1;
    for (let i = 0; i < p.length; i++) {
      r -= p[i]!;
      if (r < 0) { option = i; break; }
    }
    return { option, arm: offer.arms[option]!, propensity: p[option]! };
  }

}
