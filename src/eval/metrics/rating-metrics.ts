/**
 * @module Rating-prediction metrics over aligned arrays of true and predicted values (sklearn definitions,
 * as Microsoft Recommenders' `rmse`, `mae`, `rsquared`).
 */
import { createError } from '../../core/errors.js';

function check(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw createError('INVALID_INPUT', { field: 'yPred', problem: `expected ${yTrue.length} predictions, got ${yPred.length}` });
  if (yTrue.length === 0) throw createError('INVALID_INPUT', { field: 'yTrue', problem: 'no ratings to score' });
  return yTrue.length;
}

/** √(Σ(y − ŷ)² / n). */
export function rmse(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = check(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += (yTrue[i]! - yPred[i]!) ** 2;
  return Math.sqrt(s / n);
}

/** Σ|y − ŷ| / n. */
export function mae(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = check(yTrue, yPred);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(yTrue[i]! - yPred[i]!);
  return s / n;
}

/** R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² (sklearn `r2_score`; 1 for a perfect fit of constant y, else 0). */
export function rSquared(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = check(yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yTrue[i]!;
  mean /= n;
  let res = 0, tot = 0;
  for (let i = 0; i < n; i++) {
    res += (yTrue[i]! - yPred[i]!) ** 2;
    tot += (yTrue[i]! - mean) ** 2;
  }
  if (tot === 0) return res === 0 ? 1 : 0;
  return 1 - res / tot;
}

/** Explained variance = 1 − Var(y − ŷ) / Var(y) (sklearn `explained_variance_score`, MSR `exp_var`). */
export function explainedVariance(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  const n = check(yTrue, yPred);
  let my = 0, me = 0;
  for (let i = 0; i < n; i++) { my += yTrue[i]!; me += yTrue[i]! - yPred[i]!; }
  my /= n; me /= n;
  let vy = 0, ve = 0;
  for (let i = 0; i < n; i++) { vy += (yTrue[i]! - my) ** 2; ve += (yTrue[i]! - yPred[i]! - me) ** 2; }
  if (vy === 0) return ve === 0 ? 1 : 0;
  return 1 - ve / vy;
}
