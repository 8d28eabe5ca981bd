/** @module Storage: the Store contract, `openStore(url)`, the SQLite backend and its migrations. */
export * from './store.js';
export { openStore, sqlitePath } from './open-store.js';
export { createSqliteStore, SqliteStore, type SqliteStoreConfig } from './sqlite-store.js';
export { SQLITE_MIGRATIONS, type Migration } from './migrations/sqlite.js';
