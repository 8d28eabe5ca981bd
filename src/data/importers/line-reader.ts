/**
 * @module readLines: streams a text file line by line (never the whole file in memory), decoding each line on
 * its own so one bad line is reported by number instead of spoiling the rest.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createError } from '../../core/errors.js';

export interface LineRead {
  /** 1-based. */
  line: number;
  /** The decoded text without its line break, or undefined when the bytes are not valid UTF-8. */
  text: string | undefined;
}

export interface ReadLinesOptions {
  /** `latin1` for ISO-8859-1 files (MovieLens `u.item`, Last.fm `tags.dat`). Default `utf-8`. */
  encoding?: 'utf-8' | 'latin1';
  /** Called with the number of bytes of each chunk read. */
  onBytes?: (bytes: number) => void;
}

/** Chunk size of the read stream: 1 MiB keeps syscalls few and memory small. */
const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const CR = 0x0d;

/** Size in bytes; FILE_NOT_FOUND when the path does not exist. */
export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw createError('FILE_NOT_FOUND', { path }, e);
    throw e;
  }
}

/**
 * Yields every line (`\n` or `\r\n` endings, a leading UTF-8 byte-order mark dropped).
 * @example for await (const { line, text } of readLines('ratings.csv')) …
 */
export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<LineRead> {
  await fileSize(path);
  const latin1 = options.encoding === 'latin1';
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  const decode = (bytes: Buffer): string | undefined => {
    if (latin1) return bytes.toString('latin1');
    try {
      return decoder.decode(bytes);
    } catch {
      return undefined;
    }
  };
  let line = 0;
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    options.onBytes?.(chunk.length);
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    let nl = buf.indexOf(NEWLINE, start);
    while (nl !== -1) {
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      yield { line: ++line, text: decode(buf.subarray(start, end)) };
      start = nl + 1;
      nl = buf.indexOf(NEWLINE, start);
    }
    rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  }
  if (rest && rest.length > 0) {
    const end = rest[rest.length - 1] === CR ? rest.length - 1 : rest.length;
    yield { line: ++line, text: decode(rest.subarray(0, end)) };
  }
}
