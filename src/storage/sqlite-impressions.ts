/**
 * @module The impression log on SQLite: bulk appends (idempotent per request id and position), a time-ordered
 * scan for off-policy evaluation, and the request-id lookup that joins feedback events to what was served.
 */
import type Database from 'better-sqlite3';
import type { Impression } from '../data/impressions.js';
import type { ImpressionQuery } from './store.js';

const COLUMNS = 'request_id, position, user_id, post_id, source, score, policy, arm, propensity, experiment, at';
const ROWS_PER_STATEMENT = 50;
const PARAMS = 11;
const SCAN_PAGE = 5_000;

type Tuple = [string, number, string, string, string, number, string, string | null, number, string | null, number];

function placeholders(rows: number): string {
  const row = `(${Array.from({ length: PARAMS }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

function put(params: unknown[], at: number, r: Impression): void {
  params[at] = r.requestId;
  params[at + 1] = r.position;
  params[at + 2] = r.userId;
  params[at + 3] = r.postId;
  params[at + 4] = r.source;
  params[at + 5] = r.score;
  params[at + 6] = r.policy;
  params[at + 7] = r.arm ?? null;
  params[at + 8] = r.propensity;
  params[at + 9] = r.experiment ?? null;
  params[at + 10] = r.at;
}

function toImpression(t: Tuple): Impression {
  const row: Impression = { requestId: t[0], position: t[1], userId: t[2], postId: t[3], source: t[4], score: t[5], policy: t[6], propensity: t[8], at: t[10] };
  if (t[7] !== null) row.arm = t[7];
  if (t[9] !== null) row.experiment = t[9];
  return row;
}

/** Inserts the rows (the caller holds the write transaction); returns how many were new. */
export function insertImpressions(db: Database.Database, rows: readonly Impression[]): number {
  const multi = db.prepare(`INSERT OR IGNORE INTO impressions (${COLUMNS}) VALUES ${placeholders(ROWS_PER_STATEMENT)}`);
  const single = db.prepare(`INSERT OR IGNORE INTO impressions (${COLUMNS}) VALUES ${placeholders(1)}`);
  const params = new Array<unknown>(ROWS_PER_STATEMENT * PARAMS);
  let inserted = 0, start = 0;
  for (; start + ROWS_PER_STATEMENT <= rows.length; start += ROWS_PER_STATEMENT) {
    for (let k = 0; k < ROWS_PER_STATEMENT; k++) put(params, k * PARAMS, rows[start + k]!);
    inserted += multi.run(params).changes;
  }
  const one = new Array<unknown>(PARAMS);
  for (; start < rows.length; start++) {
    put(one, 0, rows[start]!);
    inserted += single.run(one).changes;
  }
  return inserted;
}

/** Impressions in ascending (at, request id, position) order, a page at a time. */
export async function* scanImpressions(db: Database.Database, query: ImpressionQuery = {}): AsyncIterable<Impression> {
  const page = db
    .prepare(
      `SELECT ${COLUMNS} FROM impressions WHERE (at, request_id, position) > (?, ?, ?) AND at < ?
       ${query.userId === undefined ? '' : 'AND user_id = ?'} ORDER BY at, request_id, position LIMIT ?`,
    )
    .raw(true);
  // (since, '', -1) sorts before every row at `since`: the first page starts at it, inclusive.
  let key: [number, string, number] = [query.since ?? -Infinity, '', -1];
  const before = query.before ?? Infinity;
  while (true) {
    const params: unknown[] = [...key, before];
    if (query.userId !== undefined) params.push(query.userId);
    params.push(SCAN_PAGE);
    const rows = page.all(...params) as Tuple[];
    for (const t of rows) yield toImpression(t);
    if (rows.length < SCAN_PAGE) return;
    const last = rows[rows.length - 1]!;
    key = [last[10], last[0], last[1]];
  }
}

/** Which of these request ids have at least one stored impression. */
export function knownRequestIds(db: Database.Database, ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const found = db
    .prepare('SELECT DISTINCT i.request_id FROM json_each(?) j JOIN impressions i ON i.request_id = j.value')
    .pluck()
    .all(JSON.stringify(ids)) as string[];
  return new Set(found);
}
