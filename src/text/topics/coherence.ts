/**
 * @module Topic coherence by normalised pointwise mutual information (Bouma 2009) over document co-occurrence:
 *   NPMI(a, b) = ln(p(a, b) / (p(a)·p(b))) / −ln p(a, b),  in [−1, 1] (−1 when a and b never co-occur),
 * with p(·) the fraction of documents containing the word(s); a topic's coherence is the mean over pairs of its
 * top words.
 */
import type { Csr } from '../../math/csr.js';

/** Mean NPMI over the pairs of `terms` (column indices), from the non-zero pattern of X (documents × terms). */
export function npmiCoherence(X: Csr, terms: readonly number[]): number {
  const n = X.rows;
  const pos = new Map(terms.map((t, i) => [t, i]));
  const m = terms.length;
  const single = new Float64Array(m);
  const joint = new Float64Array(m * m);
  const present: number[] = [];
  for (let r = 0; r < n; r++) {
    present.length = 0;
    for (let p = X.indptr[r]!; p < X.indptr[r + 1]!; p++) {
      const i = pos.get(X.indices[p]!);
      if (i !== undefined && X.data[p] !== 0) present.push(i);
    }
    for (let a = 0; a < present.length; a++) {
      single[present[a]!]!++;
      for (let b = a + 1; b < present.length; b++) {
        const x = Math.min(present[a]!, present[b]!), y = Math.max(present[a]!, present[b]!);
        joint[x * m + y]!++;
      }
    }
  }
  let total = 0, pairs = 0;
  for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) {
    pairs++;
    const pab = joint[a * m + b]! / n;
    if (pab === 0) {
      total -= 1;
      continue;
    }
    const pa = single[a]! / n, pb = single[b]! / n;
    // p(a, b) = 1 gives 0/0; the pair always co-occurs, so it is perfectly coherent.
    total += pab === 1 ? 1 : Math.log(pab / (pa * pb)) / -Math.log(pab);
  }
  return pairs > 0 ? total / pairs : 0;
}
