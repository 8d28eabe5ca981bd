/**
 * @module The Store reads of one ranking about its user, made once and shared by the exclusions and the
 * sources: the user's events (newest first, up to the snapshot time) and whom they follow. Without it the
 * exclusions, the in-network source and the fresh source each read them again.
 */
import type { Event } from '../data/schemas.js';
import type { Store } from '../storage/store.js';

/**
 * Most recent events read per user: bounds the cost of one page for very active users; older history still
 * comes from the dataset snapshot.
 */
export const MAX_USER_EVENTS = 10_000;

export interface UserReads {
  /** The user's events at or before the snapshot time, newest first, at most MAX_USER_EVENTS. */
  events(): Promise<Event[]>;
  /** Whom the user follows. */
  following(): Promise<string[]>;
}

/** Reads of `userId` as of `asOf`, each made at the first call. */
export function userReads(store: Store, userId: string, asOf: number): UserReads {
  let events: Promise<Event[]> | undefined, following: Promise<string[]> | undefined;
  return {
    events: () => (events ??= store.userEvents(userId, { before: asOf + 1, limit: MAX_USER_EVENTS })),
    following: () => (following ??= store.following(userId)),
  };
}

/**
 * The newest `limit` events at or after `since` of a list sorted newest first: the same as asking the Store for
 * them when the list holds every event since `since` or at least `limit` of them (events are sorted by time).
 */
export function eventsSince(events: readonly Event[], since: number, limit: number): Event[] {
  const out: Event[] = [];
  for (const e of events) {
    if (e.timestamp < since || out.length >= limit) break;
    out.push(e);
  }
  return out;
}
