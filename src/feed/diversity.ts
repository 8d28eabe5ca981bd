/**
 * @module Diversity re-ranking of a scored feed list, after the negative-feedback damping and before the pages:
 * the author-diversity decay (the k-th further post of an author in the list has its score multiplied by
 * max(floor, decay^k), then the list is sorted again) and maximal marginal relevance over the head of the list
 * (Carbonell & Goldstein 1998): the next post is argmax λ·rel(i) − (1 − λ)·max_{j picked} sim(i, j), rel the
 * min-max scaled score of the head and sim the Jaccard similarity of the posts' tags; or a determinantal point
 * process over the same head (dpp.ts). Then a cap per topic (a post's first tag) on each page-sized window, and a
 * boost slot that brings the best post of a new author (few posts in the snapshot) onto the first page when none
 * is there. These only reorder; scores are unchanged, so the list is no longer in score order.
 */
import { CATALOG_AUTHOR } from '../data/importers/types.js';
import { setJaccard } from '../math/set-jaccard.js';
import { pagesWithCap } from './author-cap.js';
import { dppRerank } from './dpp.js';
import { byScore } from './second-stage.js';

export interface DiversityOptions {
  /** Multiplier per further post of the same author (1 turns the decay off). */
  authorDecay: number;
  /** Lowest multiplier of the decay. */
  authorFloor: number;
  /** MMR trade-off: 1 is pure relevance (MMR off), 0 pure novelty. */
  mmrLambda: number;
  /** Posts at the head of the list that MMR or the DPP reorders. */
  mmrTop: number;
  /** DPP relevance weight θ in [0, 1): lower is more diverse; 1 turns it off. Applied after MMR. */
  dppTheta: number;
  /** Most posts of one topic (first tag) in each page-sized window of the list; 0 turns the cap off. */
  topicCap: number;
  /** 1-based position on the first page for a new author's post when the page has none; 0 turns it off. */
  newAuthorSlot: number;
}

/** What the list-level steps need besides the options. */
export interface DiversityContext {
  pageSize: number;
  /** True for an author with few posts so far (the boost slot's candidates). */
  isNewAuthor(author: string): boolean;
}

interface Diversifiable {
  postId: string;
  score: number;
  author: string;
  tags: readonly string[];
}

/** The author-decay multiplier of the k-th further post (k = 0: the author's first post). */
export function authorDecayFactor(k: number, decay: number, floor: number): number {
  return k === 0 ? 1 : Math.max(floor, decay ** k);
}

/**
 * Multiplies each post's score by its author-decay factor, in list order (best first), and sorts again.
 * Catalogue items (the `__catalog__` author: movies, artists) are not decayed, as under the author cap.
 * Returns the factor of each decayed post (posts with factor 1 are absent).
 */
export function applyAuthorDecay<T extends Diversifiable>(items: T[], decay: number, floor: number): Map<string, number> {
  const factors = new Map<string, number>();
  if (decay >= 1) return factors;
  const seen = new Map<string, number>();
  for (const it of items) {
    if (it.author === CATALOG_AUTHOR) continue;
    const k = seen.get(it.author) ?? 0;
    seen.set(it.author, k + 1);
    const f = authorDecayFactor(k, decay, floor);
    if (f === 1) continue;
    it.score *= f;
    factors.set(it.postId, f);
  }
  items.sort(byScore);
  return factors;
}

/** Jaccard similarity of two tag sets: |a ∩ b| / |a ∪ b| (0 when both are empty). */
export function tagJaccard(a: readonly string[], b: readonly string[]): number {
  return setJaccard(new Set(a), new Set(b));
}


/**
 * Reorders the first `top` posts of a list sorted by score, in place, by maximal marginal relevance; the tail
 * keeps its order. Ties go to the earlier post of the list.
 */
export function mmrRerank<T extends Diversifiable>(items: T[], lambda: number, top: number): void {
  if (lambda >= 1 || items.length < 3) return;
  const head = items.slice(0, Math.min(top, items.length));
  const n = head.length;
  let lo = Infinity, hi = -Infinity;
  for (const it of head) {
    lo = Math.min(lo, it.score);
    hi = Math.max(hi, it.score);
  }
  const tags = head.map((it) => new Set(it.tags));
  const rel = head.map((it) => (hi > lo ? (it.score - lo) / (hi - lo) : 1));
  // maxSim[i]: the largest similarity of post i to a post already picked.
  const maxSim = new Float64Array(n);
  const picked = new Uint8Array(n);
  const order: T[] = [];
  for (let step = 0; step < n; step++) {
    let best = -1, bestValue = -Infinity;
    for (let i = 0; i < n; i++) {
      if (picked[i]) continue;
      const value = lambda * rel[i]! - (1 - lambda) * maxSim[i]!;
      if (value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    picked[best] = 1;
    order.push(head[best]!);
    for (let i = 0; i < n; i++) if (!picked[i]) maxSim[i] = Math.max(maxSim[i]!, setJaccard(tags[i]!, tags[best]!));
  }
  items.splice(0, n, ...order);
}

/**
 * At most `cap` posts per topic (first tag; untagged posts are exempt) in each window of `window` posts, in
 * place: a post over its topic's cap moves to the next window, keeping its order among the moved ones.
 */
export function capPerTopic<T extends Diversifiable>(items: T[], cap: number, window: number): void {
  if (!(cap > 0) || items.length <= cap) return;
  const windows = pagesWithCap(items, window, cap, (it) => it.tags[0] ?? '', (topic) => topic === '');
  items.splice(0, items.length, ...windows.flat());
}

/**
 * When none of the first `pageSize` posts is by a new author, moves the best-placed new author's post to the
 * 1-based position `slot` of the first page, in place. Returns the moved post's id, if any.
 */
export function boostNewAuthor<T extends Diversifiable>(items: T[], slot: number, context: DiversityContext): string | undefined {
  if (!(slot > 0) || items.length <= context.pageSize) return undefined;
  const newcomer = (it: T): boolean => it.author !== CATALOG_AUTHOR && context.isNewAuthor(it.author);
  if (items.slice(0, context.pageSize).some(newcomer)) return undefined;
  const from = items.findIndex((it, i) => i >= context.pageSize && newcomer(it));
  if (from < 0) return undefined;
  const [moved] = items.splice(from, 1);
  items.splice(Math.min(slot, context.pageSize) - 1, 0, moved!);
  return moved!.postId;
}

/** Every step with `options`; returns the author-decay factor of each decayed post. */
export function diversify<T extends Diversifiable>(items: T[], options: DiversityOptions, context?: DiversityContext): Map<string, number> {
  const factors = applyAuthorDecay(items, options.authorDecay, options.authorFloor);
  mmrRerank(items, options.mmrLambda, options.mmrTop);
  dppRerank(items, options.dppTheta, options.mmrTop);
  if (context) {
    capPerTopic(items, options.topicCap, context.pageSize);
    boostNewAuthor(items, options.newAuthorSlot, context);
  }
  return factors;
}
