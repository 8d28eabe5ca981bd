/**
 * @module The five estimators over per-row terms, for single slots and for slates under position-based
 * independence (each slot's reward depends only on the item in that slot: Li et al. 2018, the Open Bandit
 * Pipeline's `SlateIndependentIPS`). With wᵢ = π(aᵢ | xᵢ, kᵢ) / propensityᵢ, rᵢ the reward, q̂ᵢ = q̂(xᵢ, aᵢ, kᵢ) and
 * q̂ᵢ(π) = Σ_a π(a | xᵢ, kᵢ) q̂(xᵢ, a, kᵢ), and U the number of units (rows, or slates):
 *
 * - DM    (Dudík et al. 2011)          = Σᵢ q̂ᵢ(π) / U
 * - IPS   (Horvitz–Thompson)            = Σᵢ wᵢ rᵢ / U
 * - SNIPS (Swaminathan & Joachims 2015) = Σᵢ (wᵢ / w̄_g) rᵢ / U
 * - DR    (Dudík et al. 2011)          = Σᵢ [q̂ᵢ(π) + wᵢ (rᵢ − q̂ᵢ)] / U
 * - SNDR  (Kallus & Uehara; OBP's `SelfNormalizedDoublyRobust`) = Σᵢ [q̂ᵢ(π) + (wᵢ / w̄_g)(rᵢ − q̂ᵢ)] / U
 *
 * where w̄_g is the mean weight of row i's normalization group: every row for single slots (then SNIPS = Σwr / Σw,
 * OBP's SNIPW), the rows of the same position for slates (so each slot is self-normalized on its own). A group whose
 * weights are all 0 contributes 0 to the self-normalized terms. A slate's value is the sum of its slots' rewards.
 *
 * Every sum takes a multiplicity per unit, so the bootstrap reuses these functions on resampled counts.
 */

export const ESTIMATORS = ['dm', 'ips', 'snips', 'dr', 'sndr'] as const;
export type EstimatorName = (typeof ESTIMATORS)[number];

/** The per-row inputs of the estimators and how rows group. */
export interface OpeTerms {
  /** Importance weight of each row. */
  readonly weight: Float64Array;
  readonly reward: Float64Array;
  /** q̂ of the logged action. */
  readonly factual: Float64Array;
  /** q̂ under the evaluation policy. */
  readonly underPolicy: Float64Array;
  /** Unit (row or slate) of each row: what the bootstrap resamples and U counts. */
  readonly unit: Int32Array;
  readonly units: number;
  /** Normalization group of each row (0 for single slots, the position's index for slates). */
  readonly group: Int32Array;
  readonly groups: number;
}

/** Every estimator's value when unit u counts `multiplicity[u]` times (all ones: the estimate itself). */
export function estimateAll(t: OpeTerms, multiplicity?: ArrayLike<number>): Record<EstimatorName, number> {
  const n = t.weight.length;
  const m = (i: number): number => (multiplicity ? multiplicity[t.unit[i]!]! : 1);
  let total = 0;
  if (multiplicity) for (let u = 0; u < t.units; u++) total += multiplicity[u]!;
  else total = t.units;
  const groupWeight = new Float64Array(t.groups), groupCount = new Float64Array(t.groups);
  for (let i = 0; i < n; i++) {
    groupWeight[t.group[i]!]! += m(i) * t.weight[i]!;
    groupCount[t.group[i]!]! += m(i);
  }
  let dm = 0, ips = 0, snips = 0, dr = 0, sndr = 0;
  for (let i = 0; i < n; i++) {
    const c = m(i);
    if (c === 0) continue;
    const g = t.group[i]!, w = t.weight[i]!, r = t.reward[i]!, q = t.underPolicy[i]!;
    const mean = groupWeight[g]! / groupCount[g]!;
    const normalized = mean > 0 ? w / mean : 0;
    const residual = r - t.factual[i]!;
    dm += c * q;
    ips += c * w * r;
    snips += c * normalized * r;
    dr += c * (q + w * residual);
    sndr += c * (q + normalized * residual);
  }
  return { dm: dm / total, ips: ips / total, snips: snips / total, dr: dr / total, sndr: sndr / total };
}
