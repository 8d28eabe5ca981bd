/**
 * @module Binary-classification metrics shared by the ranker and the behaviour predictor: ROC AUC and expected
 * calibration error.
 */

/**
 * ROC AUC by the rank-sum (Mann–Whitney U) formula: AUC = (R₊ − n₊(n₊+1)/2) / (n₊·n₋), ties get mid-ranks.
 * Returns NaN when one class is absent.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0, nPos = 0;
  for (let k = 0; k < n; ) {
    let j = k;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[k]!]) j++;
    const midRank = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) if (labels[order[m]!]! > 0.5) { rankSumPos += midRank; nPos++; }
    k = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Expected calibration error with `bins` equal-width bins (Guo et al. 2017):
 * ECE = Σ_b (n_b / n)·|mean(y)_b − mean(p)_b|.
 */
export function expectedCalibrationError(probs: ArrayLike<number>, labels: ArrayLike<number>, bins = 10): number {
  const cnt = new Float64Array(bins), sp = new Float64Array(bins), sy = new Float64Array(bins);
  for (let k = 0; k < probs.length; k++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(probs[k]! * bins)));
    cnt[b]++;
    sp[b] += probs[k]!;
    sy[b] += labels[k]!;
  }
  let e = 0;
  for (let b = 0; b < bins; b++) if (cnt[b]! > 0) e += Math.abs(sy[b]! - sp[b]!) / probs.length;
  return e;
}
