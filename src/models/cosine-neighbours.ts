/**
 * @module Item-to-item similarity from learned vectors: the k rows with the highest cosine to a row, the
 * `similarItems` of every embedding model (MF, LightGCN, NeuMF, sequence models).
 */
import { topK } from '../math/top-k.js';
import type { Recommendation } from './recommender.js';

/**
 * The k rows of `m` (n rows × d, row-major) with the highest cosine cos(m_i, m_j) = m_i·m_j / (‖m_i‖‖m_j‖) to row
 * `item`, itself excluded. Zero rows cannot be compared and are never returned.
 */
export function cosineNeighbours(m: Float32Array, d: number, n: number, item: number, k: number): Recommendation[] {
  const scores = new Float32Array(n);
  const io = item * d;
  let ni = 0;
  for (let a = 0; a < d; a++) ni += m[io + a]! * m[io + a]!;
  for (let j = 0; j < n; j++) {
    let dot = 0, nj = 0;
    for (let a = 0; a < d; a++) {
      dot += m[io + a]! * m[j * d + a]!;
      nj += m[j * d + a]! * m[j * d + a]!;
    }
    scores[j] = nj > 0 && ni > 0 ? dot / Math.sqrt(ni * nj) : -Infinity;
  }
  return topK(scores, k, (j) => j === item).map((s) => ({ item: s.index, score: s.score }));
}
