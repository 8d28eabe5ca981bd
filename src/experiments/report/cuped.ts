/**
 * @module CUPED (Deng, Xu, Kohavi & Walker 2013): variance reduction with a pre-experiment covariate. Each user's
 * linearised metric L (see intervals.ts) is adjusted by their pre-period engagement X: L − θ(X − X̄), with
 * θ = Cov(L, X) / Var(X) pooled within arms (so the treatment cannot leak into θ). X is fixed before assignment,
 * so the adjustment leaves the expected difference unchanged; the variance falls by the share ρ² that X explains.
 */
import { estimate, ratioVariance, sampleVariance, type Estimate, type RatioSample } from './intervals.js';

export interface CupedArm {
  sample: RatioSample;
  /** Pre-period covariate per user, in the same order as `sample.linearized`. */
  covariate: readonly number[];
}

export interface CupedDifference {
  /** θ pooled within the two arms. */
  theta: number;
  /** Adjusted treatment − control. */
  difference: Estimate;
  /** 1 − adjusted variance / unadjusted variance of the difference (0 when nothing is explained). */
  varianceReduction: number;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length);

/** θ = Σ within-arm cov(L, X) / Σ within-arm var(X) (0 when X does not vary). */
export function cupedTheta(arms: readonly CupedArm[]): number {
  let cov = 0, varX = 0;
  for (const { sample, covariate } of arms) {
    const mx = mean(covariate), ml = mean(sample.linearized);
    covariate.forEach((x, u) => {
      cov += (x - mx) * (sample.linearized[u]! - ml);
      varX += (x - mx) ** 2;
    });
  }
  return varX === 0 ? 0 : cov / varX;
}

/** The CUPED-adjusted difference of two arms of a ratio metric. */
export function cupedDifference(treatment: CupedArm, control: CupedArm): CupedDifference {
  const theta = cupedTheta([treatment, control]);
  const pooled = mean([...treatment.covariate, ...control.covariate]);
  const adjust = (a: CupedArm): { value: number; variance: number } => {
    const residual = a.sample.linearized.map((l, u) => l - theta * a.covariate[u]!);
    const n = residual.length;
    return { value: a.sample.value - theta * (mean(a.covariate) - pooled), variance: n < 2 ? 0 : sampleVariance(residual) / n };
  };
  const t = adjust(treatment), c = adjust(control);
  const raw = ratioVariance(treatment.sample) + ratioVariance(control.sample);
  const adjusted = t.variance + c.variance;
  return { theta, difference: estimate(t.value - c.value, adjusted), varianceReduction: raw > 0 ? 1 - adjusted / raw : 0 };
}
