/**
 * @module The impression log on PostgreSQL: the same page-per-row layout as SQLite (`impression-pages.ts`), one
 * `unnest` INSERT per flush, scans in logging order (`seq`), and erasure that deletes the user's pages and blanks
 * the erased posts in everyone else's.
 */
import type pg from 'pg';
import type { Impression, ServedPage } from '../../data/impressions.js';
import { countItems, packItems, pageItems, withoutPosts } from '../impression-pages.js';
import type { ImpressionQuery } from '../store.js';

const SCAN_PAGE = 2_000;

interface PageRow {
  seq: string;
  request_id: string;
  user_id: string;
  offset: number;
  experiment: string | null;
  at: number;
  items: string;
}

/** Inserts pages in one statement; returns how many items were new. */
export async function insertImpressions(db: pg.ClientBase | pg.Pool, pages: readonly ServedPage[]): Promise<number> {
  if (pages.length === 0) return 0;
  const r = await db.query<{ request_id: string }>(
    `INSERT INTO impressions (request_id, user_id, "offset", experiment, at, items)
     SELECT a, b, c, d, e, f FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::text[]) WITH ORDINALITY AS u(a, b, c, d, e, f, ord)
       ORDER BY ord
     ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
    [pages.map((p) => p.requestId), pages.map((p) => p.userId), pages.map((p) => p.offset), pages.map((p) => p.experiment ?? null), pages.map((p) => p.at), pages.map(packItems)],
  );
  const inserted = new Set(r.rows.map((x) => x.request_id));
  return pages.reduce((n, p) => n + (inserted.has(p.requestId) ? p.items.length : 0), 0);
}

/** The log's items in logging order, filtered by time and user, a page of rows at a time. */
export async function* scanImpressions(query: <R extends pg.QueryResultRow>(sql: string, params: unknown[]) => Promise<R[]>, q: ImpressionQuery = {}): AsyncIterable<Impression> {
  let after = '0';
  while (true) {
    const rows = await query<PageRow>(
      `SELECT seq, request_id, user_id, "offset", experiment, at, items FROM impressions
       WHERE seq > $1::bigint AND at >= $2 AND at < $3 AND ($4::text IS NULL OR user_id = $4) ORDER BY seq LIMIT $5`,
      [after, q.since ?? -Infinity, q.before ?? Infinity, q.userId ?? null, SCAN_PAGE],
    );
    for (const r of rows) {
      yield* pageItems({ requestId: r.request_id, userId: r.user_id, offset: r.offset, at: r.at, items: r.items, ...(r.experiment === null ? {} : { experiment: r.experiment }) });
    }
    if (rows.length < SCAN_PAGE) return;
    after = rows[rows.length - 1]!.seq;
  }
}

/** Erasure inside the caller's transaction; returns how many impressions (items) went. */
export async function eraseImpressions(db: pg.ClientBase, userId: string, postIds: readonly string[]): Promise<number> {
  const own = await db.query<{ items: string }>('DELETE FROM impressions WHERE user_id = $1 RETURNING items', [userId]);
  let removed = own.rows.reduce((n, r) => n + countItems(r.items), 0);
  if (postIds.length === 0) return removed;
  // Only pages that mention one of the posts (a JSON string match) are parsed; FOR UPDATE keeps them until commit.
  const candidates = await db.query<{ seq: string; items: string }>(
    'SELECT seq, items FROM impressions WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) q WHERE strpos(items, q) > 0) FOR UPDATE',
    [postIds.map((id) => JSON.stringify(id))],
  );
  const gone = new Set(postIds);
  for (const c of candidates.rows) {
    const { items, removed: n, left } = withoutPosts(c.items, gone);
    if (n === 0) continue;
    removed += n;
    if (left === 0) await db.query('DELETE FROM impressions WHERE seq = $1::bigint', [c.seq]);
    else await db.query('UPDATE impressions SET items = $1 WHERE seq = $2::bigint', [items, c.seq]);
  }
  return removed;
}
