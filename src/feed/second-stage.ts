/**
 * @module The second stage of the ranking cascade: a model (the multi-task engagement ranker) re-scores the
 * first stage's top `rerankTop` candidates; its score is blended with the first-stage score after min-max
 * scaling both, and the rest of the list follows in first-stage order, scaled under the last re-ranked score.
 */

/** What the feed needs of a second-stage model: a score per (user, item) of the snapshot, NaN where it cannot. */
export interface SecondStage {
  score(examples: readonly { user: number; item: number }[]): Float32Array;
  /** The score split into additive parts (e.g. each head's weighted prediction), for attributions. */
  scoreParts?(examples: readonly { user: number; item: number }[]): Record<string, Float32Array>;
}

/** How `cascade` turned scores into final ones: final = a·first + b + w·(r − rlo)/(rhi − rlo) in the head. */
export interface RerankScale {
  weight: number;
  /** Slope and offset applied to a head post's first-stage score. */
  a: number;
  b: number;
  /** Multiplies a ranker score into the final score (0 when all ranker scores are equal). */
  rankerSlope: number;
  /** Added for the ranker: −rankerSlope·rlo, or w/2 when all ranker scores are equal. */
  rankerOffset: number;
  /** The ranker score given to head posts it cannot score. */
  rankerMean: number;
}

/** What `cascade` did, for attributions. */
export interface CascadeTrace {
  /** Ranker score of each re-ranked post (the mean where it had none). */
  head: Map<string, number>;
  /** Absent when the ranker scored none of the head (nothing was re-ranked). */
  scale?: RerankScale;
  /** Factor applied to the scores below the head. */
  tailScale: number;
}

interface Scored {
  postId: string;
  score: number;
}

/** Second-stage scores of posts for a user; NaN for posts the snapshot does not hold or an unknown user. */
export function secondStageScores(model: SecondStage, userIndex: number, itemIndex: (postId: string) => number, postIds: readonly string[]): Float32Array {
  return scoredAt(userIndex, itemIndex, postIds, (examples) => ({ score: model.score(examples) })).score!;
}

/** The additive parts of the second-stage score (`scoreParts`), each aligned with `postIds`, NaN where unknown. */
export function secondStageParts(model: Required<SecondStage>, userIndex: number, itemIndex: (postId: string) => number, postIds: readonly string[]): Record<string, Float32Array> {
  return scoredAt(userIndex, itemIndex, postIds, (examples) => model.scoreParts(examples));
}

/** Runs `score` on the posts the snapshot holds and spreads each returned column back over `postIds` (NaN elsewhere). */
function scoredAt(userIndex: number, itemIndex: (postId: string) => number, postIds: readonly string[], score: (examples: { user: number; item: number }[]) => Record<string, Float32Array>): Record<string, Float32Array> {
  const examples: { user: number; item: number }[] = [];
  const at: number[] = [];
  if (userIndex >= 0) {
    postIds.forEach((id, k) => {
      const i = itemIndex(id);
      if (i >= 0) {
        examples.push({ user: userIndex, item: i });
        at.push(k);
      }
    });
  }
  const columns = examples.length > 0 ? score(examples) : { score: new Float32Array(0) };
  const out: Record<string, Float32Array> = {};
  for (const [name, column] of Object.entries(columns)) {
    const spread = new Float32Array(postIds.length).fill(NaN);
    at.forEach((k, j) => (spread[k] = column[j]!));
    out[name] = spread;
  }
  return out;
}

export function byScore(a: Scored, b: Scored): number {
  return b.score - a.score || (a.postId < b.postId ? -1 : a.postId > b.postId ? 1 : 0);
}

/**
 * Re-ranks the head of a list sorted by first-stage score, in place: `scores(head)` gives the second-stage score
 * of each head item (NaN where unknown), mixed in with `weight`.
 */
export function cascade<T extends Scored>(items: T[], top: number, weight: number, scores: (postIds: readonly string[]) => ArrayLike<number>): CascadeTrace {
  if (items.length < 2) return { head: new Map(), tailScale: 1 };
  const head = items.slice(0, top);
  const ranker = scores(head.map((i) => i.postId));
  const scale = applyRerank(head, ranker, weight);
  const trace: CascadeTrace = { head: new Map(head.map((it, i) => [it.postId, Number.isFinite(ranker[i]!) ? ranker[i]! : (scale?.rankerMean ?? NaN)])), tailScale: 1 };
  if (scale) trace.scale = scale;
  head.sort(byScore);
  // Keep scores decreasing down the list: the tail is scaled under the last re-ranked score.
  const floor = head[head.length - 1]!.score, tailTop = items[head.length]?.score ?? 0;
  if (tailTop > 0) {
    trace.tailScale = (0.999 * floor) / tailTop;
    for (let k = head.length; k < items.length; k++) items[k]!.score *= trace.tailScale;
  }
  items.splice(0, head.length, ...head);
  return trace;
}

/**
 * score ← (1 − w)·minmax(first-stage) + w·minmax(ranker). Candidates the ranker cannot score (posts newer than
 * its training snapshot) get the mean ranker score, so they are neither buried nor promoted by it.
 */
export function applyRerank(items: { score: number }[], ranker: ArrayLike<number>, weight: number): RerankScale | undefined {
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
  if (n === 0) return undefined;
  const mean = sum / n;
  // scale(v) = (v − lo)/(hi − lo), or ½ when all values are equal; written as slope·v + offset for attributions.
  const a = hi > lo ? (1 - weight) / (hi - lo) : 0, b = hi > lo ? -a * lo : (1 - weight) / 2;
  const rankerSlope = rhi > rlo ? weight / (rhi - rlo) : 0, rankerOffset = rhi > rlo ? -rankerSlope * rlo : weight / 2;
  items.forEach((it, i) => {
    const r = Number.isFinite(ranker[i]!) ? ranker[i]! : mean;
    it.score = a * it.score + b + rankerSlope * r + rankerOffset;
  });
  return { weight, a, b, rankerSlope, rankerOffset, rankerMean: mean };
}
