/**
 * @module One write batch on PostgreSQL, inside a transaction the caller opened: checks first, then one multi-row
 * statement per table.
 *
 * The SQLite store applies a batch row by row, so its errors name the first bad row in the order users, posts,
 * follows, events. Here every reference and author is checked in JavaScript against one look-up (the users and
 * posts the batch names) before anything is written, in that same order, so the same row is named. Then each
 * table gets one statement whose rows come from `unnest` of array parameters (a batch of 1,000 events is one
 * INSERT of 8 arrays, not 1,000 round trips). Upserts can touch a row once per statement, so repeats within a
 * batch are folded first into what sequential upserts would leave (the last user or post row; for a follow, the
 * last time given), and rows are sorted by key so concurrent batches lock rows in the same order (no deadlocks
 * between upserts).
 */
import { indexedText } from '../search-terms.js';
import type pg from 'pg';
import { createError } from '../../core/errors.js';
import type { Event, Follow, Post, User } from '../../data/schemas.js';
import type { WriteBatch, WriteResult, WriteSummary } from '../store.js';
import { conflictingEventIds, eventIdConflict } from '../event-conflicts.js';
import { EVENT_COLUMNS, jsonParam } from './rows.js';
import { toEvent, type EventRow } from '../row-mappers.js';

/** Rows per events INSERT: bounds one statement's message size on very large batches (imports). */
const EVENT_ROWS_PER_STATEMENT = 10_000;

export async function applyBatch(db: pg.ClientBase, batch: WriteBatch, withIds: true): Promise<WriteResult>;
export async function applyBatch(db: pg.ClientBase, batch: WriteBatch, withIds: boolean): Promise<WriteSummary>;
export async function applyBatch(db: pg.ClientBase, batch: WriteBatch, withIds: boolean): Promise<WriteSummary> {
  const users = batch.users ?? [], posts = batch.posts ?? [], follows = batch.follows ?? [];
  const unfollows = batch.unfollows ?? [], events = batch.events ?? [];
  const uniqueEvents = firstOccurrences(events);

  const stored = await lookUp(db, batch);
  const knownUser = (id: string): boolean => stored.users.has(id);
  const postOwner = new Map(stored.postAuthors);
  for (const u of users) stored.users.add(u.id);

  posts.forEach((p, i) => {
    if (!knownUser(p.author)) throw createError('UNKNOWN_REFERENCE', { field: `posts[${i}].author`, kind: 'user', id: p.author });
    const owner = postOwner.get(p.id);
    if (owner === undefined) postOwner.set(p.id, p.author);
    else if (owner !== p.author) throw createError('POST_AUTHOR_IMMUTABLE', { field: `posts[${i}].author`, id: p.id, author: owner, attempted: p.author });
  });
  follows.forEach((f, i) => {
    if (!knownUser(f.follower)) throw createError('UNKNOWN_REFERENCE', { field: `follows[${i}].follower`, kind: 'user', id: f.follower });
    if (!knownUser(f.followee)) throw createError('UNKNOWN_REFERENCE', { field: `follows[${i}].followee`, kind: 'user', id: f.followee });
  });
  await checkEventReferences(db, events, knownUser, (id) => postOwner.has(id));

  const summary: WriteSummary = { users: users.length, posts: posts.length, follows: follows.length, unfollows: 0, events: 0, duplicateEvents: 0 };
  await upsertUsers(db, users);
  await upsertPosts(db, posts);
  await upsertFollows(db, follows);
  summary.unfollows = await deleteFollows(db, unfollows);
  const inserted = await insertEvents(db, uniqueEvents, withIds);
  // Fewer new rows than distinct ids: some were stored already, and each must state the same fact (a retry).
  if (inserted.count < uniqueEvents.length) await checkEventRetries(db, uniqueEvents);
  summary.events = inserted.count;
  summary.duplicateEvents = events.length - inserted.count;
  await applyDeletesAndState(db, batch, summary);
  if (!withIds) return summary;
  // RETURNING gives no order: restore the batch's.
  const insertedEventIds = uniqueEvents.filter((e) => inserted.ids.has(e.id)).map((e) => e.id);
  const result: WriteResult = { ...summary, insertedEventIds };
  return result;
}

