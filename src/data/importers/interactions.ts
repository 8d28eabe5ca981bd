/**
 * @module The `interactions` importer: user–item rows (CSV, TSV, `::`, `|`, whitespace or JSONL) as events.
 *
 * Columns are `user,item[,value][,timestamp]` by position, or by name when a header names them. Each row becomes
 * an event `${file name}:${line}` of type `rating` when it has a value, else `like`. Users and items the store
 * does not know are created: users with just an id, items as posts with empty text by the `__catalog__` author,
 * created at the time of their first interaction. Timestamps may be seconds, milliseconds or ISO-8601
 * (numbers below 1e11 are seconds: 1e11 ms is March 1973, 1e11 s is the year 5138); with no timestamp column
 * the line number stands in, so line order is time order.
 */
import { basename, extname } from 'node:path';
import { fileSize, readLines } from './line-reader.js';
import { runImport, type ImportSink, type RowOrigin } from './import-sink.js';
import { CATALOG_AUTHOR, type ImportOptions, type ImportReport, type ImportTarget } from './types.js';

/** Numbers below this are epoch seconds, at or above it epoch milliseconds. */
const SECONDS_BELOW = 1e11;

const NAMES = {
  user: ['user', 'user_id', 'userid', 'uid', 'u', 'username', 'user_name', 'customer_id', 'reviewer_id', 'reviewerid', 'visitorid'],
  item: ['item', 'item_id', 'itemid', 'iid', 'i', 'post', 'post_id', 'postid', 'movie', 'movie_id', 'movieid', 'artist', 'artist_id', 'artistid', 'product', 'product_id', 'asin', 'track', 'track_id'],
  value: ['value', 'rating', 'score', 'weight', 'plays', 'count', 'playcount', 'play_count'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'created_at', 'unix_time', 'unixtime', 'unix_timestamp'],
} as const;
type Column = keyof typeof NAMES;
type ColumnMap = Partial<Record<Column, number>>;
const KNOWN_NAMES = new Set<string>(Object.values(NAMES).flat());

/** Delimiters tried in this order on the first row; `' '` stands for any run of whitespace. */
const DELIMITERS = ['\t', '::', '|', ',', ';'] as const;

/** Names a command line can give instead of the character itself. */
const DELIMITER_NAMES: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', pipe: '|', semicolon: ';', space: ' ', whitespace: ' ' };

/** `'tab'` → `'\t'`, `'\\t'` (a backslash and t, as shells pass it) → `'\t'`, other strings unchanged. */
export function normalizeDelimiter(d: string): string {
  return DELIMITER_NAMES[d.toLowerCase()] ?? d;
}

export function detectDelimiter(firstLine: string): string {
  for (const d of DELIMITERS) if (firstLine.includes(d)) return d;
  return ' ';
}

export function splitFields(line: string, delimiter: string): string[] {
  const parts = delimiter === ' ' ? line.trim().split(/\s+/) : line.split(delimiter);
  return parts.map(unquote);
}

function unquote(s: string): string {
  const t = s.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/""/g, '"') : t;
}

const isNumeric = (s: string): boolean => s !== '' && Number.isFinite(Number(s));

/** A header names a known column, or holds a non-number where the value or timestamp should be. */
export function looksLikeHeader(fields: readonly string[]): boolean {
  if (fields.some((f) => KNOWN_NAMES.has(f.toLowerCase()))) return true;
  return fields.length >= 3 && !isNumeric(fields[2]!) && !isNumeric(fields[fields.length - 1]!);
}

function columnsFromHeader(fields: readonly string[]): ColumnMap {
  const map: ColumnMap = {};
  fields.forEach((f, i) => {
    const name = f.toLowerCase();
    for (const col of Object.keys(NAMES) as Column[]) {
      if (map[col] === undefined && (NAMES[col] as readonly string[]).includes(name)) map[col] = i;
    }
  });
  if (map.user === undefined || map.item === undefined) return positional(fields.length);
  return map;
}

function positional(n: number): ColumnMap {
  const map: ColumnMap = { user: 0, item: 1 };
  if (n >= 3) map.value = 2;
  if (n >= 4) map.timestamp = 3;
  return map;
}

