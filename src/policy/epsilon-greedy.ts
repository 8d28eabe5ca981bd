/**
 * @module ε-greedy (Sutton & Barto 2018, §2.2): with probability ε an offered arm uniformly at random, otherwise
 * the offered arm with the best mean reward (ties drawn uniformly). Propensity of arm a among n offered, with
 * T the tied best: ε/n + (1 − ε)·[a ∈ T]/|T|.
 */
import type { PolicySpec } from '../core/config.js';
import { ArmStats } from './arm-stats.js';
import { BasePolicy } from './base-policy.js';
import type { Choice, Offer, PolicyOptions } from './policy.js';

type Spec = Extract<PolicySpec, { id: 'epsilon-greedy' }>;

export class EpsilonGreedy extends BasePolicy<Spec> {
  private readonly armStats: ArmStats;

  constructor(spec: Spec, options: PolicyOptions) {
    super(spec, options, false);
    this.armStats = new ArmStats(this.arms.length);
  }

  choose(offer: Offer): Choice {
    const n = this.checkOffer(offer);
    const { epsilon, initial } = this.spec.params;
    let best = -Infinity, ties = 0;
    for (let i = 0; i < n; i++) {
      const m = this.armStats.mean(offer.arms[i]!, initial);
      if (m > best) [best, ties] = [m, 1];
      else if (m === best) ties++;
    }
    let option: number;
    if (this.rng.next() < epsilon) option = this.rng.int(n);
    else {
      let k = this.rng.int(ties);
      option = 0;
      for (let i = 0; i < n; i++) if (this.armStats.mean(offer.arms[i]!, initial) === best && k-- === 0) { option = i; break; }
    }
    const isBest = this.armStats.mean(offer.arms[option]!, initial) === best;
    return { option, arm: offer.arms[option]!, propensity: epsilon / n + (isBest ? (1 - epsilon) / ties : 0) };
  }

  update(arm: number, reward: number): void {
    this.checkUpdate(arm, reward, undefined);
    this.armStats.add(arm, reward);
    this.updates++;
  }

  protected stats(): Record<string, Float64Array> {
    return { trials: this.armStats.trials, rewards: this.armStats.rewards };
  }
}
