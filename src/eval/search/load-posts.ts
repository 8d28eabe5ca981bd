/**
 * @module The post texts of a search evaluation, from `--data <format>:<path>`: `text:FILE` (one post per line,
 * empty lines skipped), or any import format that carries posts (`tweets-csv:`, `jsonl:`), read by the regular
 * importers into a target that keeps only the posts' texts, in file order.
 */
import { readFile } from 'node:fs/promises';
import { createError } from '../../core/errors.js';
import { importData, IMPORT_FORMATS } from '../../data/importers/index.js';
import type { ImportTarget, RowBatch } from '../../data/importers/types.js';

export const SEARCH_DATA_FORMATS = ['text', ...IMPORT_FORMATS] as const;

export async function loadPostTexts(spec: string): Promise<string[]> {
  const at = spec.indexOf(':');
  const format = at > 0 ? spec.slice(0, at) : '';
  const path = spec.slice(at + 1);
  if (!(SEARCH_DATA_FORMATS as readonly string[]).includes(format)) {
    throw createError('UNKNOWN_OPTION', { kind: 'data format', name: format || spec, expected: SEARCH_DATA_FORMATS.join(', ') });
  }
  let texts: string[];
  if (format === 'text') {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (e) {
      throw createError('INVALID_INPUT', { field: '--data', problem: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}` });
    }
    texts = content.split(/\r?\n/).filter((l) => l.trim() !== '');
  } else texts = await importedTexts(format, path);
  if (texts.length === 0) throw createError('DATASET_EMPTY', { what: `posts in ${path}` });
  return texts;
}

async function importedTexts(format: string, path: string): Promise<string[]> {
  const users = new Set<string>(), posts = new Map<string, string>();
  const write = (batch: RowBatch): Promise<{ duplicateEvents: number }> => {
    for (const u of batch.users ?? []) users.add(u.id);
    for (const p of batch.posts ?? []) if (!posts.has(p.id)) posts.set(p.id, p.text ?? '');
    return Promise.resolve({ duplicateEvents: 0 });
  };
  const target: ImportTarget = {
    transaction: (fn) => fn({ write }),
    existingUsers: (ids) => Promise.resolve(new Set(ids.filter((id) => users.has(id)))),
    existingPosts: (ids) => Promise.resolve(new Set(ids.filter((id) => posts.has(id)))),
  };
  await importData(target, format, path, { strict: false, atomic: true });
  return [...posts.values()];
}
