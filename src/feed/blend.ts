/**
 * @module Blending candidate sources: min-max normalise each source's scores, weight them, and fuse by
 * CombSUM (Fox & Shaw 1994): blended(p) = Σ_s w_s · (score_s(p) − min_s) / (max_s − min_s). A source whose
 * scores are all equal gives each of its posts 1. The best source is the one contributing most; ties go to
 * the source listed first.
 */
import type { Candidate, Reason } from './types.js';

export interface Blended {
  postId: string;
  score: number;
  /** Best source first. */
  sources: string[];
  /** Reason given by the best source. */
  reason: Reason;
  /** The min-max scaled score of each source that proposed the post (before its weight). */
  sourceScores: Record<string, number>;
}

/** Fuses the candidates of each source (in source order) into one list, one entry per post. */
export function blend(bySource: ReadonlyArray<{ name: string; weight: number; candidates: readonly Candidate[] }>): Blended[] {
  const merged = new Map<string, { score: number; parts: { name: string; value: number; norm: number; order: number; reason: Reason }[] }>();
  bySource.forEach(({ name, weight, candidates }, order) => {
    if (candidates.length === 0 || !(weight > 0)) return;
    let min = Infinity, max = -Infinity;
    // A source may propose a post twice (model and store); keep its best score.
    const best = new Map<string, Candidate>();
    for (const c of candidates) {
      const prev = best.get(c.postId);
      if (!prev || c.score > prev.score) best.set(c.postId, c);
    }
    for (const c of best.values()) {
      min = Math.min(min, c.score);
      max = Math.max(max, c.score);
    }
    for (const c of best.values()) {
      const norm = max > min ? (c.score - min) / (max - min) : 1;
      const value = weight * norm;
      let m = merged.get(c.postId);
      if (!m) merged.set(c.postId, (m = { score: 0, parts: [] }));
      m.score += value;
      m.parts.push({ name, value, norm, order, reason: c.reason });
    }
  });
  const out: Blended[] = [];
  for (const [postId, m] of merged) {
    m.parts.sort((a, b) => b.value - a.value || a.order - b.order);
    const sourceScores: Record<string, number> = {};
    for (const p of m.parts) sourceScores[p.name] = p.norm;
    out.push({ postId, score: m.score, sources: m.parts.map((p) => p.name), reason: m.parts[0]!.reason, sourceScores });
  }
  return out;
}

/** Share of its score an old post keeps: ½, so relevance can still beat recency. */
const FRESHNESS_FLOOR = 0.5;

/** Freshness multiplier: FLOOR + (1 − FLOOR) · 2^(−age / halfLife); 1 for unknown ages. */
export function freshness(ageMs: number, halfLifeHours: number): number {
  if (!Number.isFinite(ageMs)) return 1;
  return FRESHNESS_FLOOR + (1 - FRESHNESS_FLOOR) * Math.pow(2, -Math.max(0, ageMs) / (halfLifeHours * 3_600_000));
}
