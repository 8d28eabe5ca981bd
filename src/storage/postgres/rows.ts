/**
 * @module Rows of the PostgreSQL tables and their domain objects: column lists, and the mapping from what the
 * driver returns (float8 as number, jsonb parsed, text[] as string[]) to `User`, `Post`, `Follow`, `Event`.
 * Absent optional fields stay absent (NULL ↔ undefined), as in the SQLite store.
 */
import type { Post, User } from '../../data/schemas.js';

export interface UserRow { id: string; name: string | null; created_at: number | null; features: User['features'] | null; personalization: number | null; languages: string[] | null; smart_replies: number | null }
export interface PostRow {
  id: string; author: string; text: string; created_at: number; tags: string[];
  reply_to: string | null; lang: string | null; features: Post['features'] | null; mentions: string[] | null;
}

export const USER_COLUMNS = 'id, name, created_at, features, personalization, languages, smart_replies';
export const POST_COLUMNS = 'p.id, p.author, p.text, p.created_at, p.tags, p.reply_to, p.lang, p.features, p.mentions';
export const FOLLOW_COLUMNS = 'follower, followee, created_at';
export const EVENT_COLUMNS = 'id, user_id, type, post_id, target_user_id, value, text, ts, request_id';

export function toUser(r: UserRow): User {
  const u: User = { id: r.id };
  if (r.name !== null) u.name = r.name;
  if (r.created_at !== null) u.created_at = r.created_at;
  if (r.features !== null) u.features = r.features;
  if (r.personalization !== null) u.personalization = r.personalization !== 0;
  if (r.languages !== null) u.languages = r.languages;
  if (r.smart_replies !== null) u.smartReplies = r.smart_replies !== 0;
  return u;
}

export function toPost(r: PostRow): Post {
  const p: Post = { id: r.id, author: r.author, text: r.text, created_at: r.created_at, tags: r.tags };
  if (r.reply_to !== null) p.reply_to = r.reply_to;
  if (r.lang !== null) p.lang = r.lang;
  if (r.features !== null) p.features = r.features;
  if (r.mentions !== null) p.mentions = r.mentions;
  return p;
}


/** JSON text of a jsonb parameter, or null. */
export function jsonParam(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}
