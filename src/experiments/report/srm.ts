/**
 * @module Sample-ratio mismatch: are the users observed per arm the split the shares promise? Pearson's
 * chi-square goodness of fit of the counts against n × share (k − 1 degrees of freedom). A tiny p-value means
 * assignment or logging lost users in one arm, and the arms' metrics are not comparable.
 */
import { chiSquareSurvival } from './chi-square.js';

/** Below this p-value the split is flagged (the usual threshold: a real experiment runs many checks). */
export const SRM_ALPHA = 0.001;

export interface SampleRatioCheck {
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  /** True when pValue < SRM_ALPHA. */
  mismatch: boolean;
}

export function sampleRatioCheck(counts: readonly number[], shares: readonly number[]): SampleRatioCheck {
  if (counts.length !== shares.length || counts.length < 2) throw new RangeError('expected one count per share, at least two');
  const n = counts.reduce((s, c) => s + c, 0);
  const total = shares.reduce((s, p) => s + p, 0);
  const degreesOfFreedom = counts.length - 1;
  if (n === 0) return { chiSquare: 0, degreesOfFreedom, pValue: 1, mismatch: false };
  let chiSquare = 0;
  counts.forEach((c, i) => {
    const expected = (n * shares[i]!) / total;
    chiSquare += (c - expected) ** 2 / expected;
  });
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < SRM_ALPHA };
}
