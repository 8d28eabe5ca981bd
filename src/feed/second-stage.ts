/**
 * @module The second stage of the ranking cascade: a model (the multi-task engagement ranker) re-scores the
 * first stage's top `rerankTop` candidates; its score is blended with the first-stage score after min-max
 * scaling both, and the rest of the list follows in first-stage order, scaled under the last re-ranked score.
 */

/** What the feed needs of a second-stage model: a score per (user, item) of the snapshot, NaN where it cannot. */
export interface SecondStage {
  score(examples: readonly { user: number; item: number }[]): Float32Array;
}

interface Scored {
  postId: string;
  score: number;
}

/** Second-stage scores of posts for a user; NaN for posts the snapshot does not hold or an unknown user. */
export function secondStageScores(model: SecondStage, userIndex: number, itemIndex: (postId: string) => number, postIds: readonly string[]): Float32Array {
  const out = new Float32Array(postIds.length).fill(NaN);
  if (userIndex < 0) return out;
  const examples: { user: number; item: number }[] = [];
  const at: number[] = [];
  postIds.forEach((id, k) => {
    const i = itemIndex(id);
    if (i >= 0) {
      examples.push({ user: userIndex, item: i });
      at.push(k);
    }
  });
  if (examples.length === 0) return out;
  const scores = model.score(examples);
  at.forEach((k, j) => (out[k] = scores[j]!));
  return out;
}

export function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0);
}

/**
 * Re-ranks the head of a list sorted by first-stage score, in place: `scores(head)` gives the second-stage score
 * of each head item (NaN where unknown), mixed in with `weight`.
 */
export function cascade<T extends Scored>(items: T[], top: number, weight: number, scores: (postIds: readonly string[]) => Float32Array): void {
  if (items.length < 2) return;
  const head = items.slice(0, top);
  applyRerank(head, scores(head.map((i) => i.postId)), weight);
  head.sort(byScore);
  // Keep scores decreasing down the list: the tail is scaled under the last re-ranked score.
  const floor = head[head.length - 1]!.score, tailTop = items[head.length]?.score ?? 0;
  if (tailTop > 0) for (let k = head.length; k < items.length; k++) items[k]!.score *= (0.999 * floor) / tailTop;
  items.splice(0, head.length, ...head);
}

/**
 * score ← (1 − w)·minmax(first-stage) + w·minmax(ranker). Candidates the ranker cannot score (posts newer than
 * its training snapshot) get the mean ranker score, so they are neither buried nor promoted by it.
 */
export function applyRerank(items: { score: number }[], ranker: Float32Array, weight: number): void {
  let lo = Infinity, hi = -Infinity, rlo = Infinity, rhi = -Infinity, sum = 0, n = 0;
  items.forEach((it, i) => {
    lo = Math.min(lo, it.score);
    hi = Math.max(hi, it.score);
    const r = ranker[i]!;
    if (Number.isFinite(r)) {
      rlo = Math.min(rlo, r);
      rhi = Math.max(rhi, r);
      sum += r;
      n++;
    }
  });
  if (n === 0) return;
  const mean = sum / n;
  const scale = (v: number, a: number, b: number): number => (b > a ? (v - a) / (b - a) : 0.5);
  items.forEach((it, i) => {
    const r = Number.isFinite(ranker[i]!) ? ranker[i]! : mean;
    it.score = (1 - weight) * scale(it.score, lo, hi) + weight * scale(r, rlo, rhi);
  });
}
