/**
 * @module ε-greedy (Sutton & Barto 2018, §2.2): with probability ε an offered arm uniformly at random, otherwise
 * the offered arm with the best mean reward (ties drawn uniformly). Propensity of arm a among n offered, with
 * T the tied best: ε/n + (1 − ε)·[a ∈ T]/|T|.
 */
import type { PolicySpec } from '../core/config.js';
import { MultiArmedPolicy } from './arm-stats.js';
import type { Choice, Offer } from './policy.js';

type Spec = Extract<PolicySpec, { id: 'epsilon-greedy' }>;

export class EpsilonGreedy extends MultiArmedPolicy<Spec> {

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

}
