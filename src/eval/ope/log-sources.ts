/**
 * @module Where OPE reads its logs: `<kind>:<location>`. Each kind is one reader function: `obd:PATH`,
 * `jsonl:PATH`, and `store:URL`, the engine's impression log with its feedback joined.
 */
import { createError } from '../../core/errors.js';
import { readJsonlLog } from './jsonl-log.js';
import { readObdCsv } from './obd-csv.js';
import { readStoreLog } from './store-log.js';
import type { LoggedRow, OpeLog } from './types.js';

/** Reads the rows at a location (a path for the file kinds). */
export type LogReader = (location: string) => Promise<readonly LoggedRow[]> | readonly LoggedRow[];

export const LOG_READERS: Readonly<Record<string, LogReader>> = {
  obd: readObdCsv,
  jsonl: readJsonlLog,
  store: readStoreLog,
};

/** Splits `kind:location`; the kind must be a known reader. */
export function parseSource(source: string, known: readonly string[], what: string): { kind: string; location: string } {
  const colon = source.indexOf(':');
  const kind = colon > 0 ? source.slice(0, colon) : source;
  if (!known.includes(kind)) throw createError('UNKNOWN_OPTION', { kind: what, name: source, expected: known.map((k) => `${k}:PATH`).join(', ') });
  return { kind, location: colon > 0 ? source.slice(colon + 1) : '' };
}

export async function readLog(source: string, readers: Readonly<Record<string, LogReader>> = LOG_READERS): Promise<OpeLog> {
  const { kind, location } = parseSource(source, Object.keys(readers), 'log source');
  const rows = await readers[kind]!(location);
  if (rows.length === 0) throw createError('DATASET_EMPTY', { what: `logged rows in ${source}` });
  return { source, rows };
}
