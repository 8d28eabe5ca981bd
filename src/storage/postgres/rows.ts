/**
 * @module Rows of the PostgreSQL tables and their domain objects: column lists, and the mapping from what the
 * driver returns (float8 as number, jsonb parsed, text[] as string[]) to `User`, `Post`, `Follow`, `Event`.
 * Absent optional fields stay absent (NULL ↔ undefined), as in the SQLite store.
 */
import type { EventType } from '../../core/config.js';
import type { Event, Follow, Post, User } from '../../data/schemas.js';

export interface UserRow { id: string; name: string | null; created_at: number | null; features: User['features'] | null; personalization: number | null; languages: string[] | null }
export interface PostRow {
  id: string; author: string; text: string; created_at: number; tags: string[];
  reply_to: string | null; lang: string | null; features: Post['features'] | null;
}
export interface FollowRow { follower: string; followee: string; created_at: number | null }
export interface EventRow {
  id: string; user_id: string; type: string; post_id: string | null; target_user_id: string | null;
  value: number | null; text: string | null; ts: number; request_id: string | null;
}

export const USER_COLUMNS = 'id, name, created_at, features, personalization, languages';
export const POST_COLUMNS = 'p.id, p.author, p.text, p.created_at, p.tags, p.reply_to, p.lang, p.features';
export const FOLLOW_COLUMNS = 'follower, followee, created_at';
export const EVENT_COLUMNS = 'id, user_id, type, post_id, target_user_id, value, text, ts, request_id';

export function toUser(r: UserRow): User {
  const u: User = { id: r.id };
  if (r.name !== null) u.name = r.name;
  if (r.created_at !== null) u.created_at = r.created_at;
  if (r.features !== null) u.features = r.features;
  if (r.personalization !== null) u.personalization = r.personalization !== 0;
  if (r.languages !== null) u.languages = r.languages;
  return u;
}

export function toPost(r: PostRow): Post {
  const p: Post = { id: r.id, author: r.author, text: r.text, created_at: r.created_at, tags: r.tags };
  if (r.reply_to !== null) p.reply_to = r.reply_to;
  if (r.lang !== null) p.lang = r.lang;
  if (r.features !== null) p.features = r.features;
  return p;
}

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

/** JSON text of a jsonb parameter, or null. */
export function jsonParam(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
