/**
 * @module What the multi-armed policies share: per-arm trials and summed rewards (Float64Array), their update and
 * their saved form.
 */
import type { PolicySpec } from '../core/config.js';
import { BasePolicy } from './base-policy.js';
import type { PolicyOptions } from './policy.js';

export class ArmStats {
  readonly trials: Float64Array;
  readonly rewards: Float64Array;

  constructor(arms: number) {
    this.trials = new Float64Array(arms);
    this.rewards = new Float64Array(arms);
  }

  add(arm: number, reward: number): void {
    this.trials[arm]! += 1;
    this.rewards[arm]! += reward;
  }

  /** Mean reward of an arm; `initial` for an arm never tried. */
  mean(arm: number, initial: number): number {
    const n = this.trials[arm]!;
    return n > 0 ? this.rewards[arm]! / n : initial;
  }
}

/** A policy over arms without context, learning each arm's trials and rewards. */
export abstract class MultiArmedPolicy<S extends PolicySpec> extends BasePolicy<S> {
  protected readonly armStats: ArmStats;

  constructor(spec: S, options: PolicyOptions) {
    super(spec, options, false);
    this.armStats = new ArmStats(this.arms.length);
  }

  update(arm: number, reward: number): void {
    this.checkUpdate(arm, reward, undefined);
    this.armStats.add(arm, this.rewardOf(reward));
    this.updates++;
    this.afterUpdate();
  }

  /** The reward as counted (Thompson sampling clips it to [0, 1]). */
  protected rewardOf(reward: number): number {
    return reward;
  }

  protected afterUpdate(): void {}

  protected stats(): Record<string, Float64Array> {
    return { trials: this.armStats.trials, rewards: this.armStats.rewards };
  }
}
