/**
 * @module Row → record mappers shared by the SQLite and PostgreSQL stores, for the tables whose columns read the
 * same on both (follows, events, takedowns); users and posts differ (JSON text against jsonb) and stay with each store.
 */
import type { Event, EventType, Follow } from '../data/schemas.js';
import type { Takedown } from './store.js';

export interface FollowRow { follower: string; followee: string; created_at: number | null }
export interface EventRow {
  id: string; user_id: string; type: string; post_id: string | null; target_user_id: string | null;
  value: number | null; text: string | null; ts: number; request_id: string | null;
}
export interface TakedownRow { post_id: string; at: number; actor: string | null; reason: string | null }

export function toFollow(r: FollowRow): Follow {
  const f: Follow = { follower: r.follower, followee: r.followee };
  if (r.created_at !== null) f.created_at = r.created_at;
  return f;
}

export function toEvent(r: EventRow): Event {
  const e: Event = { id: r.id, user: r.user_id, type: r.type as EventType, timestamp: r.ts };
  if (r.post_id !== null) e.post = r.post_id;
  if (r.target_user_id !== null) e.target_user = r.target_user_id;
  if (r.value !== null) e.value = r.value;
  if (r.text !== null) e.text = r.text;
  if (r.request_id !== null) e.request_id = r.request_id;
  return e;
}

export function toTakedown(r: TakedownRow): Takedown {
  return { post: r.post_id, at: r.at, ...(r.actor !== null ? { actor: r.actor } : {}), ...(r.reason !== null ? { reason: r.reason } : {}) };
}
