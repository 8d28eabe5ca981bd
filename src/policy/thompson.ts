/**
 * @module Beta-Bernoulli Thompson sampling (Thompson 1933; Chapelle & Li 2011): each arm's engagement rate has a
 * Beta(α₀ + rewards, β₀ + trials − rewards) posterior; a decision draws one rate per offered arm and takes the
 * largest. Its propensity, the probability that the chosen arm's draw is the largest, is computed for the chosen
 * arm by numerical integration (beta-max-probability.ts: adaptive Simpson to 1e-8 per part; its cost is in
 * docs/benchmarks.md). It is remembered per offered arm set until the next update, so the decisions of one
 * ranking pay it once. Rewards are clipped to [0, 1].
 */
import type { PolicySpec } from '../core/config.js';
import { MultiArmedPolicy } from './arm-stats.js';
import { betaMaxProbability } from './beta-max-probability.js';
import type { Choice, Offer } from './policy.js';

/** Offered-set propensities remembered between updates (a few kB). */
const KNOWN_OFFERS = 1024;

type Spec = Extract<PolicySpec, { id: 'thompson' }>;

export class ThompsonSampling extends MultiArmedPolicy<Spec> {
  private alpha = new Float64Array(0);
  private beta = new Float64Array(0);
  /** Propensities computed since the last update, by offered arms and chosen option. */
  private readonly known = new Map<string, number>();

  /** Posterior parameters of the offered arms (in `this.alpha`, `this.beta`). */
  private posterior(offer: Offer, n: number): void {
    if (this.alpha.length < n) [this.alpha, this.beta] = [new Float64Array(n), new Float64Array(n)];
    const { alpha, beta } = this.spec.params;
    for (let i = 0; i < n; i++) {
      const arm = offer.arms[i]!;
      const wins = this.armStats.rewards[arm]!;
      this.alpha[i] = alpha + wins;
      this.beta[i] = beta + this.armStats.trials[arm]! - wins;
    }
  }

  /** The exact (to quadrature) probability of each offered arm; sums to 1. */
  probabilities(offer: Offer): Float64Array {
    const n = this.checkOffer(offer);
    this.posterior(offer, n);
    return Float64Array.from({ length: n }, (_, i) => betaMaxProbability(i, this.alpha, this.beta, n));
  }

  choose(offer: Offer): Choice {
    const n = this.checkOffer(offer);
    this.posterior(offer, n);
    let option = 0, best = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = this.rng.gamma(this.alpha[i]!), y = this.rng.gamma(this.beta[i]!);
      const draw = x / (x + y);
      if (draw > best) [best, option] = [draw, i];
    }
    return { option, arm: offer.arms[option]!, propensity: this.propensity(offer, n, option) };
  }

  private propensity(offer: Offer, n: number, option: number): number {
    let key = String(option);
    for (let i = 0; i < n; i++) key += ',' + offer.arms[i]!;
    let p = this.known.get(key);
    if (p === undefined) {
      if (this.known.size >= KNOWN_OFFERS) this.known.clear();
      this.known.set(key, (p = betaMaxProbability(option, this.alpha, this.beta, n)));
    }
    return p;
  }

  protected override rewardOf(reward: number): number {
    return Math.min(1, Math.max(0, reward));
  }

  protected override afterUpdate(): void {
    this.known.clear();
  }

  protected override afterLoad(): void {
    this.known.clear();
  }
}
