/**
 * @module The `tweets-csv` importer: the Twitter US Airline Sentiment `Tweets.csv` (Crowdflower / Kaggle).
 *
 * Parsed with csv-parse (quoted fields hold line breaks). Authors (`name`) → users (id = name = the handle);
 * tweets → posts: id `tweet_id`, `text`, created_at `tweet_created`, tags = the hashtags in the text
 * (lower-cased, without `#`), features `{airline, airline_sentiment, negativereason?, retweet_count}`.
 * A record whose text holds U+FFFD (bytes that were not UTF-8) is rejected.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import { fileSize } from './line-reader.js';
import { runImport, type RowOrigin } from './import-sink.js';
import type { ImportOptions, ImportReport, ImportTarget } from './types.js';

const REQUIRED = ['tweet_id', 'text', 'name', 'tweet_created'] as const;
/** The post schema allows 64 tags. */
const MAX_TAGS = 64;
const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;

/** Hashtags of a text, lower-cased, without `#`, first occurrence order, no repeats. */
export function hashtags(text: string): string[] {
  const out = new Set<string>();
  for (const body of hashtagBodies(text)) {
    out.add(body.toLowerCase());
    if (out.size === MAX_TAGS) break;
  }
  return [...out];
}

/** Every hashtag of a text as written, without `#`, in order (repeats kept). */
export function hashtagBodies(text: string): string[] {
  return Array.from(text.matchAll(HASHTAG), (m) => m[1]!);
}

/** The text with its hashtags (`#` and body) removed; the character before each is kept. */
export function withoutHashtags(text: string): string {
  return text.replace(HASHTAG, (whole, body: string) => whole.slice(0, whole.length - body.length - 1));
}

interface Info {
  lines: number;
  empty_lines: number;
}

export async function importTweetsCsv(target: ImportTarget, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const total = await fileSize(path);
  const file = basename(path);
  return runImport(target, options, total, async (sink) => {
    const skipped: { line: number; reason: string }[] = [];
    const input = createReadStream(path, { highWaterMark: 1 << 20 });
    input.on('data', (chunk) => sink.bytes(chunk.length, file));
    const parser = input.pipe(
      parse({
        columns: true,
        info: true,
        bom: true,
        skip_empty_lines: true,
        skip_records_with_error: true,
        on_skip: (err: CsvError | undefined) => {
          if (err) skipped.push({ line: Number((err as unknown as { lines?: number }).lines ?? 0), reason: `malformed CSV: ${err.message}` });
        },
      }),
    );
    let prevEnd = 0, prevEmpty = 0;
    let checkedHeader = false;
    try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: Info }>) {
      const at: RowOrigin = { line: prevEnd + 1 + (info.empty_lines - prevEmpty) };
      prevEnd = info.lines;
      prevEmpty = info.empty_lines;
      for (const s of skipped.splice(0)) sink.reject({ line: s.line }, s.reason);
      sink.checkAborted(at);
      if (!checkedHeader) {
        checkedHeader = true;
        const missing = REQUIRED.filter((c) => !(c in record));
        if (missing.length > 0) {
          // Without these columns no row can be read: say so once, for the header line.
          sink.reject({ line: 1 }, `header: missing column(s) ${missing.join(', ')}`);
          return;
        }
      }
      if (Object.values(record).some((v) => v.includes('\uFFFD'))) {
        sink.invalidUtf8(at);
        continue;
      }
      const { tweet_id: id, text, name, tweet_created: created } = record;
      if (!name) {
        sink.reject(at, 'name: missing');
        continue;
      }
      const features: Record<string, string | number> = {};
      if (record.airline) features.airline = record.airline;
      if (record.airline_sentiment) features.airline_sentiment = record.airline_sentiment;
      if (record.negativereason) features.negativereason = record.negativereason;
      if (record.retweet_count && Number.isFinite(Number(record.retweet_count))) features.retweet_count = Number(record.retweet_count);
      const post = { id, author: name, text, created_at: created, tags: hashtags(text ?? ''), features };
      if (!sink.check(at, 'post', post)) continue;
      await sink.ensureUser(name, { name });
      await sink.post(at, post);
    }
    } finally {
      input.destroy();
    }
    for (const s of skipped.splice(0)) sink.reject({ line: s.line }, s.reason);
  });
}
