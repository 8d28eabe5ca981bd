/**
 * @module How every backend stores the impression log: a row per served page, its items packed as a JSON array
 * of `[post, source, score, policy, arm | null, propensity]` in position order (`null` where an erased post
 * was). Logging a page is then one insert whatever its length, which keeps the log off the feed's cost.
 */
import { BLEND_POLICY, type Impression, type ServedPage } from '../data/impressions.js';

type PackedItem = [post: string, source: string, score: number, policy: string, arm: string | null, propensity: number];

/** A stored page: its packed items and the fields of its row. */
export interface PackedPage {
  requestId: string;
  userId: string;
  offset: number;
  experiment?: string;
  at: number;
  items: string;
}

export function packItems(page: ServedPage): string {
  return JSON.stringify(page.items.map((it): PackedItem => {
    const x = it.exploration;
    return x ? [it.postId, it.source, it.score, x.policy, x.arm ?? null, x.propensity] : [it.postId, it.source, it.score, BLEND_POLICY, null, 1];
  }));
}

/** The items of a stored page, one `Impression` each. */
export function* pageItems(page: PackedPage): Iterable<Impression> {
  const items = JSON.parse(page.items) as (PackedItem | null)[];
  for (let k = 0; k < items.length; k++) {
    const item = items[k];
    if (item === null || item === undefined) continue;
    const [postId, source, score, policy, arm, propensity] = item;
    const row: Impression = { requestId: page.requestId, userId: page.userId, postId, position: page.offset + k, source, score, policy, propensity, at: page.at };
    if (arm !== null) row.arm = arm;
    if (page.experiment !== undefined) row.experiment = page.experiment;
    yield row;
  }
}

/** Items of a packed page (erased slots not counted). */
export function countItems(items: string): number {
  return (JSON.parse(items) as (PackedItem | null)[]).filter((x) => x !== null).length;
}

/** A packed page with the slots of these posts blanked: the new packing, how many went and how many are left. */
export function withoutPosts(items: string, posts: ReadonlySet<string>): { items: string; removed: number; left: number } {
  const parsed = JSON.parse(items) as (PackedItem | null)[];
  let removed = 0, left = 0;
  const out = parsed.map((it) => {
    if (it === null) return null;
    if (posts.has(it[0])) {
      removed++;
      return null;
    }
    left++;
    return it;
  });
  return { items: JSON.stringify(out), removed, left };
}
