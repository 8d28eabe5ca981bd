/**
 * @module The `movielens` importer: an ml-100k folder (Harper & Konstan 2015, "The MovieLens Datasets").
 *
 * `u.user` → users with features `{age, gender, occupation}`; `u.item` (Latin-1) → posts with text = title,
 * tags = genre names from `u.genre`, created_at = release date (0 when unknown), author `__catalog__`;
 * `u.data` → `rating` events `ml:<line>` with the 1–5 value, timestamps seconds → ms.
 */
import { join } from 'node:path';
import { fileSize, readLines, type ReadLinesOptions } from './line-reader.js';
import { runImport, type ImportSink } from './import-sink.js';
import { CATALOG_AUTHOR, type ImportOptions, type ImportReport, type ImportTarget } from './types.js';

const FILES = ['u.genre', 'u.user', 'u.item', 'u.data'] as const;
/** Columns of u.item before the genre flags: id, title, release date, video release date, IMDb URL. */
const ITEM_FIXED_COLUMNS = 5;
const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** `01-Jan-1995` → epoch ms (UTC); undefined when empty or malformed. */
export function parseReleaseDate(s: string): number | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s.trim());
  if (!m) return undefined;
  const month = MONTHS[m[2]!.toLowerCase()];
  return month === undefined ? undefined : Date.UTC(Number(m[3]), month, Number(m[1]));
}

export async function importMovielens(target: ImportTarget, folder: string, options: ImportOptions = {}): Promise<ImportReport> {
  let total = 0;
  for (const f of FILES) total += await fileSize(join(folder, f));
  return runImport(target, options, total, async (sink) => {
    const lines = (file: string, encoding: ReadLinesOptions['encoding'] = 'utf-8') =>
      eachLine(sink, join(folder, file), file, encoding);

    const genres: string[] = [];
    for await (const { line, fields } of lines('u.genre')) {
      const ix = Number(fields[1]);
      if (fields.length !== 2 || !Number.isInteger(ix) || ix < 0) sink.reject({ line, file: 'u.genre' }, 'expected "name|index"');
      else genres[ix] = fields[0]!;
    }

    for await (const { line, fields } of lines('u.user')) {
      const at = { line, file: 'u.user' };
      const [id, age, gender, occupation] = fields;
      if (fields.length < 4) {
        sink.reject(at, `expected "id|age|gender|occupation|zip", got ${fields.length} fields`, 'user');
        continue;
      }
      const ageNum = Number(age);
      if (age === '' || !Number.isFinite(ageNum)) {
        sink.reject(at, `age: expected a number, got ${JSON.stringify(age)}`, 'user');
        continue;
      }
      await sink.user(at, { id, features: { age: ageNum, gender: gender!, occupation: occupation! } });
    }

    await sink.ensureUser(CATALOG_AUTHOR);
    for await (const { line, fields } of lines('u.item', 'latin1')) {
      const at = { line, file: 'u.item' };
      if (fields.length < ITEM_FIXED_COLUMNS) {
        sink.reject(at, `expected "id|title|release|video release|url|genre flags…", got ${fields.length} fields`, 'post');
        continue;
      }
      const tags: string[] = [];
      for (let g = 0; g < fields.length - ITEM_FIXED_COLUMNS; g++) {
        if (fields[ITEM_FIXED_COLUMNS + g] === '1' && genres[g] !== undefined) tags.push(genres[g]!);
      }
      await sink.post(at, {
        id: fields[0],
        author: CATALOG_AUTHOR,
        text: fields[1],
        created_at: parseReleaseDate(fields[2]!) ?? 0,
        tags,
      });
    }

    for await (const { line, fields } of lines('u.data')) {
      const at = { line, file: 'u.data' };
      const [user, item, rating, seconds] = fields;
      if (fields.length !== 4) {
        sink.reject(at, `expected "user<TAB>item<TAB>rating<TAB>timestamp", got ${fields.length} fields`, 'event');
        continue;
      }
      const value = Number(rating), t = Number(seconds);
      if (rating === '' || !Number.isFinite(value)) sink.reject(at, `rating: expected a number, got ${JSON.stringify(rating)}`, 'event');
      else if (seconds === '' || !Number.isFinite(t)) sink.reject(at, `timestamp: expected epoch seconds, got ${JSON.stringify(seconds)}`, 'event');
      else await sink.event(at, { id: `ml:${line}`, user, type: 'rating', post: item, value, timestamp: t * 1000 });
    }
  });
}

/** Non-blank lines of an ml-100k file split on `|` (or tabs for u.data), invalid UTF-8 reported. */
async function* eachLine(sink: ImportSink, path: string, file: string, encoding: ReadLinesOptions['encoding']): AsyncGenerator<{ line: number; fields: string[] }> {
  const sep = file === 'u.data' ? '\t' : '|';
  for await (const { line, text } of readLines(path, { encoding, onBytes: (n) => sink.bytes(n, file) })) {
    sink.checkAborted({ line, file });
    if (text === undefined) {
      sink.invalidUtf8({ line, file });
      continue;
    }
    if (text.trim() === '') continue;
    yield { line, fields: text.split(sep) };
  }
}