/** Retracted events, deleted posts (with every event on them) and ingest state, after the batch's rows. */
async function applyDeletesAndState(db: pg.ClientBase, batch: WriteBatch, summary: WriteSummary): Promise<void> {
  if (batch.deleteEvents && batch.deleteEvents.length > 0) {
    summary.deletedEvents = (await db.query('DELETE FROM events WHERE id = ANY($1::text[])', [batch.deleteEvents])).rowCount ?? 0;
  }
  if (batch.deletePosts && batch.deletePosts.length > 0) {
    await db.query(
      `INSERT INTO deleted_posts (id, author, deleted_at) SELECT id, author, $2 FROM posts WHERE id = ANY($1::text[])
       ON CONFLICT (id) DO UPDATE SET author = excluded.author, deleted_at = excluded.deleted_at`,
      [batch.deletePosts, Date.now()],
    );
    await db.query('DELETE FROM events WHERE post_id = ANY($1::text[])', [batch.deletePosts]);
    summary.deletedPosts = (await db.query('DELETE FROM posts WHERE id = ANY($1::text[])', [batch.deletePosts])).rowCount ?? 0;
  }
  if (batch.state && batch.state.length > 0) {
    // The last entry of a key wins, as if they were applied in order.
    const last = new Map(batch.state.map((e) => [e.key, e.value]));
    const put = [...last].filter(([, v]) => v !== null) as [string, string][];
    const del = [...last].filter(([, v]) => v === null).map(([k]) => k);
    if (del.length > 0) await db.query('DELETE FROM ingest_state WHERE key = ANY($1::text[])', [del]);
    if (put.length > 0) {
      await db.query(
        'INSERT INTO ingest_state (key, value) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [put.map(([k]) => k), put.map(([, v]) => v)],
      );
    }
  }
}

/** Each event id once, at its first place; the same id with other content is DUPLICATE_ID. */
function firstOccurrences(events: readonly Event[]): Event[] {
  const firstOf = new Map<string, Event>();
  const out: Event[] = [];
  for (const e of events) {
    const seen = firstOf.get(e.id);
    if (seen === undefined) {
      firstOf.set(e.id, e);
      out.push(e);
    } else if (!sameEvent(seen, e)) throw createError('DUPLICATE_ID', { kind: 'event', id: e.id });
  }
  return out;
}

/** The stored users and posts (with their authors) among those the batch names. */
async function lookUp(db: pg.ClientBase, batch: WriteBatch): Promise<{ users: Set<string>; postAuthors: Map<string, string> }> {
  const userIds = new Set<string>();
  const postIds = new Set<string>();
  for (const p of batch.posts ?? []) {
    userIds.add(p.author);
    postIds.add(p.id);
  }
  for (const f of batch.follows ?? []) userIds.add(f.follower).add(f.followee);
  for (const e of batch.events ?? []) {
    userIds.add(e.user);
    if (e.target_user !== undefined) userIds.add(e.target_user);
    if (e.post !== undefined) postIds.add(e.post);
  }
  for (const u of batch.users ?? []) userIds.delete(u.id);
  const users = new Set<string>();
  const postAuthors = new Map<string, string>();
  if (userIds.size === 0 && postIds.size === 0) return { users, postAuthors };
  // One round trip for both tables: author is NULL for a user row.
  const r = await db.query<{ id: string; author: string | null }>(
    `SELECT id, NULL::text AS author FROM users WHERE id = ANY($1::text[])
     UNION ALL SELECT id, author FROM posts WHERE id = ANY($2::text[])`,
    [[...userIds], [...postIds]],
  );
  for (const row of r.rows) {
    if (row.author === null) users.add(row.id);
    else postAuthors.set(row.id, row.author);
  }
  return { users, postAuthors };
}

/**
 * An event's user, post and target user must exist, unless its id is already stored (a retry, compared with the
 * stored event after the insert), so only the failing path asks which ids are stored.
 */
