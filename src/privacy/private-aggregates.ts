/**
 * @module The raw material of the private releases, read from the store: who contributed to which hashtag or post
 * in a time window, and the dataset counts. Nothing here is private yet: `dp-count.ts` bounds and noises it.
 */
import type { Event } from '../data/schemas.js';
import type { Store } from '../storage/store.js';
import { tagName } from '../feed/trending.js';
import type { Contribution } from './contribution-bounding.js';

export const PRIVATE_TRENDING_KINDS = ['hashtags', 'posts'] as const;
export type PrivateTrendingKind = (typeof PRIVATE_TRENDING_KINDS)[number];

/** Events that do not count as engagement with a post: negative feedback and follows. */
const NOT_ENGAGEMENT = new Set<Event['type']>(['hide', 'report', 'follow', 'unfollow']);

/** Posts read per store call. */
const POST_CHUNK = 500;

export interface TimeWindow {
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly before: number;
}

type AggregateStore = Pick<Store, 'eventsBetween' | 'getPosts' | 'postsBetween' | 'counts'>;

/**
 * One contribution per engagement event in the window and key: the post itself (`posts`) or each of its tags
 * (`hashtags`, without '#'). Every event of the window is read: cutting the read at a number of rows would let one
 * user's events push others' out, which the sensitivity analysis does not allow for.
 */
export async function trendingContributions(store: AggregateStore, kind: PrivateTrendingKind, window: TimeWindow): Promise<Contribution[]> {
  const events = (await store.eventsBetween(window.since, window.before)).filter((e) => e.post !== undefined && !NOT_ENGAGEMENT.has(e.type));
  if (kind === 'posts') return events.map((e) => ({ user: e.user, key: e.post! }));
  const ids = [...new Set(events.map((e) => e.post!))];
  const tags = new Map<string, readonly string[]>();
  for (let i = 0; i < ids.length; i += POST_CHUNK) {
    for (const p of await store.getPosts(ids.slice(i, i + POST_CHUNK))) tags.set(p.id, [...new Set(p.tags.map(tagName))]);
  }
  const out: Contribution[] = [];
  for (const e of events) for (const tag of tags.get(e.post!) ?? []) out.push({ user: e.user, key: tag });
  return out;
}

export interface StatsCounts {
  /** Users in the store (one user adds 1). */
  readonly users: number;
  /** Posts written in the window, at most `cap` per author. */
  readonly posts: number;
  /** Events in the window, at most `cap` per user. */
  readonly events: number;
}

/** Sum over users of min(their count, cap). */
function cappedTotal(owners: Iterable<string>, cap: number): number {
  const per = new Map<string, number>();
  for (const u of owners) per.set(u, (per.get(u) ?? 0) + 1);
  let total = 0;
  for (const n of per.values()) total += Math.min(n, cap);
  return total;
}

/** The counts of the private stats, each user's part bounded: 1 user, ≤ cap posts, ≤ cap events. */
export async function statsCounts(store: AggregateStore, window: TimeWindow, cap: number): Promise<StatsCounts> {
  const { users } = await store.counts();
  const posts = await store.postsBetween(window.since, window.before);
  const events = await store.eventsBetween(window.since, window.before);
  return { users, posts: cappedTotal(posts.map((p) => p.author), cap), events: cappedTotal(events.map((e) => e.user), cap) };
}
