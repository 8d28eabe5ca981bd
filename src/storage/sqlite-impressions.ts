/**
 * @module The impression log on SQLite. A row per served page (request id, user, offset, time, and its items as
 * a JSON array): logging a page is one insert, not one per item, which keeps it off the feed's cost. Reads give
 * back one `Impression` per item. Scans follow insertion order (the order pages were logged), which is time
 * order within one process; the `since` / `before` / user filters read the whole table (off-line reads only).
 */
import type Database from 'better-sqlite3';
import type { Impression, ServedPage } from '../data/impressions.js';
import type { ImpressionQuery } from './store.js';
import { countItems, packItems, pageItems, withoutPosts, type PackedPage } from './impression-pages.js';

const SCAN_PAGE = 2_000;

interface PageRow {
  rowid: number;
  request_id: string;
  user_id: string;
  offset: number;
  experiment: string | null;
  at: number;
  items: string;
}

/** Inserts pages (the caller holds the write transaction); returns how many items were new. */
export function insertImpressions(db: Database.Database, pages: readonly ServedPage[]): number {
  const insert = db.prepare('INSERT OR IGNORE INTO impressions (request_id, user_id, offset, experiment, at, items) VALUES (?, ?, ?, ?, ?, ?)');
  let inserted = 0;
  for (const p of pages) {
    if (insert.run(p.requestId, p.userId, p.offset, p.experiment ?? null, p.at, packItems(p)).changes > 0) inserted += p.items.length;
  }
  return inserted;
}

function toPage(r: PageRow): PackedPage {
  return { requestId: r.request_id, userId: r.user_id, offset: r.offset, at: r.at, items: r.items, ...(r.experiment === null ? {} : { experiment: r.experiment }) };
}

/** The log's items in the order their pages were logged, filtered by time and user. */
export async function* scanImpressions(db: Database.Database, query: ImpressionQuery = {}): AsyncIterable<Impression> {
  const page = db.prepare(
    `SELECT rowid, request_id, user_id, offset, experiment, at, items FROM impressions
     WHERE rowid > ? AND at >= ? AND at < ? ${query.userId === undefined ? '' : 'AND user_id = ?'} ORDER BY rowid LIMIT ?`,
  );
  let after = 0;
  while (true) {
    const params: unknown[] = [after, query.since ?? -Infinity, query.before ?? Infinity];
    if (query.userId !== undefined) params.push(query.userId);
    params.push(SCAN_PAGE);
    const rows = page.all(...params) as PageRow[];
    for (const r of rows) yield* pageItems(toPage(r));
    if (rows.length < SCAN_PAGE) return;
    after = rows[rows.length - 1]!.rowid;
  }
}

/** Which of these request ids were logged. */
export function knownRequestIds(db: Database.Database, ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const found = db.prepare('SELECT i.request_id FROM json_each(?) j JOIN impressions i ON i.request_id = j.value').pluck().all(JSON.stringify(ids)) as string[];
  return new Set(found);
}

/**
 * Erasure: deletes the pages served to the user, and removes the erased posts from every other page (their
 * slots are blanked so the other items keep their positions; a page left empty is deleted). Returns how many
 * impressions (items) went.
 */
export function eraseImpressions(db: Database.Database, userId: string, postIds: readonly string[]): number {
  let removed = 0;
  for (const items of db.prepare('SELECT items FROM impressions WHERE user_id = ?').pluck().all(userId) as string[]) removed += countItems(items);
  db.prepare('DELETE FROM impressions WHERE user_id = ?').run(userId);
  if (postIds.length === 0) return removed;
  const gone = new Set(postIds);
  const update = db.prepare('UPDATE impressions SET items = ? WHERE rowid = ?');
  const drop = db.prepare('DELETE FROM impressions WHERE rowid = ?');
  // Only pages that mention one of the posts (a JSON string match) are parsed.
  const candidates = db
    .prepare(`SELECT rowid, items FROM impressions WHERE EXISTS (SELECT 1 FROM json_each(?) j WHERE instr(impressions.items, json_quote(j.value)) > 0)`)
    .all(JSON.stringify(postIds)) as { rowid: number; items: string }[];
  for (const c of candidates) {
    const { items, removed: n, left } = withoutPosts(c.items, gone);
    if (n === 0) continue;
    removed += n;
    if (left === 0) drop.run(c.rowid);
    else update.run(items, c.rowid);
  }
  return removed;
}
