/**
 * @module The slow, obviously-correct twin of a Store's `write(batch)`: plain Maps, one row at a time, copy on
 * write for all-or-nothing. The store contract suite (store-contract.ts) compares every backend (multi-row
 * statements, savepoints) against it on random batches.
 */
import { createError } from '../core/errors.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import type { WriteBatch, WriteResult } from './store.js';
import { eventIdConflict, sameEventFact } from './event-conflicts.js';

export interface RefState {
  users: Map<string, User>;
  posts: Map<string, Post>;
  /** Key `follower\u0000followee`. */
  follows: Map<string, Follow>;
  /** In arrival order. */
  events: Event[];
}

export function emptyRefState(): RefState {
  return { users: new Map(), posts: new Map(), follows: new Map(), events: [] };
}

function sameEvent(a: Event, b: Event): boolean {
  return JSON.stringify([a.user, a.type, a.post, a.target_user, a.value, a.text, a.timestamp]) ===
    JSON.stringify([b.user, b.type, b.post, b.target_user, b.value, b.text, b.timestamp]);
}

/** Applies a batch to a copy of `state`; returns the new state and summary, or throws (state untouched). */
export function writeBatchRef(state: RefState, batch: WriteBatch): { state: RefState; summary: WriteResult } {
  const s: RefState = { users: new Map(state.users), posts: new Map(state.posts), follows: new Map(state.follows), events: [...state.events] };
  const summary: WriteResult = { users: 0, posts: 0, follows: 0, unfollows: 0, events: 0, duplicateEvents: 0, insertedEventIds: [] };
  const events = batch.events ?? [];
  for (let i = 0; i < events.length; i++) {
    for (let j = 0; j < i; j++) {
      if (events[j]!.id === events[i]!.id && !sameEvent(events[j]!, events[i]!)) throw createError('DUPLICATE_ID', { kind: 'event', id: events[i]!.id });
    }
  }
  const needUser = (field: string, id: string | undefined): void => {
    if (id !== undefined && !s.users.has(id)) throw createError('UNKNOWN_REFERENCE', { field, kind: 'user', id });
  };
  const needPost = (field: string, id: string | undefined): void => {
    if (id !== undefined && !s.posts.has(id)) throw createError('UNKNOWN_REFERENCE', { field, kind: 'post', id });
  };
  for (const u of batch.users ?? []) {
    s.users.set(u.id, u);
    summary.users++;
  }
  (batch.posts ?? []).forEach((p, i) => {
    needUser(`posts[${i}].author`, p.author);
    const old = s.posts.get(p.id);
    if (old !== undefined && old.author !== p.author) {
      throw createError('POST_AUTHOR_IMMUTABLE', { field: `posts[${i}].author`, id: p.id, author: old.author, attempted: p.author });
    }
    s.posts.set(p.id, p);
    summary.posts++;
  });
  (batch.follows ?? []).forEach((f, i) => {
    needUser(`follows[${i}].follower`, f.follower);
    needUser(`follows[${i}].followee`, f.followee);
    const key = `${f.follower}\u0000${f.followee}`;
    const old = s.follows.get(key);
    s.follows.set(key, { ...f, ...(f.created_at === undefined && old?.created_at !== undefined ? { created_at: old.created_at } : {}) });
    summary.follows++;
  });
  for (const f of batch.unfollows ?? []) if (s.follows.delete(`${f.follower}\u0000${f.followee}`)) summary.unfollows++;
  const stored = new Map(s.events.map((e) => [e.id, e]));
  const conflicts = [...new Set(events.filter((e) => stored.has(e.id) && !sameEventFact(stored.get(e.id)!, e)).map((e) => e.id))];
  const ids = new Set(stored.keys());
  events.forEach((e, i) => {
    // An id already stored is a retry of the same fact (checked above): ignored, its references not checked.
    if (ids.has(e.id)) summary.duplicateEvents++;
    else {
      needUser(`events[${i}].user`, e.user);
      needPost(`events[${i}].post`, e.post);
      needUser(`events[${i}].target_user`, e.target_user);
      ids.add(e.id);
      s.events.push(e);
      summary.events++;
      summary.insertedEventIds.push(e.id);
    }
  });
  // Unknown references of new events are named first (the stores check them before inserting).
  if (conflicts.length > 0) throw eventIdConflict(conflicts);
  return { state: s, summary };
}

/** Events as a Store scans them: ascending time, ties in arrival order. */
export function scanEventsRef(state: RefState): Event[] {
  return state.events.map((e, i) => [e, i] as const).sort((a, b) => a[0].timestamp - b[0].timestamp || a[1] - b[1]).map(([e]) => e);
}
