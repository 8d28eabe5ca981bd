/**
 * @module The `lastfm-hetrec` importer: a HetRec 2011 Last.fm folder (Cantador, Brusilovsky & Kuflik 2011).
 *
 * - `artists.dat` → posts: text = artist name, author `__catalog__`, created_at 0 (unknown), tags = the artist's
 *   20 most used tags from `user_taggedartists.dat` (ties by tag id), names from `tags.dat` (Latin-1).
 * - `user_artists.dat` → one `rating` event per (user, artist) with value = ln(1 + plays): the log damping of
 *   Hu, Koren & Volinsky (2008) so a 300,000-play artist does not drown the rest in summed weights; the raw count
 *   is `Math.expm1(value)`. There are no play times: the line number stands in. Event id `lastfm:<line>`.
 * - `user_friends.dat` → follows, both directions as listed (the file lists each friendship both ways).
 * Users have no file of their own: every user id met is created with just its id.
 */
import { join } from 'node:path';
import { fileSize, readLines, type ReadLinesOptions } from './line-reader.js';
import { runImport, type ImportSink } from './import-sink.js';
import { CATALOG_AUTHOR, type ImportOptions, type ImportReport, type ImportTarget } from './types.js';

const FILES = ['tags.dat', 'user_taggedartists.dat', 'artists.dat', 'user_artists.dat', 'user_friends.dat'] as const;
/** Tags kept per artist: Last.fm's own artist pages show the top tags; 20 covers the useful head. */
export const TOP_TAGS_PER_ARTIST = 20;
/** The post schema's limit on one tag's length. */
const MAX_TAG_LENGTH = 128;

export async function importLastfmHetrec(target: ImportTarget, folder: string, options: ImportOptions = {}): Promise<ImportReport> {
  let total = 0;
  for (const f of FILES) total += await fileSize(join(folder, f));
  return runImport(target, options, total, async (sink) => {
    const rows = (file: (typeof FILES)[number], encoding: ReadLinesOptions['encoding'] = 'utf-8') =>
      eachRow(sink, join(folder, file), file, encoding);

    const tagNames = new Map<string, string>();
    for await (const { line, fields } of rows('tags.dat', 'latin1')) {
      if (fields.length < 2 || fields[0] === '') sink.reject({ line, file: 'tags.dat' }, 'expected "tagID<TAB>tagValue"');
      else tagNames.set(fields[0]!, fields[1]!.trim());
    }

    // artist → tag id → number of users who gave it.
    const tagCounts = new Map<string, Map<string, number>>();
    for await (const { line, fields } of rows('user_taggedartists.dat')) {
      const [, artist, tag] = fields;
      if (fields.length < 3 || !artist || !tag) {
        sink.reject({ line, file: 'user_taggedartists.dat' }, 'expected "userID<TAB>artistID<TAB>tagID<TAB>day<TAB>month<TAB>year"');
        continue;
      }
      let counts = tagCounts.get(artist);
      if (!counts) tagCounts.set(artist, (counts = new Map()));
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
    }

    await sink.ensureUser(CATALOG_AUTHOR);
    for await (const { line, fields } of rows('artists.dat')) {
      const at = { line, file: 'artists.dat' };
      if (fields.length < 2) {
        sink.reject(at, 'expected "id<TAB>name<TAB>url<TAB>pictureURL"', 'post');
        continue;
      }
      const [id, name] = fields;
      await sink.post(at, { id, author: CATALOG_AUTHOR, text: name, created_at: 0, tags: topTags(tagCounts.get(id!), tagNames) });
    }

    for await (const { line, fields } of rows('user_artists.dat')) {
      const at = { line, file: 'user_artists.dat' };
      const [user, artist, weight] = fields;
      const plays = Number(weight);
      if (fields.length !== 3 || !user || !artist) sink.reject(at, 'expected "userID<TAB>artistID<TAB>weight"', 'event');
      else if (weight === '' || !Number.isFinite(plays) || plays < 0) sink.reject(at, `weight: expected a play count, got ${JSON.stringify(weight)}`, 'event');
      else {
        await sink.ensureUser(user);
        await sink.event(at, { id: `lastfm:${line}`, user, type: 'rating', post: artist, value: Math.log1p(plays), timestamp: line });
      }
    }

    for await (const { line, fields } of rows('user_friends.dat')) {
      const at = { line, file: 'user_friends.dat' };
      const [user, friend] = fields;
      if (fields.length !== 2 || !user || !friend) sink.reject(at, 'expected "userID<TAB>friendID"', 'follow');
      else {
        await sink.ensureUser(user);
        await sink.ensureUser(friend);
        await sink.follow(at, { follower: user, followee: friend });
      }
    }
  });
}

/** The most used tag names, most used first, ties broken by numeric tag id. */
export function topTags(counts: Map<string, number> | undefined, names: Map<string, string>, k = TOP_TAGS_PER_ARTIST): string[] {
  if (!counts) return [];
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]));
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [tag] of ranked) {
    const name = names.get(tag);
    if (name === undefined || name === '' || name.length > MAX_TAG_LENGTH || seen.has(name)) continue;
    seen.add(name);
    out.push(name);
    if (out.length === k) break;
  }
  return out;
}

/** Tab-separated rows after the header line; blank lines skipped, invalid UTF-8 reported. */
async function* eachRow(sink: ImportSink, path: string, file: string, encoding: ReadLinesOptions['encoding']): AsyncGenerator<{ line: number; fields: string[] }> {
  for await (const { line, text } of readLines(path, { encoding, onBytes: (n) => sink.bytes(n, file) })) {
    sink.checkAborted({ line, file });
    if (line === 1) continue;
    if (text === undefined) {
      sink.invalidUtf8({ line, file });
      continue;
    }
    if (text.trim() === '') continue;
    yield { line, fields: text.split('\t') };
  }
}
