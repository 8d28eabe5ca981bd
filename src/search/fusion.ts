/**
 * @module Fusing a lexical and a vector ranking. Reciprocal-rank fusion (Cormack, Clarke & Büttcher 2009):
 * score = Σ_lists 1 / (k + rank), rank from 1, k = 60. Calibrated blend: each retriever's raw score is turned into
 * a probability of relevance by Platt scaling fitted on labelled queries (`fitBlend`), and the fused score is
 * w · p_lexical + (1 − w) · p_vector; a post the lexical retriever did not return has lexical score 0, and its
 * vector score is always known exactly.
 */
import { applyPlatt, fitPlatt, type Platt } from '../math/calibration.js';

export type Fusion = 'rrf' | 'blend';

export interface Scored {
  id: number;
  score: number;
}

export interface BlendCalibration {
  lexical: Platt;
  vector: Platt;
  /** Weight of the lexical probability. */
  lexicalWeight: number;
}

/** Platt identity on both, equal weights: the blend before any calibration. */
export const UNCALIBRATED_BLEND: BlendCalibration = { lexical: { a: 1, b: 0 }, vector: { a: 1, b: 0 }, lexicalWeight: 0.5 };

export const RRF_K = 60;

/** RRF of ranked lists (best first), each list's terms multiplied by its weight (default 1); ties by id. */
export function reciprocalRankFusion(lists: readonly (readonly Scored[])[], k = RRF_K, weights?: readonly number[]): Scored[] {
  const fused = new Map<number, number>();
  lists.forEach((list, l) => {
    const w = weights?.[l] ?? 1;
    list.forEach((h, r) => fused.set(h.id, (fused.get(h.id) ?? 0) + w / (k + r + 1)));
  });
  return sortScores(fused);
}

/** Blend of the union of both lists; `vectorScore` gives the exact vector score of any post. */
export function calibratedBlend(lexical: readonly Scored[], vector: readonly Scored[], vectorScore: (id: number) => number, c: BlendCalibration): Scored[] {
  const lex = new Map(lexical.map((h) => [h.id, h.score]));
  const fused = new Map<number, number>();
  for (const id of [...lex.keys(), ...vector.map((h) => h.id)]) {
    if (fused.has(id)) continue;
    fused.set(id, blendScore(lex.get(id) ?? 0, vectorScore(id), c));
  }
  return sortScores(fused);
}

export function blendScore(lexical: number, vector: number, c: BlendCalibration): number {
  return c.lexicalWeight * applyPlatt(c.lexical, lexical) + (1 - c.lexicalWeight) * applyPlatt(c.vector, vector);
}

export interface BlendExample {
  lexical: number;
  vector: number;
  relevant: boolean;
}

/**
 * Fits each retriever's Platt scaling on labelled (post, query) pairs, then the lexical weight on the grid
 * 0, 0.1, …, 1 maximising `objective` (the caller's ranking metric for a calibration).
 */
export function fitBlend(examples: readonly BlendExample[], objective: (c: BlendCalibration) => number): BlendCalibration {
  const labels = examples.map((e) => (e.relevant ? 1 : 0));
  const lexical = fitPlatt(examples.map((e) => e.lexical), labels);
  const vector = fitPlatt(examples.map((e) => e.vector), labels);
  let best: BlendCalibration = { lexical, vector, lexicalWeight: 0.5 }, bestValue = -Infinity;
  for (let i = 0; i <= 10; i++) {
    const c = { lexical, vector, lexicalWeight: i / 10 };
    const v = objective(c);
    if (v > bestValue) [best, bestValue] = [c, v];
  }
  return best;
}

function sortScores(m: Map<number, number>): Scored[] {
  return [...m].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id);
}
