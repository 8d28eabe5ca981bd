/**
 * @module The slow, obviously-correct twin of `knnSimilarity`: every pair's dot product from dense rows, then
 * the same measure and top-k. Tests only.
 */
import { csrFromCoo, csrToDense, type Csr } from '../../math/csr.js';
import { topK } from '../../math/top-k.js';
import type { SimilarityMeasure } from './similarity.js';

export function knnSimilarityRef(a: Csr, neighbours: number, measure: SimilarityMeasure): Csr {
  const n = a.rows, m = a.cols;
  const dense = csrToDense(a);
  const sq = new Float64Array(n);
  for (let r = 0; r < n; r++) for (let f = 0; f < m; f++) sq[r]! += dense[r * m + f]! * dense[r * m + f]!;
  const rows: number[] = [], cols: number[] = [], vals: number[] = [];
  for (let r = 0; r < n; r++) {
    const sims = new Float64Array(n).fill(-Infinity);
    for (let e = 0; e < n; e++) {
      if (e === r) continue;
      let dot = 0, shared = false;
      for (let f = 0; f < m; f++) {
        const x = dense[r * m + f]!, y = dense[e * m + f]!;
        if (x !== 0 && y !== 0) shared = true;
        dot += x * y;
      }
      if (shared) sims[e] = measure(dot, sq[r]!, sq[e]!);
    }
    for (const s of topK(sims, neighbours, (e) => !(sims[e]! > 0))) {
      rows.push(r);
      cols.push(s.index);
      vals.push(s.score);
    }
  }
  return csrFromCoo(n, n, rows, cols, vals);
}
