/**
 * @module Attributions of a feed item's score to feature groups (`?explain=full`): how much each candidate
 * source, each multiplicative factor (freshness) and each head of the engagement ranker added to the final
 * score, as Shapley values of the ranking's own score function (exact; see `src/math/shapley.ts`).
 *
 * The ranking computes, for a post,
 *   first = (Σ_s c_s) · Π_f m_f            c_s = w_s · minmax_s(score_s), m_f a factor such as freshness
 *   final = a · first + b + Σ_t h_t         when the second stage re-ranked it (h_t: ranker head t, scaled)
 *   final = first · tailScale               below the re-ranked head
 * where a, b, tailScale are constants of the ranking (min-max scalings of the whole list). A group that is
 * absent from a coalition takes its baseline: 0 for a source, 1 for a factor (no decay), the head's mean over
 * the re-ranked posts for a ranker head (what the cascade gives a post the ranker cannot score). The heads enter
 * additively, so their Shapley values are their own differences (additivity axiom); the sources and factors
 * interact through the product and are solved exactly over their 2^(sources+factors) coalitions.
 *
 * Final factors (the user's negative-feedback damping D, applied after the second stage) multiply everything:
 * final = (A + Σ_t h_t)·D with A the affine first stage and h_t a head's difference from its baseline. By
 * linearity the game splits into A·D (solved exactly over sources, factors and final factors) and one game
 * h_t·[t present]·D per head, all of the same shape: head t gets h_t·c and each final factor f gets
 * (Σ_t h_t)·c_f, where c and c_f are the Shapley values of the unit game [R present]·D. Efficiency holds:
 * baseline + Σ contributions = score.
 */
import { shapleyValues } from '../math/shapley.js';

/** What made a post's score, recorded by the ranking when attributions are asked for. */
export interface ScoreParts {
  /** c_s = w_s · minmax_s(score) per source that proposed the post; the first-stage blend is their sum. */
  sources: Record<string, number>;
  /** Multiplicative factors applied to the blend (absent from a coalition: 1). */
  factors: Record<string, number>;
  /** Set when the second stage re-ranked the post. */
  rerank?: {
    a: number;
    b: number;
    /** Scaled contribution of each ranker head, present … */
    heads: Record<string, number>;
    /** … and absent (its mean over the re-ranked posts). */
    headBaselines: Record<string, number>;
  };
  /** Set for posts below the re-ranked head. */
  tailScale?: number;
  /** Multipliers applied after the second stage (absent from a coalition: 1). */
  finalFactors?: Record<string, number>;
}

export type AttributionKind = 'source' | 'factor' | 'ranker' | 'final-factor';

export interface Contribution {
  /** A source key, a factor name (`freshness`) or `ranker:<head>`. */
  group: string;
  kind: AttributionKind;
  value: number;
}

export interface Attribution {
  /** The score with every group at its baseline. */
  baseline: number;
  /** The post's score: baseline + Σ contributions (efficiency). */
  score: number;
  /** Largest |value| first. */
  contributions: Contribution[];
  method: 'exact-shapley';
}

/** The first stage on a coalition of its sources and factors (bits 0.. sources, then factors). */
function firstStage(sources: readonly number[], factors: readonly number[], coalition: number): number {
  let sum = 0;
  sources.forEach((c, i) => {
    if (coalition & (1 << i)) sum += c;
  });
  return sum * productOf(factors, coalition, sources.length);
}

/** Π of the multipliers whose bits (from `offset`) are in the coalition. */
function productOf(multipliers: readonly number[], coalition: number, offset: number): number {
  let product = 1;
  multipliers.forEach((m, j) => {
    if (coalition & (1 << (offset + j))) product *= m;
  });
  return product;
}

function sumOf(record: Record<string, number>): number {
  let s = 0;
  for (const v of Object.values(record)) s += v;
  return s;
}

/** The score that `parts` describe (what the ranking served). */
export function scoreOf(parts: ScoreParts): number {
  const first = sumOf(parts.sources) * Object.values(parts.factors).reduce((p, m) => p * m, 1);
  const damping = Object.values(parts.finalFactors ?? {}).reduce((p, m) => p * m, 1);
  if (parts.rerank) return (parts.rerank.a * first + parts.rerank.b + sumOf(parts.rerank.heads)) * damping;
  return first * (parts.tailScale ?? 1) * damping;
}

/** Shapley attributions of a post's score to its sources, factors and ranker heads. */
export function attribute(parts: ScoreParts): Attribution {
  const sourceNames = Object.keys(parts.sources), factorNames = Object.keys(parts.factors);
  const sources = sourceNames.map((k) => parts.sources[k]!), factors = factorNames.map((k) => parts.factors[k]!);
  const rerank = parts.rerank;
  // The first stage maps affinely to the final score: final = scale·first + offset (+ heads).
  const scale = rerank ? rerank.a : (parts.tailScale ?? 1);
  const offset = rerank ? rerank.b + sumOf(rerank.headBaselines) : 0;
  const finalNames = Object.keys(parts.finalFactors ?? {}), finals = finalNames.map((k) => parts.finalFactors![k]!);
  const inner = sources.length + factors.length;
  const game = shapleyValues(inner + finals.length, (s) => (scale * firstStage(sources, factors, s) + offset) * productOf(finals, s, inner));
  // The heads' unit game [R present]·D: player 0 is the ranker, then the final factors.
  const unit = shapleyValues(1 + finals.length, (s) => (s & 1 ? productOf(finals, s, 1) : 0));
  const headDiffs = rerank ? Object.keys(rerank.heads).map((head) => [head, rerank.heads[head]! - (rerank.headBaselines[head] ?? 0)] as const) : [];
  const headTotal = headDiffs.reduce((t, [, d]) => t + d, 0);
  const contributions: Contribution[] = [
    ...sourceNames.map((group, i) => ({ group, kind: 'source' as const, value: game.values[i]! })),
    ...factorNames.map((group, j) => ({ group, kind: 'factor' as const, value: game.values[sources.length + j]! })),
    ...headDiffs.map(([head, d]) => ({ group: `ranker:${head}`, kind: 'ranker' as const, value: d * unit.values[0]! })),
    ...finalNames.map((group, j) => ({ group, kind: 'final-factor' as const, value: game.values[inner + j]! + headTotal * unit.values[1 + j]! })),
  ];
  contributions.sort((x, y) => Math.abs(y.value) - Math.abs(x.value) || (x.group < y.group ? -1 : 1));
  return { baseline: game.baseline, score: scoreOf(parts), contributions, method: 'exact-shapley' };
}
