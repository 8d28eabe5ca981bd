/**
 * @module Owner-only database files. SQLite creates a new database with the process umask (usually 0644, so
 * world-readable) and gives its -wal and -shm files the mode of the database file; creating the empty file
 * with 0600 first makes all three owner-only, without touching the process-wide umask.
 */
import { closeSync, openSync } from 'node:fs';

/** Creates `path` empty with mode 0600 when it does not exist; leaves an existing file as it is. */
export function createPrivateFile(path: string): void {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch {
    // EEXIST: an existing database keeps its mode. Anything else (a missing folder…) is reported by the opener.
  }
}
