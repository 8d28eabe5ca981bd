/**
 * @module A literal, row-by-row port of Microsoft Recommenders' pandas ranking metrics
 * (`python_evaluation.py`: `get_top_k_items`, `merge_ranking_true_pred`, `precision_at_k`, `recall_at_k`,
 * `ndcg_at_k`, `map`, `map_at_k`) over (user, item, score) rows. Slow and obviously faithful: the reference
 * twin that `evaluate-rankings.ts` is tested against.
 */

export interface Row {
  user: number;
  item: number;
  /** Truth: rating (binary relevance ignores it); prediction: score. */
  value: number;
}

export interface MsrMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  map: number;
  mapAtK: number;
}

export function msrRankingMetricsRef(truth: readonly Row[], pred: readonly Row[], k: number): MsrMetrics {
  // merge_ranking_true_pred: common users.
  const truthUsers = new Set(truth.map((r) => r.user));
  const predUsers = new Set(pred.map((r) => r.user));
  const common = new Set([...truthUsers].filter((u) => predUsers.has(u)));
  const nUsers = common.size;
  const truthCommon = truth.filter((r) => common.has(r.user));
  const predCommon = pred.filter((r) => common.has(r.user));
  // get_top_k_items: sort by user asc, score desc (stable), head(k), rank = cumcount + 1.
  const sorted = predCommon.map((r, i) => ({ ...r, i })).sort((a, b) => a.user - b.user || b.value - a.value || a.i - b.i);
  const top: { user: number; item: number; rank: number }[] = [];
  const taken = new Map<number, number>();
  for (const r of sorted) {
    const n = taken.get(r.user) ?? 0;
    if (n >= k) continue;
    taken.set(r.user, n + 1);
    top.push({ user: r.user, item: r.item, rank: n + 1 });
  }
  // df_hit: top-k rows that are in the truth.
  const truthKey = new Set(truthCommon.map((r) => `${r.user}:${r.item}`));
  const hits = top.filter((r) => truthKey.has(`${r.user}:${r.item}`));
  if (hits.length === 0) return { precision: 0, recall: 0, ndcg: 0, map: 0, mapAtK: 0 };
  const actual = new Map<number, number>();
  for (const r of truthCommon) actual.set(r.user, (actual.get(r.user) ?? 0) + 1);
  const hitCount = new Map<number, number>();
  for (const r of hits) hitCount.set(r.user, (hitCount.get(r.user) ?? 0) + 1);
  let precision = 0, recall = 0;
  for (const [u, h] of hitCount) {
    precision += h / k;
    recall += h / actual.get(u)!;
  }
  // ndcg_at_k: outer merge with every truth row; users without hits have dcg 0; mean over truth users.
  const dcg = new Map<number, number>();
  for (const r of hits) dcg.set(r.user, (dcg.get(r.user) ?? 0) + 1 / Math.log(1 + r.rank));
  const truthPerUser = new Map<number, number>();
  for (const r of truth) truthPerUser.set(r.user, (truthPerUser.get(r.user) ?? 0) + 1);
  let ndcg = 0;
  for (const [u, n] of truthPerUser) {
    let idcg = 0;
    for (let irank = 1; irank <= Math.min(n, k); irank++) idcg += 1 / Math.log(1 + irank);
    ndcg += (dcg.get(u) ?? 0) / idcg;
  }
  ndcg /= truthPerUser.size;
  // _get_reciprocal_rank: rr = Σ (cumcount within the user's hits + 1) / rank.
  const rr = new Map<number, number>();
  const seenHits = new Map<number, number>();
  for (const r of hits) {
    const c = (seenHits.get(r.user) ?? 0) + 1;
    seenHits.set(r.user, c);
    rr.set(r.user, (rr.get(r.user) ?? 0) + c / r.rank);
  }
  let map = 0, mapAtK = 0;
  for (const [u, s] of rr) {
    map += s / actual.get(u)!;
    mapAtK += s / Math.min(actual.get(u)!, k);
  }
  return { precision: precision / nUsers, recall: recall / nUsers, ndcg, map: map / nUsers, mapAtK: mapAtK / nUsers };
}
