/**
 * @module KnownIds: the ids of one table known to exist, so reference checks on the write path are a `Set`
 * lookup instead of a SQLite foreign-key probe per row.
 *
 * Why not SQLite's own foreign keys: with them on, every event insert probes the users and posts primary-key
 * indexes inside the B-tree layer, which cost about a third of ingestion time (see docs/benchmarks.md,
 * "Ingestion and dataset build"). Users and posts are deleted only by an erasure, which calls `forget`, so a
 * positive answer stays true in this process. (Another process that cached an id before it was erased may still
 * accept a row naming it until it restarts; such a row refers to nothing and is never served.) Ids added by a
 * transaction that is then rolled back must be forgotten: the store calls `forgetUncommitted()` on rollback.
 */
import type Database from 'better-sqlite3';

/** Beyond this many cached ids the cache starts over (bounded memory on very large catalogues). */
const DEFAULT_CAPACITY = 1_000_000;

export class KnownIds {
  private readonly committed = new Set<string>();
  /** Added inside the open transaction; moved to `committed` on commit, dropped on rollback. */
  private readonly pending = new Set<string>();
  private readonly lookup: Database.Statement;

  constructor(
    db: Database.Database,
    table: 'users' | 'posts',
    private readonly capacity: number = DEFAULT_CAPACITY,
  ) {
    this.lookup = db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).pluck();
  }

  /** True when the row exists (in the database, or written earlier in the open transaction). */
  has(id: string): boolean {
    if (this.committed.has(id) || this.pending.has(id)) return true;
    if (this.lookup.get(id) === undefined) return false;
    // Read inside the open transaction, the row may itself be uncommitted: keep it pending until commit.
    this.pending.add(id);
    return true;
  }

  /** Records an id written in the open transaction. */
  add(id: string): void {
    if (!this.committed.has(id)) this.pending.add(id);
  }

  /** The open transaction committed: its ids are now durable facts. */
  commit(): void {
    if (this.committed.size + this.pending.size > this.capacity) this.committed.clear();
    for (const id of this.pending) this.committed.add(id);
    this.pending.clear();
  }

  /** These ids were deleted (an erasure). */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.committed.delete(id);
      this.pending.delete(id);
    }
  }

  /** The open transaction (or a savepoint in it) rolled back: forget what it may have added. */
  forgetUncommitted(): void {
    this.pending.clear();
  }
}
