/**
 * @module The learned who-to-follow ranker: logistic regression (`src/text/logistic-regression.ts`, L-BFGS) over
 * standardised candidate features. It is trained on the network itself: a seeded share of the training graph's
 * edges is hidden again, candidate pools are built on what remains, and a candidate is positive when it is one
 * of the viewer's hidden edges (every other pooled candidate is a negative).
 */
import { createRng } from '../core/rng.js';
import { createError } from '../core/errors.js';
import type { Csr } from '../math/csr.js';
import { fitLogisticRegression } from '../text/logistic-regression.js';
import { evaluableUsers, holdOutEdges } from './edge-holdout.js';
import { candidatePool, N_FEATURES } from './features.js';
import { hasEdge } from './follow-graph.js';
import { buildGenerators, type GeneratorOptions, type SocialSignals } from './signals.js';
import { viewerExclusions } from './exclusions.js';

export interface RankerOptions {
  /** Share of the training graph's edges hidden to make positives (default 0.2). */
  holdout?: number;
  /** Viewers sampled for training (default 2000). */
  users?: number;
  /** Candidates taken from each generator (default 50). */
  perGenerator?: number;
  /** Inverse L2 strength (default 1). */
  C?: number;
  generators?: GeneratorOptions;
}

/** A linear score over standardised features: bias + Σ w_j (x_j − mean_j) / scale_j. */
export interface FollowRanker {
  readonly weights: Float64Array;
  readonly bias: number;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

export function rankerScore(r: FollowRanker, x: ArrayLike<number>, offset = 0): number {
  let s = r.bias;
  for (let j = 0; j < N_FEATURES; j++) s += (r.weights[j]! * (x[offset + j]! - r.mean[j]!)) / r.scale[j]!;
  return s;
}

export function trainFollowRanker(signals: SocialSignals, seed: number, options: RankerOptions = {}): FollowRanker {
  const inner = holdOutEdges(signals.graph, options.holdout ?? 0.2, seed * 7919 + 1);
  const gens = buildGenerators({ ...signals, graph: inner.train }, options.generators);
  const viewers = createRng(seed).shuffle(Array.from(evaluableUsers(inner))).slice(0, options.users ?? 2000);
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (const u of viewers) {
    const pool = candidatePool(gens, inner.train, u, options.perGenerator ?? 50, viewerExclusions(inner.train, u), signals.profileSimilarity);
    pool.users.forEach((v, i) => {
      rows.push(pool.features.subarray(i * N_FEATURES, (i + 1) * N_FEATURES));
      labels.push(hasEdge(inner.hidden, u, v) ? 1 : 0);
    });
  }
  if (!labels.includes(1) || !labels.includes(0)) throw createError('DATASET_EMPTY', { what: 'follow edges to train the who-to-follow ranker on (too few to hide a share)' });
  const { mean, scale } = standardisation(rows);
  const X = denseCsr(rows, mean, scale);
  const fit = fitLogisticRegression(X, labels, 2, { C: options.C ?? 1 });
  const weights = new Float64Array(N_FEATURES);
  for (let j = 0; j < N_FEATURES; j++) weights[j] = fit.weights[j * 2 + 1]! - fit.weights[j * 2]!;
  return { weights, bias: fit.bias[1]! - fit.bias[0]!, mean, scale };
}

function standardisation(rows: readonly Float64Array[]): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(N_FEATURES), sq = new Float64Array(N_FEATURES);
  for (const r of rows) for (let j = 0; j < N_FEATURES; j++) mean[j]! += r[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < N_FEATURES; j++) sq[j]! += (r[j]! - mean[j]!) ** 2 / rows.length;
  return { mean, scale: Float64Array.from(sq, (v) => (v > 0 ? Math.sqrt(v) : 1)) };
}

/** The standardised rows as a CSR with every entry stored (the solver's input format). */
function denseCsr(rows: readonly Float64Array[], mean: Float64Array, scale: Float64Array): Csr {
  const n = rows.length;
  const indptr = Int32Array.from({ length: n + 1 }, (_, i) => i * N_FEATURES);
  const indices = new Int32Array(n * N_FEATURES);
  const data = new Float32Array(n * N_FEATURES);
  rows.forEach((r, i) => {
    for (let j = 0; j < N_FEATURES; j++) {
      indices[i * N_FEATURES + j] = j;
      data[i * N_FEATURES + j] = (r[j]! - mean[j]!) / scale[j]!;
    }
  });
  return { rows: n, cols: N_FEATURES, indptr, indices, data };
}
