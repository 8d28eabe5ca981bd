/**
 * @module importData: brings a file or folder of a known format into a store (in one transaction, or batch by batch
 * into a database file: see `ImportOptions.atomic`).
 *
 * Formats (`IMPORT_FORMATS`): `interactions` (user,item[,value][,timestamp] as CSV/TSV/JSONL), `jsonl` (typed
 * rows), `movielens` (ml-100k folder), `lastfm-hetrec` (HetRec 2011 folder), `tweets-csv` (airline Tweets.csv).
 * Invalid rows are skipped and listed with their line (or abort everything with `strict`); see each importer's
 * module comment for how its rows map onto users, posts, follows and events.
 */
import { createError } from '../../core/errors.js';
import { importInteractions } from './interactions.js';
import { importJsonl } from './jsonl.js';
import { importLastfmHetrec } from './lastfm-hetrec.js';
import { importMovielens } from './movielens.js';
import { importTweetsCsv } from './tweets-csv.js';
import { IMPORT_FORMATS, type ImportFormat, type ImportOptions, type ImportReport, type ImportTarget } from './types.js';

export * from './types.js';
export { runImport, ImportSink, DEFAULT_BATCH_SIZE } from './import-sink.js';
export { importSummary } from './import-summary.js';

const IMPORTERS: Record<ImportFormat, (target: ImportTarget, path: string, options: ImportOptions) => Promise<ImportReport>> = {
  interactions: importInteractions,
  jsonl: importJsonl,
  movielens: importMovielens,
  'lastfm-hetrec': importLastfmHetrec,
  'tweets-csv': importTweetsCsv,
};

/**
 * Imports `path` (a file, or a folder for `movielens` and `lastfm-hetrec`) in the given format.
 * @example const report = await importData(store, 'movielens', '../shared/data/ml-100k');
 */
export async function importData(store: ImportTarget, format: string, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) {
    throw createError('UNKNOWN_OPTION', { kind: 'import format', name: format, expected: IMPORT_FORMATS.join(', ') });
  }
  return IMPORTERS[format as ImportFormat](store, path, options);
}
