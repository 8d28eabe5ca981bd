/**
 * @module Trending posts and hashtags from the popularity model (`popular/trending`, or any `popular/*`).
 * A tag's trend is the sum of the trending scores of its posts.
 */
import type { Dataset } from '../data/dataset.js';
import type { Recommender } from '../models/recommender.js';
import { hashtag } from './explain.js';
import { popularList } from './sources/trending-source.js';

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
}

/** A post tag as trending names it: without its leading '#'. */
export function tagName(tag: string): string {
  return tag.replace(/^#/, '');
}

/** Trend score of every tag, best first (ties by name). */
export function tagTrends(model: Recommender, dataset: Dataset): TrendingTag[] {
  const sums = new Map<string, number>();
  for (const r of popularList(model, dataset.items.size)) {
    for (const t of dataset.itemTags[r.item] ?? []) {
      const tag = tagName(t);
      sums.set(tag, (sums.get(tag) ?? 0) + r.score);
    }
  }
  return [...sums]
    .map(([tag, score]) => ({ tag, score, label: hashtag(tag) }))
    .sort((a, b) => b.score - a.score || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
