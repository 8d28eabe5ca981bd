/**
 * @module The media part of an item's content (content/tfidf, the two-tower item tower): each item's named vectors
 * (posts' `features.vectors`, e.g. an image embedding), each L2-normalised, weighted and concatenated into one
 * dense row. In content/tfidf, with the text part t_i (unit TF-IDF, or zero) the item is x_i = [t_i, √α·m_i] / ‖·‖, so cos(x_i, x_j) =
 * (t_i·t_j + α m_i·m_j) / (‖x_i‖‖x_j‖): text and media count alike at α = 1, and an item with only one of them
 * is still a unit vector.
 */
import type { Dataset } from '../../data/dataset.js';

export interface MediaRows {
  /** items × dim, rows √α-weighted unit vectors per name, concatenated (zeros where an item has no such vector). */
  readonly rows: Float32Array;
  readonly dim: number;
  /** Per item: ‖m‖² of its row (α times the number of vectors it carries). */
  readonly sqNorms: Float32Array;
}

/** The media rows of a snapshot's items (names in sorted order), or undefined when no item carries a vector or α is 0. */
export function mediaRows(data: Pick<Dataset, 'itemVectors' | 'items'>, weight: number): MediaRows | undefined {
  const vectors = Object.entries(data.itemVectors ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (weight <= 0 || vectors.length === 0) return undefined;
  const n = data.items.size;
  const dim = vectors.reduce((s, [, v]) => s + v.dim, 0);
  const rows = new Float32Array(n * dim);
  const sqNorms = new Float32Array(n);
  const scale = Math.sqrt(weight);
  let offset = 0;
  for (const [, v] of vectors) {
    for (let i = 0; i < n && i < v.present.length; i++) {
      if (!v.present[i]) continue;
      let norm = 0;
      for (let d = 0; d < v.dim; d++) norm += v.values[i * v.dim + d]! ** 2;
      if (norm === 0) continue;
      const f = scale / Math.sqrt(norm);
      for (let d = 0; d < v.dim; d++) rows[i * dim + offset + d] = v.values[i * v.dim + d]! * f;
      sqNorms[i]! += weight;
    }
    offset += v.dim;
  }
  return { rows, dim, sqNorms };
}
