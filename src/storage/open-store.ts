/**
 * @module openStore: picks a Store backend from a URL, the way Gorse's `Open(url)` does.
 *
 * `sqlite://./path.db`, `sqlite:///abs/path.db`, `sqlite://:memory:` and plain paths ending in `.db` open the
 * embedded SQLite store. `postgres://` and `postgresql://` open the PostgreSQL store
 * (`postgres://user:password@host:5432/db?schema=name`, see postgres/connection.ts). Any other scheme is
 * STORE_UNSUPPORTED. A URL put in an error has its password (and secret-like query parameters) masked.
 */
import { createError } from '../core/errors.js';
import { redactUrl } from '../core/logger.js';
import { createSqliteStore } from './sqlite-store.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import type { Store } from './store.js';

type Opener = (url: string) => Promise<Store>;

const openPostgres: Opener = (url) => createPostgresStore({ url });

/** URL scheme → backend. */
const BACKENDS: Readonly<Record<string, Opener | undefined>> = {
  sqlite: (url) => createSqliteStore({ path: sqlitePath(url) }),
  postgres: openPostgres,
  postgresql: openPostgres,
};

/**
 * Opens the store a URL names.
 * @example const store = await openStore('sqlite://./resonate.db');
 */
export async function openStore(url: string): Promise<Store> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    if (url === ':memory:' || /\.(db|sqlite3?)$/i.test(url)) return createSqliteStore({ path: url });
    throw createError('STORE_UNSUPPORTED', { url: redactUrl(url) });
  }
  const open = Object.hasOwn(BACKENDS, scheme) ? BACKENDS[scheme] : undefined;
  if (open === undefined) throw createError('STORE_UNSUPPORTED', { url: redactUrl(url) });
  return open(url);
}

/** `sqlite://./a.db` → `./a.db`, `sqlite:///abs/a.db` → `/abs/a.db`, `sqlite://:memory:` → `:memory:`. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:\/\//i, '');
  if (rest === '') throw createError('STORE_UNSUPPORTED', { url: redactUrl(url) });
  return decodeURIComponent(rest);
}
