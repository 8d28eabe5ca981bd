/**
 * @module LinUCB, disjoint model (Li, Chu, Langford & Schapire 2010, Algorithm 1): option i (arm a, context x)
 * scores θ_a·x + α·√(xᵀA_a⁻¹x) and the best score is taken (the lowest option index on a tie). The rule is
 * deterministic, so decisions are mixed with the policy's own ε floor: with probability ε an option uniformly at
 * random. The logged propensity is that of the mixture, ε/n + (1 − ε)·[i is the UCB choice], so off-policy
 * estimates over the log stay valid (with ε = 0 the propensities are 0 or 1 and they are not). Update O(d²)
 * (Sherman–Morrison); a decision O(n·d²) for n options.
 */
import type { PolicySpec } from '../core/config.js';
import { BasePolicy } from './base-policy.js';
import { LinearArms } from './linear-arms.js';
import type { Choice, Offer, PolicyOptions } from './policy.js';

type Spec = Extract<PolicySpec, { id: 'linucb' }>;

export class LinUcb extends BasePolicy<Spec> {
  readonly model: LinearArms;

  constructor(spec: Spec, options: PolicyOptions) {
    super(spec, options, true);
    this.model = new LinearArms(this.arms.length, this.dim, spec.params.lambda);
  }

  /** The upper confidence bound of option i of the offer. */
  ucb(offer: Offer, i: number): number {
    const arm = offer.arms[i]!, x = offer.contexts!, at = i * this.dim;
    return this.model.mean(arm, x, at) + this.spec.params.alpha * Math.sqrt(this.model.variance(arm, x, at));
  }

  choose(offer: Offer): Choice {
    const n = this.checkOffer(offer);
    const { epsilon } = this.spec.params;
    let greedy = 0, best = -Infinity;
    for (let i = 0; i < n; i++) {
      const s = this.ucb(offer, i);
      if (s > best) [best, greedy] = [s, i];
    }
    const option = this.rng.next() < epsilon ? this.rng.int(n) : greedy;
    return { option, arm: offer.arms[option]!, propensity: epsilon / n + (option === greedy ? 1 - epsilon : 0) };
  }

  update(arm: number, reward: number, context?: Float64Array): void {
    this.checkUpdate(arm, reward, context);
    this.model.update(arm, context!, 0, reward);
    this.updates++;
  }

  protected stats(): Record<string, Float64Array> {
    return { inverse: this.model.inverse, b: this.model.b };
  }

  protected override afterLoad(): void {
    for (let a = 0; a < this.arms.length; a++) this.model.solveTheta(a);
  }
}
