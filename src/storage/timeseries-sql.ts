/**
 * @module The SQL of `Store.timeseries`, `timeRange` and `postEventCounts` for both backends. A bucket is
 * `floor(time / bucketMs)` (times are ≥ 0, so SQLite's integer cast is the floor); empty buckets are not returned.
 * Impressions are counted per served item, not per page: a page row's packed items are expanded (a `null` item is
 * an erased post and does not count).
 */
import { ENGAGEMENT_EVENT_TYPES, type TimeseriesMetric } from './store.js';

const ENGAGED = ENGAGEMENT_EVENT_TYPES.map((t) => `'${t}'`).join(', ');

/** SQLite statements, named parameters `@bucket`, `@since`, `@before`; rows `{ b, v }`. */
export const SQLITE_SERIES: Record<TimeseriesMetric, string> = {
  events: 'SELECT CAST(ts / @bucket AS INTEGER) AS b, count(*) AS v FROM events WHERE ts >= @since AND ts < @before GROUP BY b ORDER BY b',
  active_users: 'SELECT CAST(ts / @bucket AS INTEGER) AS b, count(DISTINCT user_id) AS v FROM events WHERE ts >= @since AND ts < @before GROUP BY b ORDER BY b',
  engagement: `SELECT CAST(ts / @bucket AS INTEGER) AS b, count(*) AS v FROM events WHERE ts >= @since AND ts < @before AND type IN (${ENGAGED}) GROUP BY b ORDER BY b`,
  impressions: `SELECT CAST(i.at / @bucket AS INTEGER) AS b, count(*) AS v FROM impressions i, json_each(i.items) e
    WHERE i.at >= @since AND i.at < @before AND e.type <> 'null' GROUP BY b ORDER BY b`,
};

/** PostgreSQL statements, parameters `$1` bucket, `$2` since, `$3` before; rows `{ b, v }`. */
export const POSTGRES_SERIES: Record<TimeseriesMetric, string> = {
  events: 'SELECT floor(ts / $1)::float8 AS b, count(*)::float8 AS v FROM events WHERE ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1',
  active_users: 'SELECT floor(ts / $1)::float8 AS b, count(DISTINCT user_id)::float8 AS v FROM events WHERE ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1',
  engagement: `SELECT floor(ts / $1)::float8 AS b, count(*)::float8 AS v FROM events WHERE ts >= $2 AND ts < $3 AND type IN (${ENGAGED}) GROUP BY 1 ORDER BY 1`,
  impressions: `SELECT floor(i.at / $1)::float8 AS b, count(*)::float8 AS v FROM impressions i CROSS JOIN LATERAL json_array_elements(i.items::json) e
    WHERE i.at >= $2 AND i.at < $3 AND json_typeof(e) <> 'null' GROUP BY 1 ORDER BY 1`,
};

/** min and max as two index look-ups (one query with both would scan the table on SQLite). */
export function timeRangeSql(source: 'events' | 'impressions'): string {
  const [table, column] = source === 'events' ? ['events', 'ts'] : ['impressions', 'at'];
  return `SELECT (SELECT min(${column}) FROM ${table}) AS first, (SELECT max(${column}) FROM ${table}) AS last`;
}

export const POST_EVENT_COUNTS_SQL = {
  sqlite: 'SELECT type, count(*) AS n FROM events WHERE post_id = ? GROUP BY type',
  postgres: 'SELECT type, count(*)::float8 AS n FROM events WHERE post_id = $1 GROUP BY type',
};
