/**
 * @module Determinantal point process re-ranking: the fast greedy MAP inference of Chen, Zhang & Zhou (NeurIPS
 * 2018, "Fast Greedy MAP Inference for Determinantal Point Process to Improve Recommendation Diversity",
 * Algorithm 1). The kernel is L = Diag(q) · S · Diag(q) with quality q_i = exp(α · rel_i), α = θ / (2(1 − θ))
 * (their section 4.1: log det L_Y = θ' Σ rel + log det S_Y up to scale), `rel` the min-max scaled scores and S
 * the cosine similarity of the posts' tag-indicator vectors (a Gram matrix, so positive semi-definite; a post
 * without tags is orthogonal to every other). Each step adds the post that most increases log det L_Y, updating
 * the Cholesky rows incrementally (O(k·n) a step); once the gain vanishes (the remaining posts are spanned by
 * the chosen ones) the rest follow in score order.
 */

/** Cosine similarity of two tag sets as indicator vectors: |a ∩ b| / √(|a|·|b|); 0 when either is empty. */
export function tagCosine(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let common = 0;
  for (const t of a) if (b.has(t)) common++;
  return common / Math.sqrt(a.size * b.size);
}

/** Gains below this are treated as zero: the kernel is singular on the chosen set plus the candidate. */
const EPSILON = 1e-10;

/**
 * The greedy MAP order of `n` posts under the kernel L_ij = q_i q_j sim(i, j) (sim(i, i) = 1): indices into
 * the input, every index exactly once. `quality` are the q_i (> 0).
 */
export function greedyDppOrder(quality: ArrayLike<number>, sim: (i: number, j: number) => number): number[] {
  const n = quality.length;
  const d2 = Float64Array.from({ length: n }, (_, i) => quality[i]! * quality[i]!);
  const c: Float64Array[] = Array.from({ length: n }, () => new Float64Array(n));
  const picked = new Uint8Array(n);
  const order: number[] = [];
  for (let step = 0; step < n; step++) {
    let j = -1;
    for (let i = 0; i < n; i++) if (!picked[i] && (j < 0 || d2[i]! > d2[j]!)) j = i;
    if (d2[j]! < EPSILON) break;
    picked[j] = 1;
    order.push(j);
    const dj = Math.sqrt(d2[j]!);
    const cj = c[j]!;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const ci = c[i]!;
      let dot = 0;
      for (let k = 0; k < step; k++) dot += cj[k]! * ci[k]!;
      const e = (quality[i]! * quality[j]! * sim(i, j) - dot) / dj;
      ci[step] = e;
      d2[i] = d2[i]! - e * e;
    }
  }
  // The rest, in input (score) order.
  for (let i = 0; i < n; i++) if (!picked[i]) order.push(i);
  return order;
}

interface Rankable {
  score: number;
  tags: readonly string[];
}

/**
 * Reorders the first `top` posts of a list sorted by score, in place, by greedy DPP MAP with relevance weight
 * θ ∈ [0, 1) (θ ≥ 1: off, relevance only); the tail keeps its order. Scores are unchanged.
 */
export function dppRerank<T extends Rankable>(items: T[], theta: number, top: number): void {
  if (theta >= 1 || items.length < 3) return;
  const head = items.slice(0, Math.min(top, items.length));
  let lo = Infinity, hi = -Infinity;
  for (const it of head) {
    lo = Math.min(lo, it.score);
    hi = Math.max(hi, it.score);
  }
  const alpha = theta / (2 * (1 - theta));
  const quality = head.map((it) => Math.exp(alpha * (hi > lo ? (it.score - lo) / (hi - lo) : 1)));
  const tags = head.map((it) => new Set(it.tags));
  const order = greedyDppOrder(quality, (i, j) => (i === j ? 1 : tagCosine(tags[i]!, tags[j]!)));
  items.splice(0, head.length, ...order.map((i) => head[i]!));
}
