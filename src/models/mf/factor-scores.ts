/**
 * @module Scores of a biased factor model: s(u, i) = b_i + p_u · q_i for every item (BPR-MF and its private twin).
 */

/** Writes b_i + p_u · q_i for every item i into `out` (`p`, `q` row-major with `factors` columns). */
export function biasedDotScores(p: Float32Array, q: Float32Array, b: Float32Array, factors: number, user: number, nItems: number, out: Float32Array): void {
  const uo = user * factors;
  for (let i = 0; i < nItems; i++) {
    const io = i * factors;
    let s = b[i]!;
    for (let a = 0; a < factors; a++) s += p[uo + a]! * q[io + a]!;
    out[i] = s;
  }
}
