/**
 * @module The `jsonl` importer: one JSON object per line, `{"kind": "user" | "post" | "follow" | "event", …}`
 * with the other keys being the fields of that row's schema (snake_case, as the API takes them).
 *
 * @example {"kind":"user","id":"ann","name":"Ann"}
 *          {"kind":"post","id":"p1","author":"ann","text":"hello #world","created_at":"2026-01-01T10:00:00Z","tags":["world"]}
 *          {"kind":"follow","follower":"ben","followee":"ann"}
 *          {"kind":"event","id":"e1","user":"ben","type":"like","post":"p1","timestamp":1767261600000}
 * A row may only refer to users and posts defined on earlier lines or already in the store; others are
 * rejected with their line. Blank lines are skipped.
 */
import { basename } from 'node:path';
import { fileSize, readLines } from './line-reader.js';
import { runImport, type ImportSink, type RowOrigin } from './import-sink.js';
import type { ImportOptions, ImportReport, ImportTarget } from './types.js';

export const JSONL_KINDS = ['user', 'post', 'follow', 'event'] as const;

export async function importJsonl(target: ImportTarget, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const total = await fileSize(path);
  const file = basename(path);
  return runImport(target, options, total, async (sink) => {
    for await (const { line, text } of readLines(path, { onBytes: (n) => sink.bytes(n, file) })) {
      const at: RowOrigin = { line };
      sink.checkAborted(at);
      if (text === undefined) {
        sink.invalidUtf8(at);
        continue;
      }
      if (text.trim() === '') continue;
      await addLine(sink, at, text);
    }
  });
}

async function addLine(sink: ImportSink, at: RowOrigin, text: string): Promise<void> {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return sink.reject(at, `malformed JSON: ${(e as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return sink.reject(at, 'expected a JSON object');
  const { kind, ...fields } = o as Record<string, unknown>;
  switch (kind) {
    case 'user':
      await sink.user(at, fields);
      return;
    case 'post':
      await sink.post(at, fields);
      return;
    case 'follow':
      await sink.follow(at, fields);
      return;
    case 'event':
      await sink.event(at, fields);
      return;
    default:
      return sink.reject(at, `kind: expected one of ${JSONL_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
}
