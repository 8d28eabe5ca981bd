/**
 * @module The `tweets-csv` importer: the Twitter US Airline Sentiment `Tweets.csv` (Crowdflower / Kaggle).
 *
 * Parsed with csv-parse (quoted fields hold line breaks). Authors (`name`) → users (id = name = the handle);
 * tweets → posts: id `tweet_id`, `text`, created_at `tweet_created`, tags = the hashtags in the text
 * (lower-cased, without `#`), features `{airline, airline_sentiment, negativereason?, retweet_count}`.
 * A record whose text holds U+FFFD (bytes that were not UTF-8) is rejected.
 *
 * The file holds no likes, follows or reply ids. The engagement it does hold: replies, as the @mentions of other
 * authors of the file (airlines answer their customers, customers address the airlines). A tweet by A naming @B,
 * when B tweeted earlier, becomes A's `comment` event (id `reply:<tweet_id>:<B>`) on B's latest earlier tweet, at
 * the time of A's tweet; these are what the models learn from. Retweet counts are totals, not users, so they stay
 * post popularity in `features.retweet_count`. The report's notes say what was derived, or that nothing was.
 */
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import { fileSize } from './line-reader.js';
import { runImport, type RowOrigin } from './import-sink.js';
import { hashtags, mentions } from '../post-entities.js';
import { parseTimestamp } from '../schemas.js';
import type { ImportOptions, ImportReport, ImportTarget } from './types.js';

const REQUIRED = ['tweet_id', 'text', 'name', 'tweet_created'] as const;

export { hashtags };

/** A tweet as far as replies need it. */
interface Tweeted {
  id: string;
  author: string;
  at: number;
  mentions: string[];
}

/**
 * The replies the tweets hold: for each tweet naming another author of the file who tweeted before it, a
 * comment event on that author's latest earlier tweet. Handles compare case-insensitively.
 */
export function derivedReplies(tweets: readonly Tweeted[]): { id: string; user: string; type: 'comment'; post: string; timestamp: number }[] {
  const ordered = [...tweets].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const authors = new Set(ordered.map((t) => t.author.toLowerCase()));
  const latest = new Map<string, Tweeted>();
  const out: ReturnType<typeof derivedReplies> = [];
  for (const t of ordered) {
    for (const handle of new Set(t.mentions.map((m) => m.toLowerCase()))) {
      if (handle === t.author.toLowerCase() || !authors.has(handle)) continue;
      const target = latest.get(handle);
      if (target !== undefined) out.push({ id: `reply:${t.id}:${handle}`, user: t.author, type: 'comment', post: target.id, timestamp: t.at });
    }
    latest.set(t.author.toLowerCase(), t);
  }
  return out;
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
    const tweeted: Tweeted[] = [];
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
        sink.reject(at, 'name: missing', 'post');
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
      if (await sink.post(at, post)) tweeted.push({ id: id!, author: name, at: parseTimestamp(created!) ?? NaN, mentions: mentions(text ?? '') });
    }
    } finally {
      input.destroy();
    }
    for (const s of skipped.splice(0)) sink.reject({ line: s.line }, s.reason);
    const replies = derivedReplies(tweeted.filter((t) => Number.isFinite(t.at)));
    for (const [k, e] of replies.entries()) await sink.event({ line: 0, file: `reply ${k + 1}` }, e);
    sink.note(
      replies.length > 0
        ? `the file holds no likes or follows; ${replies.length.toLocaleString('en-US')} replies were derived from @mentions of its authors (comment events), and retweet counts are kept as post popularity (features.retweet_count)`
        : 'the file holds no likes, follows or replies between its authors: there is nothing to train on (`resonate train` answers DATASET_EMPTY); import interactions (jsonl events) for a personalized feed. Retweet counts are kept as post popularity (features.retweet_count)',
    );
  });
}
