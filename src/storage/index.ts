/** @module Storage: the Store contract, `openStore(url)`, the SQLite and PostgreSQL backends and their migrations. */
export * from './store.js';
export { openStore, sqlitePath } from './open-store.js';
export { createSqliteStore, SqliteStore, type SqliteStoreConfig } from './sqlite-store.js';
export { SQLITE_MIGRATIONS, type Migration } from './migrations/sqlite.js';
export { createPostgresStore, PostgresStore, type PostgresStoreConfig } from './postgres/postgres-store.js';
export { POSTGRES_MIGRATIONS } from './postgres/migrations.js';
export { copyStore, checksums, COPY_TABLES, type CopyReport, type CopyOptions, type CopyTable, type TableReport } from './copy-store.js';
