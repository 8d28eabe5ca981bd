/**
 * @module Linear Thompson sampling (Agrawal & Goyal 2013), disjoint model: a decision draws θ̃_a ~ N(θ_a, v²A_a⁻¹)
 * for each arm offered and takes the option with the largest θ̃_a·x; with probability ε (the floor) an option
 * uniformly at random instead. A draw is θ_a + v·L_a z with L_a the Cholesky factor of A_a⁻¹ and z standard
 * normal; L_a is refactored (O(d³)) at the first decision after the arm was updated, so an update stays O(d²)
 * (Sherman–Morrison, linear-arms.ts).
 *
 * Propensity: the probability that a posterior draw picks the chosen option has no closed form; it is estimated
 * from `propensityDraws` (M) further independent draws (standard error ≤ 0.5/√M, 0.035 at the default 200) and
 * mixed with the floor: ε/n + (1 − ε)·wins/M, so it is never 0 when ε > 0. A decision costs the refactorizations
 * plus (M + 1)·(k·d² + n·d) for k arms and n options.
 */
import type { PolicySpec } from '../core/config.js';
import { BasePolicy } from './base-policy.js';
import { choleskyLower } from './cholesky.js';
import { LinearArms } from './linear-arms.js';
import type { Choice, Offer, PolicyOptions } from './policy.js';

type Spec = Extract<PolicySpec, { id: 'lin-ts' }>;

export class LinTs extends BasePolicy<Spec> {
  readonly model: LinearArms;
  /** K × d × d: Cholesky factors of each A⁻¹ (lower triangle), valid where `fresh` is 1. */
  private readonly factors: Float64Array;
  private readonly fresh: Uint8Array;
  private readonly z: Float64Array;
  private readonly draws: Float64Array;
  private readonly drawn: Uint8Array;
  private scores = new Float64Array(0);

  constructor(spec: Spec, options: PolicyOptions) {
    super(spec, options, true);
    const k = this.arms.length, d = this.dim;
    this.model = new LinearArms(k, d, spec.params.lambda);
    this.factors = new Float64Array(k * d * d);
    this.fresh = new Uint8Array(k);
    this.z = new Float64Array(d);
    this.draws = new Float64Array(k * d);
    this.drawn = new Uint8Array(k);
  }

  private factor(arm: number): void {
    if (this.fresh[arm]) return;
    const dd = this.dim * this.dim;
    choleskyLower(this.model.inverse.subarray(arm * dd, (arm + 1) * dd), this.factors.subarray(arm * dd, (arm + 1) * dd), this.dim);
    this.fresh[arm] = 1;
  }

  /** One posterior draw θ̃ for every arm of the offer (into `this.draws`). */
  private drawThetas(offer: Offer, n: number): void {
    const d = this.dim, v = this.spec.params.v, L = this.factors;
    this.drawn.fill(0);
    for (let i = 0; i < n; i++) {
      const arm = offer.arms[i]!;
      if (this.drawn[arm]) continue;
      this.drawn[arm] = 1;
      for (let j = 0; j < d; j++) this.z[j] = this.rng.normal();
      const base = arm * d * d, t = arm * d;
      for (let r = 0; r < d; r++) {
        let s = 0;
        for (let c = 0; c <= r; c++) s += L[base + r * d + c]! * this.z[c]!;
        this.draws[t + r] = this.model.theta[t + r]! + v * s;
      }
    }
  }

  /** The option whose drawn score is the largest. */
  private bestOption(offer: Offer, n: number): number {
    const d = this.dim, x = offer.contexts!;
    let best = -Infinity, option = 0;
    for (let i = 0; i < n; i++) {
      const t = offer.arms[i]! * d, at = i * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += this.draws[t + j]! * x[at + j]!;
      this.scores[i] = s;
      if (s > best) [best, option] = [s, i];
    }
    return option;
  }

  choose(offer: Offer): Choice {
    const n = this.checkOffer(offer);
    const { epsilon, propensityDraws } = this.spec.params;
    if (this.scores.length < n) this.scores = new Float64Array(n);
    for (let i = 0; i < n; i++) this.factor(offer.arms[i]!);
    this.drawThetas(offer, n);
    const sampled = this.bestOption(offer, n);
    const option = this.rng.next() < epsilon ? this.rng.int(n) : sampled;
    let wins = 0;
    for (let m = 0; m < propensityDraws; m++) {
      this.drawThetas(offer, n);
      if (this.bestOption(offer, n) === option) wins++;
    }
    return { option, arm: offer.arms[option]!, propensity: epsilon / n + ((1 - epsilon) * wins) / propensityDraws };
  }

  update(arm: number, reward: number, context?: Float64Array): void {
    this.checkUpdate(arm, reward, context);
    this.model.update(arm, context!, 0, reward);
    this.fresh[arm] = 0;
    this.updates++;
  }

  protected stats(): Record<string, Float64Array> {
    return { inverse: this.model.inverse, b: this.model.b };
  }

  protected override afterLoad(): void {
    for (let a = 0; a < this.arms.length; a++) this.model.solveTheta(a);
    this.fresh.fill(0);
  }
}
