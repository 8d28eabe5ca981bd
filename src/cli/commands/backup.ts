/**
 * @module `resonate backup --out FILE` and `resonate restore --from FILE` for a SQLite store (online backup;
 * src/storage/backup.ts). A PostgreSQL store is refused with the pg_dump / pg_restore commands to run instead.
 */
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { backupSqlite, restoreSqlite, sqliteFileOf } from '../../storage/backup.js';
import { openStore } from '../../storage/open-store.js';
import { configFrom, printJson } from '../shared.js';

/** Rows of the store file at `path` (0 when it does not exist). */
async function rowsIn(path: string): Promise<number> {
  if (!existsSync(path) || statSync(path).size === 0) return 0;
  const store = await openStore(`sqlite://${path}`);
  try {
    const c = await store.counts();
    return c.users + c.posts + c.follows + c.events;
  } finally {
    await store.close();
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description("copy the SQLite store to a file while it serves (SQLite's online backup); PostgreSQL: prints the pg_dump command")
    .requiredOption('--out <file>', 'backup file to write (owner-only)')
    .action(async (opts: { out: string }, cmd: Command) => {
      const path = sqliteFileOf(configFrom(cmd).store.url, 'backup', opts.out);
      const { pages } = await backupSqlite(path, opts.out);
      printJson({ store: path, backup: opts.out, pages, bytes: statSync(opts.out).size });
    });

  program
    .command('restore')
    .description('replace the SQLite store by a backup (stop the servers first); PostgreSQL: prints the pg_restore command')
    .requiredOption('--from <file>', 'backup file written by `resonate backup`')
    .option('--force', 'replace a store that holds data')
    .action(async (opts: { from: string; force?: boolean }, cmd: Command) => {
      const path = sqliteFileOf(configFrom(cmd).store.url, 'restore', opts.from);
      const rows = await rowsIn(path);
      if (rows > 0 && opts.force !== true) throw createError('STORE_NOT_EMPTY', { rows });
      const counts = await restoreSqlite(opts.from, path);
      printJson({ store: path, restoredFrom: opts.from, ...counts });
    });
}
