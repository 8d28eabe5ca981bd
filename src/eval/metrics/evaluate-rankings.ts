/**
 * @module Averages the per-user ranking metrics over the evaluated users, at several cut-offs, from one
 * list per user (compute the lists once at the largest k, score every smaller k from their prefixes).
 *
 * Every evaluated user counts, including users for whom a model returned nothing (they score 0). MSR
 * averages precision/recall/MAP over users present in both truth and predictions, which rewards models that
 * stay silent; with models that answer every user (as in their notebooks) the two agree.
 *
 * Keys: `precision@k`, `recall@k`, `f1@k`, `ndcg@k`, `map@k` (MSR `map_at_k`), `map-rel@k` (MSR `map`),
 * `mrr@k`, `hit@k`; `auc` when full rankings are given; with `beyond`: `coverage@k`, `gini@k`, `ild@k`,
 * `novelty@k`, `popularity-bias@k`; `ild-tags@k` (1 − mean tag Jaccard) and `author-coverage@k` when given.
 */
import type { Csr } from '../../math/csr.js';
import {
  authorCoverage, catalogCoverage, cooccurrenceCosine, exposureCounts, giniIndex, itemPopularity, meanIntraListDiversity,
  novelty, popularityBias, type ItemSimilarity,
} from './beyond-accuracy.js';
import {
  aucOfRanking, averagePrecisionAtK, averagePrecisionRel, f1AtK, hitAtK, ndcgAtK, precisionAtK, recallAtK,
  reciprocalRankAtK,
} from './ranking-metrics.js';

export interface RankingEvaluationInput {
  /** Per evaluated user: recommended items, best first, at least max(ks) long when available. */
  readonly lists: readonly ArrayLike<number>[];
  /** Per evaluated user: held-out relevant items (non-empty). */
  readonly relevant: readonly ReadonlySet<number>[];
  readonly ks: readonly number[];
  /**
   * Per user, the number of candidates the lists rank (positives + negatives). When given, `auc` is the mean
   * per-user AUC (exact when the lists are full rankings, see `aucOfRanking`).
   */
  readonly aucCandidates?: ArrayLike<number>;
  /** Training data for popularity-based metrics and the default ILD similarity. */
  readonly beyond?: {
    readonly train: Csr;
    readonly similarity?: ItemSimilarity;
    /** Cut-offs (default: `ks`). */
    readonly ks?: readonly number[];
    /** Topic similarity of items (tags): gives `ild-tags@k`. */
    readonly tagSimilarity?: ItemSimilarity;
    /** Author of an item (< 0 unknown): gives `author-coverage@k`. */
    readonly authorOf?: (item: number) => number;
  };
}

const ACCURACY: ReadonlyArray<readonly [string, (l: ArrayLike<number>, r: ReadonlySet<number>, k: number) => number]> = [
  ['precision', precisionAtK],
  ['recall', recallAtK],
  ['f1', f1AtK],
  ['ndcg', ndcgAtK],
  ['map', averagePrecisionAtK],
  ['map-rel', averagePrecisionRel],
  ['mrr', reciprocalRankAtK],
  ['hit', hitAtK],
];

/** Mean of each metric over users, keyed `name@k` (plus `auc`). */
export function evaluateRankings(input: RankingEvaluationInput): Record<string, number> {
  const { lists, relevant, ks } = input;
  const nUsers = lists.length;
  const out: Record<string, number> = {};
  for (const k of ks) {
    for (const [name, f] of ACCURACY) {
      let s = 0;
      for (let u = 0; u < nUsers; u++) s += f(lists[u]!, relevant[u]!, k);
      out[`${name}@${k}`] = nUsers === 0 ? 0 : s / nUsers;
    }
  }
  if (input.aucCandidates) {
    let s = 0, n = 0;
    for (let u = 0; u < nUsers; u++) {
      const a = aucOfRanking(lists[u]!, relevant[u]!, input.aucCandidates[u]!);
      if (!Number.isNaN(a)) { s += a; n++; }
    }
    out.auc = n === 0 ? 0 : s / n;
  }
  if (input.beyond) {
    const { train } = input.beyond;
    const sim = input.beyond.similarity ?? cooccurrenceCosine(train);
    const pop = itemPopularity(train);
    for (const k of input.beyond.ks ?? ks) {
      const cut = lists.map((l) => prefix(l, k));
      out[`coverage@${k}`] = catalogCoverage(cut, train.cols);
      out[`gini@${k}`] = giniIndex(exposureCounts(cut, train.cols));
      out[`ild@${k}`] = meanIntraListDiversity(cut, sim);
      if (input.beyond.tagSimilarity) out[`ild-tags@${k}`] = meanIntraListDiversity(cut, input.beyond.tagSimilarity);
      if (input.beyond.authorOf) out[`author-coverage@${k}`] = authorCoverage(cut, input.beyond.authorOf);
      out[`novelty@${k}`] = novelty(cut, pop, train.rows);
      out[`popularity-bias@${k}`] = popularityBias(cut, pop);
    }
  }
  return out;
}

function prefix(l: ArrayLike<number>, k: number): ArrayLike<number> {
  if (l.length <= k) return l;
  return Array.prototype.slice.call(l, 0, k) as number[];
}
