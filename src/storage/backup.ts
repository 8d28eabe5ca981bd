/**
 * @module `resonate backup` / `restore` of a SQLite store with SQLite's online backup API (better-sqlite3's
 * `db.backup`): pages are copied from a consistent snapshot while the servers keep writing, so a backup needs no
 * downtime. A restore checks the file (SQLite's `quick_check` and Resonate's tables), copies it beside the target
 * and renames it into place (a crash leaves the old store), then opens it once so any newer migrations apply.
 * A PostgreSQL store is refused with BACKUP_NOT_SUPPORTED naming the pg_dump / pg_restore commands to use.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createError } from '../core/errors.js';
import { redactUrl } from '../core/logger.js';
import { openStore, sqlitePath } from './open-store.js';
import { createPrivateFile } from './private-file.js';
import type { StoreCounts } from './store.js';

/** Tables a file must hold to be restored as a Resonate store. */
const REQUIRED_TABLES = ['users', 'posts', 'follows', 'events'];

/** The SQLite file a store URL names; BACKUP_NOT_SUPPORTED for PostgreSQL (with the commands to use) or memory. */
export function sqliteFileOf(url: string, verb: 'backup' | 'restore', file: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    const u = new URL(url);
    const schema = u.searchParams.get('schema') ?? 'public';
    u.searchParams.delete('schema');
    u.searchParams.delete('pool_size');
    const server = redactUrl(u.toString());
    const advice = verb === 'backup'
      ? `back up PostgreSQL with: pg_dump --format=custom --schema=${schema} --file=${file} '${server}'`
      : `restore PostgreSQL with: pg_restore --clean --if-exists --schema=${schema} --dbname='${server}' ${file}`;
    throw createError('BACKUP_NOT_SUPPORTED', { verb, advice });
  }
  const path = /^[a-z]+:\/\//i.test(url) ? (/^sqlite:\/\//i.test(url) ? sqlitePath(url) : '') : url;
  if (path === '' || path === ':memory:') throw createError('BACKUP_NOT_SUPPORTED', { verb, advice: `"${redactUrl(url)}" is not a SQLite file` });
  return path;
}

/** Copies the store's file to `out` (owner-only, 0600) while it may be in use; returns the bytes' page count. */
export async function backupSqlite(path: string, out: string): Promise<{ pages: number }> {
  if (!existsSync(path)) throw createError('FILE_NOT_FOUND', { path });
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tmp = `${out}.partial`;
    rmSync(tmp, { force: true });
    createPrivateFile(tmp);
    const { totalPages } = await db.backup(tmp);
    renameSync(tmp, out);
    return { pages: totalPages };
  } finally {
    db.close();
  }
}

/** Checks that `file` is a sound Resonate SQLite store (BACKUP_INVALID otherwise). */
export function checkBackup(file: string): void {
  if (!existsSync(file)) throw createError('FILE_NOT_FOUND', { path: file });
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw createError('BACKUP_INVALID', { path: file, problem: `integrity check: ${String(check)}` });
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]));
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length > 0) throw createError('BACKUP_INVALID', { path: file, problem: `no ${missing.join(', ')} table` });
  } catch (e) {
    if ((e as { code?: string }).code === 'BACKUP_INVALID') throw e;
    throw createError('BACKUP_INVALID', { path: file, problem: (e as Error).message }, e);
  } finally {
    db?.close();
  }
}

/**
 * Replaces the store file at `path` by the backup `from` (checked first; nothing changes when it fails). The
 * servers using `path` must be stopped: a process holding the old file open keeps writing to it.
 */
export async function restoreSqlite(from: string, path: string): Promise<StoreCounts> {
  checkBackup(from);
  const src = new Database(from, { readonly: true, fileMustExist: true });
  const tmp = `${path}.restoring`;
  try {
    rmSync(tmp, { force: true });
    createPrivateFile(tmp);
    await src.backup(tmp);
  } finally {
    src.close();
  }
  if (existsSync(path)) {
    // Fold the old file's WAL into it first: a WAL left beside the new file would be replayed onto it.
    const old = new Database(path, { fileMustExist: true });
    try {
      old.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      old.close();
    }
  }
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  renameSync(tmp, path);
  const store = await openStore(`sqlite://${path}`);
  try {
    return await store.counts();
  } finally {
    await store.close();
  }
}