/** Epoch ms from seconds, milliseconds or an ISO-8601 string; undefined when it is none of these. */
export function parseTime(v: string | number): number | undefined {
  if (typeof v === 'number' || isNumeric(v)) {
    const n = Number(v);
    if (!Number.isFinite(n)) return undefined;
    return Math.abs(n) < SECONDS_BELOW ? n * 1000 : n;
  }
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

interface Row {
  user: unknown;
  item: unknown;
  value: unknown;
  timestamp: unknown;
}

export async function importInteractions(target: ImportTarget, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const total = await fileSize(path);
  const file = basename(path);
  const jsonl = ['.jsonl', '.ndjson', '.json'].includes(extname(path).toLowerCase());
  return runImport(target, options, total, async (sink) => {
    await sink.ensureUser(CATALOG_AUTHOR);
    let delimiter = options.delimiter === undefined ? undefined : normalizeDelimiter(options.delimiter);
    let columns: ColumnMap | undefined;
    let isJson = jsonl;
    let first = true;
    for await (const { line, text } of readLines(path, { onBytes: (n) => sink.bytes(n, file) })) {
      const at: RowOrigin = { line };
      sink.checkAborted(at);
      if (text === undefined) {
        sink.invalidUtf8(at);
        continue;
      }
      if (text.trim() === '') continue;
      if (first) {
        first = false;
        if (!isJson && text.trimStart().startsWith('{')) isJson = true;
        if (!isJson) {
          delimiter ??= detectDelimiter(text);
          const fields = splitFields(text, delimiter);
          if (options.header ?? looksLikeHeader(fields)) {
            columns = columnsFromHeader(fields);
            continue;
          }
          columns = positional(fields.length);
        }
      }
      let row: Row;
      if (isJson) {
        const parsed = parseJsonRow(text);
        if (typeof parsed === 'string') {
          sink.reject(at, parsed);
          continue;
        }
        row = parsed;
      } else {
        const fields = splitFields(text, delimiter!);
        const get = (c: Column): string | undefined => {
          const i = columns![c];
          return i === undefined ? undefined : fields[i];
        };
        row = { user: get('user'), item: get('item'), value: get('value'), timestamp: get('timestamp') };
      }
      await addRow(sink, at, `${file}:${line}`, row);
    }
  });
}

function parseJsonRow(text: string): Row | string {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return `malformed JSON: ${(e as Error).message}`;
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'expected a JSON object';
  const rec = o as Record<string, unknown>;
  const pick = (c: Column): unknown => {
    for (const n of NAMES[c]) if (rec[n] !== undefined) return rec[n];
    return undefined;
  };
  return { user: pick('user'), item: pick('item'), value: pick('value'), timestamp: pick('timestamp') };
}

const asId = (v: unknown): unknown => (typeof v === 'number' ? String(v) : v);

async function addRow(sink: ImportSink, at: RowOrigin, id: string, row: Row): Promise<void> {
  const user = asId(row.user);
  const item = asId(row.item);
  if (user === undefined || user === '') return sink.reject(at, 'user: missing', 'event');
  if (item === undefined || item === '') return sink.reject(at, 'item: missing', 'event');
  let value: number | undefined;
  if (row.value !== undefined && row.value !== '' && row.value !== null) {
    value = typeof row.value === 'number' ? row.value : typeof row.value === 'string' && isNumeric(row.value) ? Number(row.value) : NaN;
    if (!Number.isFinite(value)) return sink.reject(at, `value: expected a number, got ${JSON.stringify(row.value)}`, 'event');
  }
  let timestamp = at.line;
  if (row.timestamp !== undefined && row.timestamp !== '' && row.timestamp !== null) {
    const t = typeof row.timestamp === 'number' || typeof row.timestamp === 'string' ? parseTime(row.timestamp) : undefined;
    if (t === undefined) return sink.reject(at, `timestamp: expected epoch seconds, milliseconds or an ISO-8601 date, got ${JSON.stringify(row.timestamp)}`, 'event');
    timestamp = t;
  }
  const event = value === undefined
    ? { id, user, type: 'like', post: item, timestamp }
    : { id, user, type: 'rating', post: item, value, timestamp };
  // Validate first (ids, lengths) so a bad row never creates its user or item.
  if (typeof user !== 'string' || typeof item !== 'string') return sink.reject(at, `${typeof user !== 'string' ? 'user' : 'item'}: expected a string id`, 'event');
  if (!sink.check(at, 'event', event)) return;
  await sink.ensureUser(user);
  await sink.ensurePost({ id: item, author: CATALOG_AUTHOR, text: '', created_at: timestamp, tags: [] });
  await sink.event(at, event);
}
