/**
 * @module From a log, an evaluation policy and reward predictions to the estimators' per-row terms — after
 * checking that every row can be weighted: a missing propensity is PROPENSITY_MISSING, a propensity of 0 for an
 * action the policy takes is PROPENSITY_ZERO (both name the rows, 1-based), one outside [0, 1] INVALID_INPUT.
 */
import { createError } from '../../core/errors.js';
import type { OpeTerms } from './estimators.js';
import type { RewardPredictions } from './reward-model.js';
import type { EvaluationPolicy, LoggedRow } from './types.js';

/** Single slots: each row is a unit; slates: rows sharing a slate id are one unit, normalized per position. */
export type OpeUnit = 'slot' | 'slate';

const SHOWN = 10;

/** "rows 3, 9, 12" or "rows 1, 2, …, 10 and 90 more" (1-based). */
export function listRows(indices: readonly number[]): string {
  const head = indices.slice(0, SHOWN).map((i) => i + 1).join(', ');
  return `row${indices.length > 1 ? 's' : ''} ${head}${indices.length > SHOWN ? ` and ${indices.length - SHOWN} more` : ''}`;
}

/** π(aᵢ | xᵢ, kᵢ) of every row. */
export function targetProbabilities(rows: readonly LoggedRow[], policy: EvaluationPolicy): Float64Array {
  return Float64Array.from(rows, (r) => policy.distribution(r.position, r.context).get(r.action) ?? 0);
}

/** Importance weights π / propensity, after the checks above. */
export function importanceWeights(rows: readonly LoggedRow[], target: Float64Array): Float64Array {
  const missing: number[] = [], zero: number[] = [];
  rows.forEach((r, i) => {
    if (r.propensity === undefined) missing.push(i);
    else if (!(r.propensity >= 0 && r.propensity <= 1)) throw createError('INVALID_INPUT', { field: `row ${i + 1} propensity`, problem: `expected a probability in [0, 1], got ${r.propensity}` });
    else if (r.propensity === 0 && target[i]! > 0) zero.push(i);
  });
  if (missing.length) throw createError('PROPENSITY_MISSING', { count: missing.length, total: rows.length, rows: listRows(missing) });
  if (zero.length) throw createError('PROPENSITY_ZERO', { count: zero.length, rows: listRows(zero) });
  return Float64Array.from(rows, (r, i) => (target[i]! === 0 ? 0 : target[i]! / r.propensity!));
}

export function buildTerms(rows: readonly LoggedRow[], weight: Float64Array, rewards: RewardPredictions, unit: OpeUnit): OpeTerms {
  const n = rows.length;
  const unitOf = new Int32Array(n), group = new Int32Array(n);
  let units = n, groups = 1;
  if (unit === 'slot') unitOf.forEach((_, i) => { unitOf[i] = i; });
  else {
    const slates = new Map<string, number>(), positions = new Map<number, number>();
    const missing: number[] = [];
    rows.forEach((r, i) => {
      if (r.slateId === undefined) { missing.push(i); return; }
      let s = slates.get(r.slateId);
      if (s === undefined) slates.set(r.slateId, (s = slates.size));
      let k = positions.get(r.position);
      if (k === undefined) positions.set(r.position, (k = positions.size));
      unitOf[i] = s;
      group[i] = k;
    });
    if (missing.length) throw createError('INVALID_INPUT', { field: listRows(missing), problem: 'slate evaluation needs a slate id on every row (jsonl "slate")' });
    units = slates.size;
    groups = positions.size;
  }
  return {
    weight,
    reward: Float64Array.from(rows, (r) => r.reward),
    factual: rewards.factual,
    underPolicy: rewards.underPolicy,
    unit: unitOf,
    units,
    group,
    groups,
  };
}
