/**
 * @module The context vector a contextual exploration policy sees for a candidate post (dimension 4 + the number
 * of candidate sources), every entry in [0, 1]:
 *
 *     [ 1 (bias),
 *       user activity  = min(1, ln(1 + n) / ln(1 + 1000)), n the user's positive interactions in the snapshot,
 *       freshness      = 2^(−age / feed.freshnessHalfLifeHours) (0 when the age is unknown),
 *       topic match    = cosine of the post's hashtags and the hashtag counts of the user's snapshot posts,
 *       the post's min-max scaled score from each candidate source (0 from a source that did not propose it) ]
 */
import type { Dataset } from '../data/dataset.js';

/** Entries before the per-source scores. */
export const FIXED_FEATURES = 4;
/** Interactions at which user activity reaches 1. */
const ACTIVE_USER = 1000;
/** Most snapshot posts of a user whose hashtags make their profile. */
const PROFILE_POSTS = 2000;

export interface UserContext {
  activity: number;
  tags: ReadonlyMap<string, number>;
  /** Euclidean norm of `tags`' counts. */
  norm: number;
}

/** What the context needs of a candidate. */
export interface ContextualCandidate {
  sourceScores: Readonly<Record<string, number>>;
  tags: readonly string[];
  /** Milliseconds since the post was written (NaN when unknown). */
  ageMs: number;
}

const tagKey = (t: string): string => t.replace(/^#/, '').toLowerCase();

/** The user's part of the context, read once per ranking from the snapshot (empty for a user it does not know). */
export function userContext(dataset: Dataset, userIndex: number): UserContext {
  const tags = new Map<string, number>();
  const m = dataset.interactions;
  if (userIndex < 0 || userIndex >= m.rows) return { activity: 0, tags, norm: 0 };
  const start = m.indptr[userIndex]!, end = m.indptr[userIndex + 1]!;
  for (let k = start; k < Math.min(end, start + PROFILE_POSTS); k++) {
    for (const t of dataset.itemTags[m.indices[k]!] ?? []) tags.set(tagKey(t), (tags.get(tagKey(t)) ?? 0) + 1);
  }
  let sq = 0;
  for (const c of tags.values()) sq += c * c;
  return { activity: Math.min(1, Math.log1p(end - start) / Math.log1p(ACTIVE_USER)), tags, norm: Math.sqrt(sq) };
}

/** Writes the candidate's context at `out[offset …]` (FIXED_FEATURES + sources.length entries). */
export function writeContext(out: Float64Array, offset: number, user: UserContext, item: ContextualCandidate, sources: readonly string[], halfLifeHours: number): void {
  out[offset] = 1;
  out[offset + 1] = user.activity;
  out[offset + 2] = Number.isFinite(item.ageMs) ? Math.pow(2, -Math.max(0, item.ageMs) / (halfLifeHours * 3_600_000)) : 0;
  let dot = 0;
  for (const t of item.tags) dot += user.tags.get(tagKey(t)) ?? 0;
  out[offset + 3] = user.norm > 0 && item.tags.length > 0 ? Math.min(1, dot / (user.norm * Math.sqrt(item.tags.length))) : 0;
  for (let k = 0; k < sources.length; k++) out[offset + FIXED_FEATURES + k] = item.sourceScores[sources[k]!] ?? 0;
}
