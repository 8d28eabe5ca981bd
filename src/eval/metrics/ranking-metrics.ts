/**
 * @module Per-user ranking metrics with the exact definitions of Microsoft Recommenders
 * (`recommenders/evaluation/python_evaluation.py`), binary relevance, top-k cut-off.
 *
 * `ranked` is the recommended list, best first (only its first k entries count); `relevant` the user's
 * held-out items. Averaging over users lives in `evaluate-rankings.ts`.
 */

/** Hits among the first k recommended items. */
export function hitsAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let h = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) h++;
  return h;
}

/** precision@k = hits / k, even when fewer than k items were recommended (as MSR and Spark). */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return hitsAtK(ranked, relevant, k) / k;
}

/** recall@k = hits / |relevant|. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return relevant.size === 0 ? 0 : hitsAtK(ranked, relevant, k) / relevant.size;
}

/** F1@k = 2PR / (P + R) of this user's precision@k and recall@k (0 when both are 0). */
export function f1AtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const p = precisionAtK(ranked, relevant, k), r = recallAtK(ranked, relevant, k);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/**
 * NDCG@k with binary relevance: DCG = Σ_{hits at rank r ≤ k} 1/log₂(1 + r),
 * IDCG = Σ_{i=1}^{min(|relevant|, k)} 1/log₂(1 + i). MSR's current default discount is ln instead of log₂;
 * the base cancels in the ratio, so the values are identical.
 */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) dcg += 1 / Math.log2(r + 2);
  let idcg = 0;
  const ideal = Math.min(relevant.size, k);
  for (let i = 1; i <= ideal; i++) idcg += 1 / Math.log2(i + 1);
  return dcg / idcg;
}

/** Σ over hits at rank r ≤ k of (hits so far)/r: MSR's `rr` column, the numerator of both MAPs. */
export function precisionSumAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let hits = 0, s = 0;
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) {
    if (relevant.has(ranked[r]!)) {
      hits++;
      s += hits / (r + 1);
    }
  }
  return s;
}

/** AP@k as MSR `map_at_k` (Spark's meanAveragePrecisionAt): precision sum / min(|relevant|, k). */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return relevant.size === 0 ? 0 : precisionSumAtK(ranked, relevant, k) / Math.min(relevant.size, k);
}

/**
 * AP as MSR `map` (their `map_at_k` before 2024, used in older published tables): the same precision sum over
 * the top k, divided by |relevant| (all relevant items, not capped at k).
 */
export function averagePrecisionRel(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return relevant.size === 0 ? 0 : precisionSumAtK(ranked, relevant, k) / relevant.size;
}

/** Reciprocal rank of the first hit within the top k (0 when none): MRR@k once averaged. */
export function reciprocalRankAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const n = Math.min(k, ranked.length);
  for (let r = 0; r < n; r++) if (relevant.has(ranked[r]!)) return 1 / (r + 1);
  return 0;
}

/** 1 when at least one relevant item is in the top k (hit rate@k once averaged). */
export function hitAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  return hitsAtK(ranked, relevant, k) > 0 ? 1 : 0;
}

/**
 * Per-user AUC = P(a relevant item ranks above a non-relevant one) over `nCandidates` candidate items
 * (relevant + non-relevant). `ranked` may be truncated: candidates missing from it rank below every listed
 * item and tie among themselves (a tie counts ½). With the full ranking this is the exact AUC
 * (Rendle et al. 2009, BPR, eq. per user). Returns NaN when there are no positives or no negatives.
 * MSR's `auc` pools all users into one sklearn ROC AUC instead; per-user averaging is the BPR convention.
 */
export function aucOfRanking(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, nCandidates: number): number {
  const nPos = relevant.size;
  const nNeg = nCandidates - nPos;
  if (nPos === 0 || nNeg <= 0) return NaN;
  let negAbove = 0, posListed = 0, correct = 0;
  for (let r = 0; r < ranked.length; r++) {
    if (relevant.has(ranked[r]!)) {
      posListed++;
      correct += nNeg - negAbove;
    } else negAbove++;
  }
  // Unlisted positives tie with the unlisted negatives.
  const negUnlisted = nNeg - negAbove;
  correct += (nPos - posListed) * negUnlisted * 0.5;
  return correct / (nPos * nNeg);
}
