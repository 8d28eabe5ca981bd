/**
 * @module The moderation queue and takedowns. Reports are `report` events (a post, or an account as
 * `target_user`); the queue groups the newest of them by what they report, most distinct reporters first, and
 * leaves out posts already taken down. A takedown (audited) removes a post from every feed, reply list, search,
 * similar and trending list, for everyone, at the next request: each of those reads the takedowns of what it serves.
 */
import { createError } from '../core/errors.js';
import type { Post } from '../data/schemas.js';
import type { Store, Takedown } from '../storage/store.js';

/** Newest report events read to build the queue. */
export const MAX_REPORT_EVENTS = 50_000;

export interface ReportedPost {
  post: Post;
  /** Report events and distinct reporters. */
  reports: number;
  reporters: number;
  /** Epoch ms of the newest report. */
  lastReportedAt: number;
  /** Distinct texts the reporters gave, newest first (at most 5). */
  reasons: string[];
}

export interface ReportedAccount {
  user: string;
  reports: number;
  reporters: number;
  lastReportedAt: number;
  reasons: string[];
}

export interface ReportQueue {
  posts: ReportedPost[];
  accounts: ReportedAccount[];
  /** Posts the moderation signal puts above `moderation.reviewAbove` (moderation.ts), not taken down, most probable first. */
  flagged: { post: Post; offensive: number }[];
}

interface Tally { reports: number; reporters: Set<string>; last: number; reasons: string[] }

const MAX_REASONS = 5;

/**
 * The open reports, grouped: reported posts (not taken down, still stored) and reported accounts, `limit` each;
 * with them the posts the moderation signal flagged for review (`flagged`, most probable first), less those taken down.
 */
export async function reportQueue(store: Store, limit: number, flagged: readonly { post: Post; offensive: number }[] = []): Promise<ReportQueue> {
  const events = await store.eventsBetween(-Infinity, Infinity, { types: ['report'], limit: MAX_REPORT_EVENTS });
  const posts = new Map<string, Tally>(), accounts = new Map<string, Tally>();
  for (const e of events) {
    const [map, key] = e.post !== undefined ? [posts, e.post] : [accounts, e.target_user];
    if (key === undefined) continue;
    let t = map.get(key);
    if (!t) map.set(key, (t = { reports: 0, reporters: new Set(), last: e.timestamp, reasons: [] }));
    t.reports++;
    t.reporters.add(e.user);
    t.last = Math.max(t.last, e.timestamp);
    if (e.text && t.reasons.length < MAX_REASONS && !t.reasons.includes(e.text)) t.reasons.push(e.text);
  }
  const order = <K>(m: Map<K, Tally>): [K, Tally][] => [...m].sort(([, a], [, b]) => b.reporters.size - a.reporters.size || b.last - a.last);
  const takenDown = await store.takenDown([...posts.keys(), ...flagged.map((f) => f.post.id)]);
  const open = order(posts).filter(([id]) => !takenDown.has(id));
  const stored = new Map((await store.getPosts(open.slice(0, 2 * limit).map(([id]) => id))).map((p) => [p.id, p]));
  const summary = (t: Tally) => ({ reports: t.reports, reporters: t.reporters.size, lastReportedAt: t.last, reasons: t.reasons });
  return {
    posts: open.flatMap(([id, t]) => (stored.has(id) ? [{ post: stored.get(id)!, ...summary(t) }] : [])).slice(0, limit),
    accounts: order(accounts).slice(0, limit).map(([user, t]) => ({ user, ...summary(t) })),
    flagged: flagged.filter((f) => !takenDown.has(f.post.id)).slice(0, limit),
  };
}

/** Takes a post down for everyone (audited; a post already down keeps its first record); NOT_FOUND when there is no such post. */
export async function takeDownPost(store: Store, postId: string, options: { actor?: string; reason?: string; at: number }): Promise<Takedown> {
  const takedown: Takedown = { post: postId, at: options.at, ...(options.actor ? { actor: options.actor } : {}), ...(options.reason ? { reason: options.reason } : {}) };
  if (!(await store.takeDown(takedown))) throw createError('NOT_FOUND', { kind: 'post', id: postId });
  return takedown;
}
