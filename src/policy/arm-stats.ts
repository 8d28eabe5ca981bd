/**
 * @module Per-arm reward statistics of the multi-armed policies: trials and summed rewards, on Float64Array.
 */
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
