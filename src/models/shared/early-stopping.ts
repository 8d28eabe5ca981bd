/**
 * @module Early stopping on a validation score (higher is better): remembers the best score and stops after
 * `patience` evaluations without improvement. Its state is plain JSON so checkpoints can carry it.
 */

export interface EarlyStoppingState {
  best: number;
  bestEpoch: number;
  bad: number;
}

export function createEarlyStopping(patience: number, state?: EarlyStoppingState) {
  const s: EarlyStoppingState = state ? { ...state } : { best: -Infinity, bestEpoch: -1, bad: 0 };
  return {
    state: s,
    /** Records a score; returns true when it is a new best. */
    update(score: number, epoch: number): boolean {
      if (score > s.best) { s.best = score; s.bestEpoch = epoch; s.bad = 0; return true; }
      s.bad++;
      return false;
    },
    get shouldStop(): boolean {
      return s.bad >= patience;
    },
  };
}
