/**
 * @module Trending posts and hashtags from the popularity model (`popular/trending`, or any `popular/*`).
 * A tag's trend is the sum of the trending scores of its posts.
 */
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import { hashtag } from './explain.js';
import { popularList } from './sources/trending-source.js';
import type { Burst } from './trending-bursts.js';

export const TRENDING_MODEL = 'popular/trending';

/** The trending model: `popular/trending` if given, else the first `popular/*` model. */
export function findTrendingModel(models: Readonly<Record<string, Recommender>>): { name: string; model: Recommender } | undefined {
  if (models[TRENDING_MODEL]) return { name: TRENDING_MODEL, model: models[TRENDING_MODEL] };
  const name = Object.keys(models).sort().find((k) => k.startsWith('popular/'));
  return name ? { name, model: models[name]! } : undefined;
}

export interface TrendingTag {
  /** Without the leading '#'. */
  tag: string;
  score: number;
  /** "#tag" for display. */
  label: string;
  /** Burst score of its engagement in the last hour against the day before (trending-bursts.ts; 0 without any). */
  burst: number;
  /** Rising now: enough distinct accounts in the last hour and a burst score of at least 2. */
  rising: boolean;
}

/** How trending hashtags and topics are ordered: decayed popularity (`score`) or rising now (`rising`). */
export type TrendingOrder = 'score' | 'rising';

/**
 * Ordered as asked: by score as given, or only the rising ones by burst score (then count of their last window,
 * then score).
 */
export function ordered<T extends { score: number; burst: number; rising: boolean }>(items: readonly T[], order: TrendingOrder): T[] {
  if (order === 'score') return items.slice();
  return items.filter((t) => t.rising).sort((a, b) => b.burst - a.burst || b.score - a.score);
}

/** A post tag as trending names it: without its leading '#'. */
export function tagName(tag: string): string {
  return tag.replace(/^#/, '');
}

/** Trend score of every tag, best first (ties by name). */
export function tagTrends(model: Recommender, dataset: Dataset, bursts?: ReadonlyMap<string, Burst>): TrendingTag[] {
  const sums = new Map<string, number>();
  for (const r of popularList(model, dataset.items.size)) {
    for (const t of dataset.itemTags[r.item] ?? []) {
      const tag = tagName(t);
      sums.set(tag, (sums.get(tag) ?? 0) + r.score);
    }
  }
  // A tag rising in the last hour whose posts the guarded popularity does not count yet is listed with score 0.
  for (const [tag, b] of bursts ?? []) if (b.rising && !sums.has(tag)) sums.set(tag, 0);
  return [...sums]
    .map(([tag, score]) => ({ tag, score, label: hashtag(tag), burst: bursts?.get(tag)?.z ?? 0, rising: bursts?.get(tag)?.rising ?? false }))
    .sort((a, b) => b.score - a.score || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