async function checkEventReferences(db: pg.ClientBase, events: readonly Event[], knownUser: (id: string) => boolean, knownPost: (id: string) => boolean): Promise<void> {
  const missing: { i: number; field: string; kind: 'user' | 'post'; id: string; event: string }[] = [];
  events.forEach((e, i) => {
    const m =
      !knownUser(e.user) ? ['user', 'user', e.user] as const
      : e.post !== undefined && !knownPost(e.post) ? ['post', 'post', e.post] as const
      : e.target_user !== undefined && !knownUser(e.target_user) ? ['target_user', 'user', e.target_user] as const
      : undefined;
    if (m !== undefined) missing.push({ i, field: m[0], kind: m[1], id: m[2], event: e.id });
  });
  if (missing.length === 0) return;
  const r = await db.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1::text[])', [missing.map((m) => m.event)]);
  const storedEvents = new Set(r.rows.map((row) => row.id));
  const bad = missing.find((m) => !storedEvents.has(m.event));
  if (bad !== undefined) throw createError('UNKNOWN_REFERENCE', { field: `events[${bad.i}].${bad.field}`, kind: bad.kind, id: bad.id });
}

/** Throws EVENT_ID_CONFLICT when a stored event with one of these ids states another fact. */
async function checkEventRetries(db: pg.ClientBase, events: readonly Event[]): Promise<void> {
  const r = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ANY($1::text[])`, [events.map((e) => e.id)]);
  const conflicts = conflictingEventIds(events, r.rows.map(toEvent));
  if (conflicts.length > 0) throw eventIdConflict(conflicts);
}

/** The last row of each key, sorted by key. */
function lastByKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const last = new Map<string, T>();
  for (const r of rows) last.set(key(r), r);
  return [...last.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, r]) => r);
}

async function upsertUsers(db: pg.ClientBase, rows: readonly User[]): Promise<void> {
  if (rows.length === 0) return;
  const users = lastByKey(rows, (u) => u.id);
  const ids = users.map((u) => u.id);
  await db.query(
    `INSERT INTO users (id, name, created_at, features, personalization, languages, smart_replies)
     SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::jsonb[], $5::smallint[], $6::jsonb[], $7::smallint[])
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at, features = excluded.features,
       personalization = excluded.personalization, languages = excluded.languages, smart_replies = excluded.smart_replies`,
    [
      ids, users.map((u) => u.name ?? null), users.map((u) => u.created_at ?? null), users.map((u) => jsonParam(u.features)),
      users.map((u) => (u.personalization === undefined ? null : Number(u.personalization))), users.map((u) => jsonParam(u.languages)),
      users.map((u) => (u.smartReplies === undefined ? null : Number(u.smartReplies))),
    ],
  );
  // Writing an erased id creates a new user: it is no longer erased.
  await db.query('DELETE FROM erased_users WHERE id = ANY($1::text[])', [ids]);
}

/**
 * The update applies only when the author is the same; the checks before made sure it is, so a row left out of
 * RETURNING means another transaction created the post with another author meanwhile.
 */
async function upsertPosts(db: pg.ClientBase, rows: readonly Post[]): Promise<void> {
  if (rows.length === 0) return;
  const posts = lastByKey(rows, (p) => p.id);
  const r = await db.query<{ id: string }>(
    `INSERT INTO posts (id, author, text, created_at, tags, reply_to, lang, features, search_text, mentions)
     SELECT u.id, u.author, u.text, u.created_at, ARRAY(SELECT jsonb_array_elements_text(u.tags)), u.reply_to, u.lang, u.features, u.search_text,
       CASE WHEN u.mentions IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.mentions)) END
     FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::jsonb[], $6::text[], $7::text[], $8::jsonb[], $9::text[], $10::jsonb[])
       AS u(id, author, text, created_at, tags, reply_to, lang, features, search_text, mentions)
     ON CONFLICT (id) DO UPDATE SET text = excluded.text, created_at = excluded.created_at, tags = excluded.tags,
       reply_to = excluded.reply_to, lang = excluded.lang, features = excluded.features, search_text = excluded.search_text,
       mentions = excluded.mentions
     WHERE posts.author = excluded.author
     RETURNING id`,
    [
      posts.map((p) => p.id), posts.map((p) => p.author), posts.map((p) => p.text ?? ''), posts.map((p) => p.created_at),
      posts.map((p) => JSON.stringify(p.tags ?? [])), posts.map((p) => p.reply_to ?? null), posts.map((p) => p.lang ?? null), posts.map((p) => jsonParam(p.features)),
      posts.map((p) => indexedText(p.text ?? '')), posts.map((p) => (p.mentions && p.mentions.length > 0 ? JSON.stringify(p.mentions) : null)),
    ],
  );
  // A post written again is no longer deleted.
  if (r.rows.length > 0) await db.query('DELETE FROM deleted_posts WHERE id = ANY($1::text[])', [r.rows.map((row) => row.id)]);
  if (r.rows.length === posts.length) return;
  const written = new Set(r.rows.map((row) => row.id));
  const refused = posts.find((p) => !written.has(p.id))!;
  const owner = await db.query<{ author: string }>('SELECT author FROM posts WHERE id = $1', [refused.id]);
  const i = rows.findIndex((p) => p.id === refused.id);
  throw createError('POST_AUTHOR_IMMUTABLE', { field: `posts[${i}].author`, id: refused.id, author: owner.rows[0]?.author ?? '?', attempted: refused.author });
}

/** A follow written twice keeps the last time given (an absent time keeps the stored one). */
async function upsertFollows(db: pg.ClientBase, rows: readonly Follow[]): Promise<void> {
  if (rows.length === 0) return;
  const merged = new Map<string, Follow>();
  for (const f of rows) {
    const k = `${f.follower}\u0000${f.followee}`;
    const prev = merged.get(k);
    merged.set(k, { ...f, created_at: f.created_at ?? prev?.created_at });
  }
  const follows = lastByKey([...merged.values()], (f) => `${f.follower}\u0000${f.followee}`);
  await db.query(
    `INSERT INTO follows (follower, followee, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])
     ON CONFLICT (follower, followee) DO UPDATE SET created_at = coalesce(excluded.created_at, follows.created_at)`,
    [follows.map((f) => f.follower), follows.map((f) => f.followee), follows.map((f) => f.created_at ?? null)],
  );
}

async function deleteFollows(db: pg.ClientBase, rows: readonly Pick<Follow, 'follower' | 'followee'>[]): Promise<number> {
  if (rows.length === 0) return 0;
  const r = await db.query(
    'DELETE FROM follows f USING unnest($1::text[], $2::text[]) AS u(follower, followee) WHERE f.follower = u.follower AND f.followee = u.followee',
    [rows.map((f) => f.follower), rows.map((f) => f.followee)],
  );
  return r.rowCount ?? 0;
}

/** INSERT … ON CONFLICT DO NOTHING in batch order (so `seq`, the tie-break of equal times, follows arrival). */
async function insertEvents(db: pg.ClientBase, events: readonly Event[], withIds: boolean): Promise<{ count: number; ids: Set<string> }> {
  const ids = new Set<string>();
  let count = 0;
  for (let start = 0; start < events.length; start += EVENT_ROWS_PER_STATEMENT) {
    const chunk = events.slice(start, start + EVENT_ROWS_PER_STATEMENT);
    const r = await db.query<{ id: string }>(
      `INSERT INTO events (id, user_id, type, post_id, target_user_id, value, text, ts, request_id)
       SELECT u.id, u.user_id, u.type, u.post_id, u.target_user_id, u.value, u.text, u.ts, u.request_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::float8[], $9::text[])
         WITH ORDINALITY AS u(id, user_id, type, post_id, target_user_id, value, text, ts, request_id, ord)
       ORDER BY u.ord
       ON CONFLICT (id) DO NOTHING${withIds ? ' RETURNING id' : ''}`,
      [
        chunk.map((e) => e.id), chunk.map((e) => e.user), chunk.map((e) => e.type), chunk.map((e) => e.post ?? null),
        chunk.map((e) => e.target_user ?? null), chunk.map((e) => e.value ?? null), chunk.map((e) => e.text ?? null), chunk.map((e) => e.timestamp),
        chunk.map((e) => e.request_id ?? null),
      ],
    );
    count += r.rowCount ?? 0;
    if (withIds) for (const row of r.rows) ids.add(row.id);
  }
  return { count, ids };
}

function sameEvent(a: Event, b: Event): boolean {
  return (
    a.user === b.user && a.type === b.type && a.post === b.post && a.target_user === b.target_user &&
    a.value === b.value && a.text === b.text && a.timestamp === b.timestamp && (a.request_id ?? null) === (b.request_id ?? null)
  );
}
