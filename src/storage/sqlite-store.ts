/**
 * @module SqliteStore: the embedded `Store` on better-sqlite3 (WAL, FTS5 with BM25, versioned migrations).
 *
 * One connection does everything. Writes are synchronous SQL inside explicit `BEGIN IMMEDIATE … COMMIT`;
 * `transaction(fn)` keeps one open across an async `fn`, and writes made from inside it (through the writer it
 * hands over, or through the store itself from the same async context) become SAVEPOINTs instead of
 * transactions of their own. Writes from other async contexts wait until it ends. Reads are not queued: a read
 * issued elsewhere while a transaction is open sees its uncommitted rows (one connection). So `fn` must not
 * wait for a write started outside it (that write is queued behind `fn`: a deadlock).
 *
 * Another process (a CLI import beside a server) may hold the file's write lock. better-sqlite3 waits for it
 * synchronously, blocking Node's only thread, so the wait is kept short (`busyTimeoutMs`, 100 ms) and then the
 * write fails with STORE_BUSY (503, nothing written, a retry hint) instead of stalling every request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import { createError, isResonateError } from '../core/errors.js';
import type { EventType } from '../core/config.js';
import type { Event, Follow, Post, User } from '../data/schemas.js';
import { KnownIds } from './known-ids.js';
import { indexedText, searchTerms } from './search-terms.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { createPrivateFile } from './private-file.js';
import { conflictingEventIds, eventIdConflict } from './event-conflicts.js';
import { SQLITE_MIGRATIONS, type Migration } from './migrations/sqlite.js';
import { eraseImpressions, insertImpressions, knownRequestIds, scanImpressions } from './sqlite-impressions.js';
import * as campaignRows from './sqlite-campaigns.js';
import type { Campaign, CampaignDay, SponsoredClick, SponsoredImpression } from '../data/campaigns.js';
import { EXPIRY_CHUNK_ROWS } from './store.js';
import { POST_EVENT_COUNTS_SQL, SQLITE_SERIES, timeRangeSql } from './timeseries-sql.js';
import { toEvent, toFollow, toTakedown, type EventRow, type FollowRow, type TakedownRow } from './row-mappers.js';
import type { AuditEntry, DeletedPost, ErasedUser, ErasureSummary, EventQuery, ExpiredRows, ExpiryCutoffs, Impression, ImpressionQuery, ServedPage, SearchHit, Store, StoreCounts, StoreRecords, StoreWriter, Takedown, TimeBucket, TimeRange, TimeseriesQuery, UserExport, WriteBatch, WriteResult, WriteSummary } from './store.js';

export interface SqliteStoreConfig {
  /** File path, or `:memory:`. */
  path: string;
  /** Schema steps to apply (tests inject failing ones); defaults to `SQLITE_MIGRATIONS`. */
  migrations?: readonly Migration[];
  /**
   * Longest wait for another connection's write lock before STORE_BUSY (default 100 ms). The wait blocks the
   * event loop, so keep it short on a serving process.
   */
  busyTimeoutMs?: number;
}

/** Default wait for another connection's write lock: short, because it blocks the event loop. */
export const DEFAULT_BUSY_TIMEOUT_MS = 100;
/** Retry hint sent with STORE_BUSY: imports commit chunks of ~5,000 rows, each well under a second. */
export const STORE_BUSY_RETRY_AFTER_SECONDS = 1;

/** Rows per page of a scan: a page is read in one go so no cursor stays open across an `await`. */
const SCAN_PAGE = 2000;
/**
 * Rows per multi-row event INSERT: 64 × 8 = 512 bound parameters, far below SQLite's 32,766; beyond ~64 rows the
 * per-call saving flattens out.
 */
const EVENT_ROWS_PER_STATEMENT = 64;
/** Default number of search hits. */
const DEFAULT_SEARCH_LIMIT = 20;
/** Bind values standing for "no bound" in time ranges (keeps one prepared statement per query shape). */
const MIN_TIME = -Number.MAX_VALUE;
const MAX_TIME = Number.MAX_VALUE;

interface UserRow { id: string; name: string | null; created_at: number | null; features: string | null; personalization: number | null; languages: string | null; smart_replies: number | null }
interface PostRow {
  id: string; author: string; text: string; created_at: number; tags: string;
  reply_to: string | null; lang: string | null; features: string | null; mentions: string | null;
}

/** An events row in EVENT_COLUMNS order, then rowid. */
type EventTuple = [string, string, string, string | null, string | null, number | null, string | null, number, string | null, number];

const POST_COLUMNS = 'p.id, p.author, p.text, p.created_at, p.tags, p.reply_to, p.lang, p.features, p.mentions';
const EVENT_COLUMNS = 'id, user_id, type, post_id, target_user_id, value, text, ts, request_id';
/** Bound values per events row (EVENT_COLUMNS). */
const EVENT_PARAMS = 9;

/**
 * Opens (creating if needed) a SQLite store and brings its schema up to date.
 * @example const store = await createSqliteStore({ path: './resonate.db' });
 */
export async function createSqliteStore(config: SqliteStoreConfig): Promise<SqliteStore> {
  return new SqliteStore(config);
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Set while inside `transaction(fn)`: writes from this async context become savepoints. */
  private readonly inTransaction = new AsyncLocalStorage<{ open: boolean }>();
  /** Tail of the queue of exclusive sections (transactions and stand-alone writes). */
  private queue: Promise<void> = Promise.resolve();
  private savepointSeq = 0;
  /** Reference checks on the write path (SQLite's foreign-key enforcement is off: see known-ids.ts). */
  private readonly knownUsers: KnownIds;
  private readonly knownPosts: KnownIds;
  /** Background checkpoints of file databases (none for `:memory:`). */
  private readonly checkpointer: WalCheckpointer | undefined;

  constructor(config: SqliteStoreConfig) {
    this.path = config.path;
    try {
      createPrivateFile(config.path);
      this.db = new Database(config.path);
    } catch (e) {
      if (/directory does not exist/i.test((e as Error).message)) throw createError('FILE_NOT_FOUND', { path: config.path }, e);
      throw createError('STORE_CORRUPT', { path: config.path, problem: (e as Error).message }, e);
    }
    try {
      // WAL: readers never block the writer; NORMAL sync is safe with WAL (a crash may lose the last commits,
      // never corrupt the file).
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // References are checked in-process against KnownIds (a third of ingestion time was SQLite's FK probes).
      this.db.pragma('foreign_keys = OFF');
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(config.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
      this.db.pragma('temp_store = MEMORY');
      // 64 MiB page cache (negative = KiB): the event indexes stay hot during bulk ingestion.
      this.db.pragma('cache_size = -65536');
      // Checkpoints run on a background thread once the WAL grows (wal-checkpointer.ts); this connection's own
      // autocheckpoint is only the backstop, at 50,000 pages (200 MiB at 4 KiB pages) rather than SQLite's 1,000,
      // so its fsyncs rarely stall the event loop. After a checkpoint the WAL file is reused from its start and
      // only truncated beyond 256 MiB: a WAL cut shorter must grow again, and each block it allocates can wait
      // for the file system's journal behind the checkpointer's fsync (measured: 90–100 k events/s at a 64 MiB
      // limit, 128–142 k at 256 MiB).
      this.db.pragma('wal_autocheckpoint = 50000');
      this.db.pragma('journal_size_limit = 268435456');
      migrate(this.db, config.migrations ?? SQLITE_MIGRATIONS);
      this.knownUsers = new KnownIds(this.db, 'users');
      this.knownPosts = new KnownIds(this.db, 'posts');
      this.checkpointer = config.path === ':memory:' || config.path === '' ? undefined : new WalCheckpointer(config.path);
    } catch (e) {
      this.db.close();
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
        throw createError('STORE_CORRUPT', { path: config.path, problem: (e as Error).message }, e);
      }
      throw e;
    }
  }

  /** True for a database file, which other processes may write too (imports then commit in chunks). */
  get multiProcess(): boolean {
    return this.path !== ':memory:' && this.path !== '';
  }

  /** Schema version the database is at. */
  schemaVersion(): number {
    return currentVersion(this.db);
  }

  // ---------------------------------------------------------------- writes

  async write(batch: WriteBatch): Promise<WriteResult> {
    if (this.inTransaction.getStore()?.open) return this.writeInSavepoint(batch);
    return this.exclusive(async () => {
      this.begin();
      try {
        const summary = this.apply(batch, true);
        this.commit();
        return summary;
      } catch (e) {
        this.rollback();
        throw asWriteError(e);
      }
    });
  }

  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    // Nested: the outer transaction already holds the connection; run fn inside a savepoint.
    if (this.inTransaction.getStore()?.open) return this.nested(fn);
    return this.exclusive(async () => {
      // `open` goes false at the end so promises that outlive fn do not write into a later transaction.
      const context = { open: true };
      try {
        return await this.inTransaction.run(context, async () => {
          this.begin();
          try {
            const result = await fn({ write: (b) => this.writeInSavepoint(b, false) });
            this.commit();
            return result;
          } catch (e) {
            if (this.db.inTransaction) this.rollback();
            else this.forgetUncommittedIds();
            throw asBusyError(e);
          } finally {
            context.open = false;
          }
        });
      } finally {
        // On Node 20 an enabled AsyncLocalStorage makes every promise in the process ~2.5× dearer (promise
        // hooks); switch it off between transactions (`run` switches it back on).
        this.inTransaction.disable();
      }
    });
  }

  private async nested<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    const name = `nested_${++this.savepointSeq}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn({ write: (b) => this.writeInSavepoint(b, false) });
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (e) {
      this.rollbackTo(name);
      throw e;
    }
  }

  /**
   * A transaction's writer (`withIds` false: bulk imports and generation) skips collecting the inserted event
   * ids, which costs a RETURNING row per new event; `Store.write` from inside a transaction still reports them.
   */
  private async writeInSavepoint(batch: WriteBatch): Promise<WriteResult>;
  private async writeInSavepoint(batch: WriteBatch, withIds: false): Promise<WriteSummary>;
  private async writeInSavepoint(batch: WriteBatch, withIds = true): Promise<WriteSummary> {
    const name = `batch_${++this.savepointSeq}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const summary = this.apply(batch, withIds);
      this.db.exec(`RELEASE ${name}`);
      return summary;
    } catch (e) {
      this.rollbackTo(name);
      throw asWriteError(e);
    }
  }

  /** Takes the write lock, waiting at most busyTimeoutMs for another connection to release it (STORE_BUSY). */
  private begin(): void {
    try {
      this.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      throw asWriteError(e);
    }
  }

  private commit(): void {
    this.db.exec('COMMIT');
    this.knownUsers.commit();
    this.knownPosts.commit();
    this.checkpointer?.afterCommit();
  }

  private rollback(): void {
    // Some errors (SQLITE_FULL, SQLITE_IOERR …) have already rolled the transaction back.
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.forgetUncommittedIds();
  }

  private rollbackTo(savepoint: string): void {
    this.db.exec(`ROLLBACK TO ${savepoint}`);
    this.db.exec(`RELEASE ${savepoint}`);
    this.forgetUncommittedIds();
  }

  private forgetUncommittedIds(): void {
    this.knownUsers.forgetUncommitted();
    this.knownPosts.forgetUncommitted();
  }

  /** Runs fn when every earlier exclusive section has finished. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Retracted events, deleted posts (with every event on them) and ingest state, after the batch's rows. */
  private applyDeletesAndState(batch: WriteBatch, summary: WriteSummary): void {
    if (batch.deleteEvents && batch.deleteEvents.length > 0) {
      const del = this.stmt('DELETE FROM events WHERE id = ?');
      summary.deletedEvents = 0;
      for (const id of batch.deleteEvents) summary.deletedEvents += del.run(id).changes;
    }
    if (batch.deletePosts && batch.deletePosts.length > 0) {
      const delEvents = this.stmt('DELETE FROM events WHERE post_id = ?');
      const delPost = this.stmt('DELETE FROM posts WHERE id = ?');
      const mark = this.stmt('INSERT OR REPLACE INTO deleted_posts (id, author, deleted_at) SELECT id, author, ? FROM posts WHERE id = ?');
      const at = Date.now();
      summary.deletedPosts = 0;
      for (const id of batch.deletePosts) {
        mark.run(at, id);
        delEvents.run(id);
        summary.deletedPosts += delPost.run(id).changes;
        this.knownPosts.forget([id]);
      }
    }
    if (batch.state && batch.state.length > 0) {
      const put = this.stmt('INSERT INTO ingest_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
      const del = this.stmt('DELETE FROM ingest_state WHERE key = ?');
      for (const { key, value } of batch.state) {
        if (value === null) del.run(key);
        else put.run(key, value);
      }
    }
  }

  /** Applies a batch on the open transaction, in the order users, posts, follows, unfollows, events. */
  private apply(batch: WriteBatch, withIds: true): WriteResult;
  private apply(batch: WriteBatch, withIds: boolean): WriteSummary;
  private apply(batch: WriteBatch, withIds: boolean): WriteSummary {
    const summary: WriteSummary = { users: 0, posts: 0, follows: 0, unfollows: 0, events: 0, duplicateEvents: 0 };
    const events = batch.events ?? [];
    const firstOf = new Map<string, Event>();
    for (const e of events) {
      const seen = firstOf.get(e.id);
      if (seen === undefined) firstOf.set(e.id, e);
      else if (!sameEvent(seen, e)) throw createError('DUPLICATE_ID', { kind: 'event', id: e.id });
    }

    const upsertUser = this.stmt(
      `INSERT INTO users (id, name, created_at, features, personalization, languages, smart_replies) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at, features = excluded.features,
         personalization = excluded.personalization, languages = excluded.languages, smart_replies = excluded.smart_replies`,
    );
    // Writing an erased id creates a new user: it is no longer erased.
    const unErase = this.stmt('DELETE FROM erased_users WHERE id = ?');
    for (const u of batch.users ?? []) {
      upsertUser.run(u.id, u.name ?? null, u.created_at ?? null, json(u.features), u.personalization === undefined ? null : Number(u.personalization), json(u.languages), u.smartReplies === undefined ? null : Number(u.smartReplies));
      unErase.run(u.id);
      this.knownUsers.add(u.id);
      summary.users++;
    }

    // A post's author is immutable: the update applies only when the author is the same, so no change means
    // another author owns the post (any key may write posts; only the owner's rows may be edited).
    const upsertPost = this.stmt(
      `INSERT INTO posts (id, author, text, created_at, tags, reply_to, lang, features, search_text, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET text = excluded.text, created_at = excluded.created_at,
         tags = excluded.tags, reply_to = excluded.reply_to, lang = excluded.lang, features = excluded.features,
         search_text = excluded.search_text, mentions = excluded.mentions
       WHERE posts.author = excluded.author`,
    );
    // A post written again is no longer deleted.
    const undelete = this.stmt('DELETE FROM deleted_posts WHERE id = ?');
    (batch.posts ?? []).forEach((p, i) => {
      this.requireUser(`posts[${i}].author`, p.author);
      undelete.run(p.id);
      const changed = upsertPost.run(p.id, p.author, p.text ?? '', p.created_at, JSON.stringify(p.tags ?? []), p.reply_to ?? null, p.lang ?? null, json(p.features), indexedText(p.text ?? ''), p.mentions && p.mentions.length > 0 ? JSON.stringify(p.mentions) : null).changes;
      if (changed === 0) {
        const author = this.stmt('SELECT author FROM posts WHERE id = ?').pluck().get(p.id) as string;
        throw createError('POST_AUTHOR_IMMUTABLE', { field: `posts[${i}].author`, id: p.id, author, attempted: p.author });
      }
      this.knownPosts.add(p.id);
      summary.posts++;
    });

    const upsertFollow = this.stmt(
      `INSERT INTO follows (follower, followee, created_at) VALUES (?, ?, ?)
       ON CONFLICT (follower, followee) DO UPDATE SET created_at = coalesce(excluded.created_at, follows.created_at)`,
    );
    (batch.follows ?? []).forEach((f, i) => {
      this.requireUser(`follows[${i}].follower`, f.follower);
      this.requireUser(`follows[${i}].followee`, f.followee);
      upsertFollow.run(f.follower, f.followee, f.created_at ?? null);
      summary.follows++;
    });

    const deleteFollow = this.stmt('DELETE FROM follows WHERE follower = ? AND followee = ?');
    for (const f of batch.unfollows ?? []) summary.unfollows += deleteFollow.run(f.follower, f.followee).changes;

    events.forEach((e, i) => this.checkEventReferences(e, i));
    const ids = withIds ? new Set<string>() : undefined;
    const inserted = this.insertEvents(events, ids);
    // Fewer new rows than distinct ids: some were stored already, and each must state the same fact (a retry).
    if (inserted < firstOf.size) this.checkEventRetries([...firstOf.values()]);
    summary.events += inserted;
    summary.duplicateEvents += events.length - inserted;
    this.applyDeletesAndState(batch, summary);
    if (ids === undefined) return summary;
    // RETURNING gives no order: restore the batch's (a repeat within the batch is listed once).
    const insertedEventIds: string[] = [];
    if (ids.size > 0) for (const e of events) if (ids.delete(e.id)) insertedEventIds.push(e.id);
    const result: WriteResult = { ...summary, insertedEventIds };
    return result;
  }

  /**
   * INSERT OR IGNORE in statements of EVENT_ROWS_PER_STATEMENT rows (one native call per 64 rows instead of
   * per row); returns how many were new, and adds their ids to `ids` when given (RETURNING id). References were
   * checked before; a chunk that fails for another reason is replayed row by row so the error comes from the
   * first bad row.
   */
  private insertEvents(events: readonly Event[], ids: Set<string> | undefined): number {
    const returning = ids === undefined ? '' : ' RETURNING id';
    const single = this.stmt(`INSERT OR IGNORE INTO events (${EVENT_COLUMNS}) VALUES ${eventPlaceholders(1)}${returning}`);
    const multi = this.stmt(`INSERT OR IGNORE INTO events (${EVENT_COLUMNS}) VALUES ${eventPlaceholders(EVENT_ROWS_PER_STATEMENT)}${returning}`);
    const exec = (stmt: Database.Statement, params: unknown[]): number => {
      if (ids === undefined) return stmt.run(params).changes;
      const rows = stmt.pluck().all(params) as string[];
      for (const id of rows) ids.add(id);
      return rows.length;
    };
    let inserted = 0;
    const params: unknown[] = new Array<unknown>(EVENT_ROWS_PER_STATEMENT * EVENT_PARAMS);
    let start = 0;
    for (; start + EVENT_ROWS_PER_STATEMENT <= events.length; start += EVENT_ROWS_PER_STATEMENT) {
      for (let k = 0; k < EVENT_ROWS_PER_STATEMENT; k++) eventParams(events[start + k]!, params, k * EVENT_PARAMS);
      try {
        inserted += exec(multi, params);
      } catch (err) {
        // The failed statement changed nothing; find the culprit one row at a time (this throws).
        for (let k = 0; k < EVENT_ROWS_PER_STATEMENT; k++) inserted += exec(single, eventRow(events[start + k]!));
        throw err;
      }
    }
    for (; start < events.length; start++) inserted += exec(single, eventRow(events[start]!));
    return inserted;
  }

  /** Throws EVENT_ID_CONFLICT when a stored event with one of these ids states another fact. */
  private checkEventRetries(events: readonly Event[]): void {
    const stored = (this.stmt(`SELECT ${EVENT_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(events.map((e) => e.id))) as EventRow[]).map(toEvent);
    const conflicts = conflictingEventIds(events, stored);
    if (conflicts.length > 0) throw eventIdConflict(conflicts);
  }

  /**
   * An event's user, post and target user must exist, unless its id is already stored (a retry, compared with the
   * stored event after the insert), so only the (rare) failing path asks whether it is a retry.
   */
  private checkEventReferences(e: Event, i: number): void {
    const missing =
      !this.knownUsers.has(e.user) ? ['user', 'user', e.user] as const
      : e.post !== undefined && !this.knownPosts.has(e.post) ? ['post', 'post', e.post] as const
      : e.target_user !== undefined && !this.knownUsers.has(e.target_user) ? ['target_user', 'user', e.target_user] as const
      : undefined;
    if (missing === undefined) return;
    if (this.stmt('SELECT 1 FROM events WHERE id = ?').get(e.id) !== undefined) return;
    const [field, kind, id] = missing;
    throw createError('UNKNOWN_REFERENCE', { field: `events[${i}].${field}`, kind, id });
  }

  private requireUser(field: string, id: string): void {
    if (!this.knownUsers.has(id)) throw createError('UNKNOWN_REFERENCE', { field, kind: 'user', id });
  }

  private requirePost(field: string, id: string): void {
    if (!this.knownPosts.has(id)) throw createError('UNKNOWN_REFERENCE', { field, kind: 'post', id });
  }

  // ---------------------------------------------------------------- reads

  async getUser(id: string): Promise<User | undefined> {
    const row = this.stmt('SELECT id, name, created_at, features, personalization, languages, smart_replies FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row && toUser(row);
  }

  async getPost(id: string): Promise<Post | undefined> {
    const row = this.stmt(`SELECT ${POST_COLUMNS} FROM posts p WHERE p.id = ?`).get(id) as PostRow | undefined;
    return row && toPost(row);
  }

  async getPosts(ids: readonly string[]): Promise<Post[]> {
    if (ids.length === 0) return [];
    const rows = this.stmt(
      `SELECT ${POST_COLUMNS} FROM json_each(?) j JOIN posts p ON p.id = j.value ORDER BY j.key`,
    ).all(JSON.stringify(ids)) as PostRow[];
    return rows.map(toPost);
  }

  async existingUsers(ids: readonly string[]): Promise<Set<string>> {
    return this.existing('users', ids);
  }

  async readState(keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = this.stmt('SELECT s.key, s.value FROM json_each(?) j JOIN ingest_state s ON s.key = j.value').all(JSON.stringify(keys)) as { key: string; value: string }[];
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async existingPosts(ids: readonly string[]): Promise<Set<string>> {
    return this.existing('posts', ids);
  }

  private existing(table: 'users' | 'posts', ids: readonly string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.stmt(`SELECT t.id FROM json_each(?) j JOIN ${table} t ON t.id = j.value`).pluck().all(JSON.stringify(ids)) as string[];
    return new Set(rows);
  }

  async userEvents(userId: string, query: EventQuery = {}): Promise<Event[]> {
    const rows = this.stmt(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = ? AND ts >= ? AND ts < ?
         AND (? IS NULL OR type IN (SELECT value FROM json_each(?)))
       ORDER BY ts DESC, rowid DESC LIMIT ?`,
    ).all(userId, query.since ?? MIN_TIME, query.before ?? MAX_TIME, ...typeFilter(query.types), query.limit ?? -1) as EventRow[];
    return rows.map(toEvent);
  }

  async eventsAbout(targetUserId: string, query: EventQuery = {}): Promise<Event[]> {
    const rows = this.stmt(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE target_user_id = ? AND ts >= ? AND ts < ?
         AND (? IS NULL OR type IN (SELECT value FROM json_each(?)))
       ORDER BY ts DESC, rowid DESC LIMIT ?`,
    ).all(targetUserId, query.since ?? MIN_TIME, query.before ?? MAX_TIME, ...typeFilter(query.types), query.limit ?? -1) as EventRow[];
    return rows.map(toEvent);
  }

  async eventsBetween(since: number, before: number, query: Omit<EventQuery, 'since' | 'before'> = {}): Promise<Event[]> {
    const rows = this.stmt(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ts >= ? AND ts < ?
         AND (? IS NULL OR type IN (SELECT value FROM json_each(?)))
       ORDER BY ts DESC, rowid DESC LIMIT ?`,
    ).all(since, before, ...typeFilter(query.types), query.limit ?? -1) as EventRow[];
    return rows.map(toEvent);
  }

  async postsBetween(since: number, before: number, limit = -1): Promise<Post[]> {
    const rows = this.stmt(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.created_at >= ? AND p.created_at < ? ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?`,
    ).all(since, before, limit) as PostRow[];
    return rows.map(toPost);
  }

  async postsByAuthors(authorIds: readonly string[], limit: number, since = MIN_TIME): Promise<Post[]> {
    if (authorIds.length === 0) return [];
    const rows = this.stmt(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.author IN (SELECT value FROM json_each(?)) AND p.created_at >= ?
       ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?`,
    ).all(JSON.stringify(authorIds), since, limit) as PostRow[];
    return rows.map(toPost);
  }

  async postsMentioning(userId: string, limit: number, since = MIN_TIME): Promise<Post[]> {
    const rows = this.stmt(
      `SELECT ${POST_COLUMNS} FROM post_mentions m JOIN posts p ON p.id = m.post_id WHERE m.user_id = ? AND p.created_at >= ?
       ORDER BY p.created_at DESC, p.rowid DESC LIMIT ?`,
    ).all(userId, since, limit) as PostRow[];
    return rows.map(toPost);
  }

  async following(userId: string): Promise<string[]> {
    return this.stmt('SELECT followee FROM follows WHERE follower = ? ORDER BY followee').pluck().all(userId) as string[];
  }

  async followers(userId: string): Promise<string[]> {
    return this.stmt('SELECT follower FROM follows WHERE followee = ? ORDER BY follower').pluck().all(userId) as string[];
  }

  async repliesTo(postId: string, limit: number): Promise<Post[]> {
    const rows = this.stmt(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.reply_to = ? ORDER BY p.created_at, p.rowid LIMIT ?`,
    ).all(postId, limit) as PostRow[];
    return rows.map(toPost);
  }

  async takeDown(t: Takedown): Promise<boolean> {
    return this.exclusive(async () => {
      if (this.stmt('SELECT 1 FROM posts WHERE id = ?').get(t.post) === undefined) return false;
      this.begin();
      try {
        const added = this.stmt('INSERT OR IGNORE INTO takedowns (post_id, at, actor, reason) VALUES (?, ?, ?, ?)').run(t.post, t.at, t.actor ?? null, t.reason ?? null).changes;
        if (added > 0) this.audit({ at: t.at, action: 'takedown', subject: t.post, actor: t.actor, ...(t.reason !== undefined ? { details: { reason: t.reason } } : {}) });
        this.commit();
        return true;
      } catch (e) {
        this.rollback();
        throw asWriteError(e);
      }
    });
  }

  async takenDown(postIds: readonly string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    return new Set(this.stmt(
      `SELECT t.post_id FROM json_each(?) j JOIN takedowns t ON t.post_id = j.value
       UNION SELECT d.id FROM json_each(?) j JOIN deleted_posts d ON d.id = j.value`,
    ).pluck().all(JSON.stringify(postIds), JSON.stringify(postIds)) as string[]);
  }

  async deletedPosts(postIds: readonly string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    return new Set(this.stmt('SELECT d.id FROM json_each(?) j JOIN deleted_posts d ON d.id = j.value').pluck().all(JSON.stringify(postIds)) as string[]);
  }

  async getEvent(id: string): Promise<Event | undefined> {
    const row = this.stmt(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`).get(id) as EventRow | undefined;
    return row && toEvent(row);
  }

  async *scanDeletedPosts(): AsyncIterable<DeletedPost> {
    yield* this.stmt('SELECT id, author, deleted_at FROM deleted_posts ORDER BY id').all() as DeletedPost[];
  }

  async takedowns(limit = 100): Promise<Takedown[]> {
    return (this.stmt('SELECT post_id, at, actor, reason FROM takedowns ORDER BY at DESC, post_id LIMIT ?').all(limit) as TakedownRow[]).map(toTakedown);
  }

  async *scanIngestState(): AsyncIterable<{ key: string; value: string }> {
    yield* this.stmt('SELECT key, value FROM ingest_state ORDER BY key').all() as { key: string; value: string }[];
  }

  async *scanTakedowns(): AsyncIterable<Takedown> {
    yield* (this.stmt('SELECT post_id, at, actor, reason FROM takedowns ORDER BY post_id').all() as TakedownRow[]).map(toTakedown);
  }

  /**
   * BM25 search (Robertson & Zaragoza 2009, as FTS5's `bm25()`, which is negated so lower is better: we return
   * its negation). The query is reduced to plain terms, each quoted, joined with OR: FTS syntax in user input is
   * never interpreted, and a post matching more terms scores higher.
   */
  async timeseries(q: TimeseriesQuery): Promise<TimeBucket[]> {
    const rows = this.stmt(SQLITE_SERIES[q.metric]).all({ bucket: q.bucketMs, since: q.since, before: q.before }) as { b: number; v: number }[];
    return rows.map((r) => ({ start: r.b * q.bucketMs, value: r.v }));
  }

  async timeRange(source: 'events' | 'impressions'): Promise<TimeRange | undefined> {
    const r = this.stmt(timeRangeSql(source)).get() as { first: number | null; last: number | null };
    return r.first === null || r.last === null ? undefined : { first: r.first, last: r.last };
  }

  async postEventCounts(postId: string): Promise<Partial<Record<EventType, number>>> {
    const rows = this.stmt(POST_EVENT_COUNTS_SQL.sqlite).all(postId) as { type: EventType; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  }

  async searchPosts(query: string, limit = DEFAULT_SEARCH_LIMIT): Promise<SearchHit[]> {
    const match = toMatchExpression(query);
    if (match === '') return [];
    const rows = this.stmt(
      `SELECT ${POST_COLUMNS}, -bm25(posts_fts) AS score FROM posts_fts JOIN posts p ON p.rowid = posts_fts.rowid
       WHERE posts_fts MATCH ? ORDER BY bm25(posts_fts) LIMIT ?`,
    ).all(match, limit) as (PostRow & { score: number })[];
    return rows.map((r) => ({ post: toPost(r), score: r.score }));
  }

  async counts(): Promise<StoreCounts> {
    const row = this.stmt(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM posts) AS posts,
              (SELECT count(*) FROM follows) AS follows, (SELECT count(*) FROM events) AS events`,
    ).get() as StoreCounts;
    return { ...row };
  }

  // ---------------------------------------------------------------- erasure, export, audit

  async eraseUser(id: string, options: { replies?: 'keep' | 'delete'; actor?: string } = {}): Promise<ErasureSummary | undefined> {
    return this.exclusive(async () => {
      this.begin();
      try {
        const summary = this.erase(id, options.replies ?? 'keep', options.actor);
        this.commit();
        return summary;
      } catch (e) {
        this.rollback();
        throw asWriteError(e);
      }
    });
  }

  private erase(id: string, replies: 'keep' | 'delete', actor: string | undefined): ErasureSummary | undefined {
    if (this.stmt('SELECT 1 FROM users WHERE id = ?').get(id) === undefined) return undefined;
    const run = (sql: string, ...params: unknown[]): number => this.stmt(sql).run(...params).changes;
    const own = this.stmt('SELECT id FROM posts WHERE author = ?').pluck().all(id) as string[];
    const replyIds = replies === 'delete' ? (this.stmt(`SELECT id FROM posts WHERE reply_to IN (SELECT value FROM json_each(?)) AND author <> ?`).pluck().all(JSON.stringify(own), id) as string[]) : [];
    const gone = JSON.stringify([...own, ...replyIds]);
    const events = run('DELETE FROM events WHERE user_id = ? OR target_user_id = ?', id, id) + run('DELETE FROM events WHERE post_id IN (SELECT value FROM json_each(?))', gone);
    const follows = run('DELETE FROM follows WHERE follower = ? OR followee = ?', id, id);
    const impressions = eraseImpressions(this.db, id, [...own, ...replyIds]);
    run('DELETE FROM sponsored_impressions WHERE user_id = ?', id);
    run('DELETE FROM takedowns WHERE post_id IN (SELECT value FROM json_each(?))', gone);
    run('DELETE FROM deleted_posts WHERE author = ?', id);
    run(`UPDATE posts SET mentions = (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(value) END FROM json_each(posts.mentions) WHERE value <> ?)
         WHERE id IN (SELECT post_id FROM post_mentions WHERE user_id = ?)`, id, id);
    run('DELETE FROM posts WHERE id IN (SELECT value FROM json_each(?))', gone);
    run('DELETE FROM users WHERE id = ?', id);
    run('INSERT OR REPLACE INTO erased_users (id, erased_at) VALUES (?, ?)', id, Date.now());
    const summary: ErasureSummary = { user: id, posts: own.length, replies: replyIds.length, follows, events, impressions };
    this.audit({ at: Date.now(), action: 'erase', subject: id, actor, details: { ...summary } });
    // The id caches hold only ids known to exist: forget the erased ones.
    this.knownUsers.forget([id]);
    this.knownPosts.forget([...own, ...replyIds]);
    return summary;
  }

  async isErased(id: string): Promise<boolean> {
    return this.stmt('SELECT 1 FROM erased_users WHERE id = ?').get(id) !== undefined;
  }

  async exportUser(id: string, options: { actor?: string } = {}): Promise<UserExport | undefined> {
    const user = await this.getUser(id);
    if (!user) return undefined;
    const posts = (this.stmt(`SELECT ${POST_COLUMNS} FROM posts p WHERE p.author = ? ORDER BY p.created_at, p.rowid`).all(id) as PostRow[]).map(toPost);
    const events = (this.stmt(`SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = ? ORDER BY ts, rowid`).all(id) as EventRow[]).map(toEvent);
    const impressions: Impression[] = [];
    for await (const row of scanImpressions(this.db, { userId: id })) impressions.push(row);
    const takedowns = (this.stmt('SELECT t.post_id, t.at, t.actor, t.reason FROM takedowns t JOIN posts p ON p.id = t.post_id WHERE p.author = ? ORDER BY t.post_id').all(id) as TakedownRow[]).map(toTakedown);
    const mentionedIn = (await this.postsMentioning(id, -1)).map((p) => p.id);
    const out: UserExport = { user, posts, following: await this.following(id), followers: await this.followers(id), events, impressions, takedowns, mentionedIn };
    await this.exclusive(async () => this.audit({ at: Date.now(), action: 'export', subject: id, actor: options.actor, details: { posts: posts.length, events: events.length } }));
    return out;
  }

  async userFlags(): Promise<{ erased: string[]; unpersonalized: string[] }> {
    return {
      erased: this.stmt('SELECT id FROM erased_users').pluck().all() as string[],
      unpersonalized: this.stmt('SELECT id FROM users WHERE personalization = 0').pluck().all() as string[],
    };
  }

  async auditLog(limit = 100): Promise<AuditEntry[]> {
    const rows = this.stmt('SELECT at, action, subject, actor, details FROM audit_log ORDER BY seq DESC LIMIT ?').all(limit) as AuditRow[];
    return rows.map(toAuditEntry);
  }

  async *scanErasedUsers(): AsyncIterable<ErasedUser> {
    yield* this.stmt('SELECT id, erased_at FROM erased_users ORDER BY id').all() as ErasedUser[];
  }

  async *scanAuditLog(): AsyncIterable<AuditEntry> {
    const page = this.stmt('SELECT seq, at, action, subject, actor, details FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    let last = 0;
    while (true) {
      const rows = page.all(last, SCAN_PAGE) as (AuditRow & { seq: number })[];
      for (const r of rows) yield toAuditEntry(r);
      if (rows.length < SCAN_PAGE) return;
      last = rows[rows.length - 1]!.seq;
    }
  }

  async writeRecords(records: StoreRecords): Promise<void> {
    const apply = (): void => {
      const erased = this.stmt('INSERT OR REPLACE INTO erased_users (id, erased_at) VALUES (?, ?)');
      for (const e of records.erasedUsers ?? []) erased.run(e.id, e.erased_at);
      const takedown = this.stmt('INSERT OR REPLACE INTO takedowns (post_id, at, actor, reason) VALUES (?, ?, ?, ?)');
      for (const t of records.takedowns ?? []) takedown.run(t.post, t.at, t.actor ?? null, t.reason ?? null);
      const deleted = this.stmt('INSERT OR REPLACE INTO deleted_posts (id, author, deleted_at) VALUES (?, ?, ?)');
      for (const d of records.deletedPosts ?? []) deleted.run(d.id, d.author, d.deleted_at);
      for (const a of records.audit ?? []) this.audit(a);
      campaignRows.writeCopied(this.db, records);
    };
    if (this.inTransaction.getStore()?.open) return apply();
    return this.exclusive(async () => {
      this.begin();
      try {
        apply();
        this.commit();
      } catch (e) {
        this.rollback();
        throw asWriteError(e);
      }
    });
  }

  async writeImpressions(pages: readonly ServedPage[]): Promise<number> {
    if (pages.length === 0) return 0;
    if (this.inTransaction.getStore()?.open) return insertImpressions(this.db, pages);
    return this.exclusive(async () => {
      this.begin();
      try {
        const inserted = insertImpressions(this.db, pages);
        this.commit();
        return inserted;
      } catch (e) {
        this.rollback();
        throw asWriteError(e);
      }
    });
  }

  scanImpressions(query?: ImpressionQuery): AsyncIterable<Impression> {
    return scanImpressions(this.db, query);
  }

  async deleteExpired(cutoffs: ExpiryCutoffs, options: { chunkRows?: number } = {}): Promise<ExpiredRows> {
    const chunk = options.chunkRows ?? EXPIRY_CHUNK_ROWS;
    // Oldest first in both tables (events by their ts index, impressions in rowid order, which is logging order).
    const events = cutoffs.events === undefined ? 0 : await this.deleteInChunks('DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE ts < ? ORDER BY ts LIMIT ?)', cutoffs.events, chunk);
    const impressionPages = cutoffs.impressions === undefined ? 0 : await this.deleteInChunks('DELETE FROM impressions WHERE rowid IN (SELECT rowid FROM impressions WHERE at < ? LIMIT ?)', cutoffs.impressions, chunk);
    return { events, impressionPages };
  }

  /** Runs a chunked delete until it deletes nothing, one transaction per chunk (others' writes go in between). */
  private async deleteInChunks(sql: string, cutoff: number, chunk: number): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.exclusive(async () => {
        this.begin();
        try {
          const changes = this.stmt(sql).run(cutoff, chunk).changes;
          this.commit();
          return changes;
        } catch (e) {
          this.rollback();
          throw asWriteError(e);
        }
      });
      total += n;
      if (n < chunk) return total;
    }
  }

  async knownRequestIds(ids: readonly string[]): Promise<Set<string>> {
    return knownRequestIds(this.db, ids);
  }

  // ---------------------------------------------------------------- sponsored campaigns

  /** Runs fn in a write transaction of its own, or in the open one. */
  private async inWrite<T>(fn: () => T): Promise<T> {
    if (this.inTransaction.getStore()?.open) return fn();
    return this.exclusive(async () => {
      this.begin();
      try {
        const out = fn();
        this.commit();
        return out;
      } catch (e) {
        this.rollback();
        throw asWriteError(e);
      }
    });
  }

  putCampaign(campaign: Campaign): Promise<void> {
    return this.inWrite(() => campaignRows.putCampaign(this.db, campaign));
  }

  async getCampaign(id: string): Promise<Campaign | undefined> {
    return campaignRows.getCampaign(this.db, id);
  }

  async campaigns(): Promise<Campaign[]> {
    return campaignRows.listCampaigns(this.db);
  }

  deleteCampaign(id: string): Promise<boolean> {
    return this.inWrite(() => campaignRows.deleteCampaign(this.db, id));
  }

  recordSponsoredImpressions(rows: readonly SponsoredImpression[]): Promise<number> {
    if (rows.length === 0) return Promise.resolve(0);
    return this.inWrite(() => campaignRows.insertSponsored(this.db, rows));
  }

  recordSponsoredClicks(clicks: readonly SponsoredClick[]): Promise<SponsoredImpression[]> {
    if (clicks.length === 0) return Promise.resolve([]);
    return this.inWrite(() => campaignRows.markClicks(this.db, clicks));
  }

  async campaignDays(query: { campaignId?: string; since?: string } = {}): Promise<CampaignDay[]> {
    return campaignRows.campaignDays(this.db, query);
  }

  async sponsoredImpressions(query: { userId?: string; since?: number } = {}): Promise<SponsoredImpression[]> {
    return campaignRows.sponsoredImpressions(this.db, query);
  }

  private audit(e: AuditEntry): void {
    this.stmt('INSERT INTO audit_log (at, action, subject, actor, details) VALUES (?, ?, ?, ?, ?)').run(e.at, e.action, e.subject, e.actor ?? null, e.details ? JSON.stringify(e.details) : null);
  }

  // ---------------------------------------------------------------- scans

  scanUsers(): AsyncIterable<User> {
    return this.scanByRowid<UserRow, User>('SELECT rowid AS _rowid, id, name, created_at, features, personalization, languages, smart_replies FROM users', toUser);
  }

  scanPosts(): AsyncIterable<Post> {
    return this.scanByRowid<PostRow, Post>(`SELECT p.rowid AS _rowid, ${POST_COLUMNS} FROM posts p`, toPost, 'p.rowid');
  }

  scanFollows(): AsyncIterable<Follow> {
    return this.scanByRowid<FollowRow, Follow>('SELECT rowid AS _rowid, follower, followee, created_at FROM follows', toFollow);
  }

  /** Events in ascending (ts, rowid) order, paged by that key; rows come as arrays (half the cost of objects). */
  async *scanEvents(): AsyncIterable<Event> {
    const page = this.stmt(
      `SELECT ${EVENT_COLUMNS}, rowid FROM events WHERE (ts, rowid) > (?, ?) ORDER BY ts, rowid LIMIT ?`,
    ).raw(true);
    let lastTs = -Infinity, lastRowid = 0;
    while (true) {
      const rows = page.all(lastTs, lastRowid, SCAN_PAGE) as EventTuple[];
      for (const r of rows) yield tupleToEvent(r);
      if (rows.length < SCAN_PAGE) return;
      const last = rows[rows.length - 1]!;
      lastTs = last[7];
      lastRowid = last[9];
    }
  }

  /**
   * Pages by rowid: each page is read whole (a better-sqlite3 cursor left open across an `await` would make
   * every write on the connection fail with "connection busy"), so memory stays at one page.
   */
  private async *scanByRowid<R, T>(select: string, map: (r: R) => T, rowid = 'rowid'): AsyncIterable<T> {
    const page = this.stmt(`${select} WHERE ${rowid} > ? ORDER BY ${rowid} LIMIT ?`);
    let last = 0;
    while (true) {
      const rows = page.all(last, SCAN_PAGE) as (R & { _rowid: number })[];
      for (const r of rows) yield map(r);
      if (rows.length < SCAN_PAGE) return;
      last = rows[rows.length - 1]!._rowid;
    }
  }

  async close(): Promise<void> {
    await this.queue;
    await this.checkpointer?.stop();
    if (this.db.open) this.db.close();
  }

  /** True once WAL checkpoints run on a background thread (see wal-checkpointer.ts). */
  get backgroundCheckpoints(): boolean {
    return this.checkpointer?.running ?? false;
  }

  /** Prepared statements, cached by their SQL. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

// ------------------------------------------------------------------ migrations

function currentVersion(db: Database.Database): number {
  const v = db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null;
  return v ?? 0;
}

/** Applies the steps above the current version, each in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL NOT NULL)');
  const from = currentVersion(db);
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= from) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(m.version, Date.now());
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw e;
      throw createError('MIGRATION_FAILED', { version: m.version, problem: (e as Error).message }, e);
    }
  }
}

// ------------------------------------------------------------------ helpers

/**
 * Our own errors (UNKNOWN_REFERENCE, DUPLICATE_ID …) pass through; a lock held by another connection becomes
 * STORE_BUSY; other driver errors become STORE_WRITE_FAILED.
 */
function asWriteError(e: unknown): unknown {
  if (isResonateError(e)) return e;
  const busy = asBusyError(e);
  if (busy !== e) return busy;
  return createError('STORE_WRITE_FAILED', { problem: (e as Error).message ?? String(e) }, e);
}

/** SQLITE_BUSY / SQLITE_LOCKED (and their extended codes) become STORE_BUSY; anything else is returned as is. */
function asBusyError(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return createError('STORE_BUSY', { retryAfterSeconds: STORE_BUSY_RETRY_AFTER_SECONDS }, e);
  }
  return e;
}

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

function typeFilter(types: readonly EventType[] | undefined): [string | null, string | null] {
  if (types === undefined) return [null, null];
  const list = JSON.stringify(types);
  return [list, list];
}

function eventPlaceholders(rows: number): string {
  const row = `(${Array.from({ length: EVENT_PARAMS }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}

/** The bound values of one event. */
function eventRow(e: Event): unknown[] {
  const params: unknown[] = new Array<unknown>(EVENT_PARAMS);
  eventParams(e, params, 0);
  return params;
}

/** Writes the bound values of one event (in EVENT_COLUMNS order) into params at offset. */
function eventParams(e: Event, params: unknown[], at: number): void {
  params[at] = e.id;
  params[at + 1] = e.user;
  params[at + 2] = e.type;
  params[at + 3] = e.post ?? null;
  params[at + 4] = e.target_user ?? null;
  params[at + 5] = e.value ?? null;
  params[at + 6] = e.text ?? null;
  params[at + 7] = e.timestamp;
  params[at + 8] = e.request_id ?? null;
}

function sameEvent(a: Event, b: Event): boolean {
  return (
    a.user === b.user && a.type === b.type && a.post === b.post && a.target_user === b.target_user &&
    a.value === b.value && a.text === b.text && a.timestamp === b.timestamp
  );
}

/**
 * Turns free text into a safe FTS5 MATCH expression: letter/number runs, each double-quoted (so operators,
 * column filters and stray quotes are just text), joined with OR. '' when there is no term.
 */
export function toMatchExpression(query: string): string {
  return searchTerms(query).map((t) => `"${t}"`).join(' OR ');
}

interface AuditRow { at: number; action: AuditEntry['action']; subject: string; actor: string | null; details: string | null }

function toAuditEntry(r: AuditRow): AuditEntry {
  return { at: r.at, action: r.action, subject: r.subject, ...(r.actor !== null ? { actor: r.actor } : {}), ...(r.details !== null ? { details: JSON.parse(r.details) as Record<string, unknown> } : {}) };
}

function toUser(r: UserRow): User {
  const u: User = { id: r.id };
  if (r.name !== null) u.name = r.name;
  if (r.created_at !== null) u.created_at = r.created_at;
  if (r.features !== null) u.features = JSON.parse(r.features) as User['features'];
  if (r.personalization !== null) u.personalization = r.personalization !== 0;
  if (r.languages !== null) u.languages = JSON.parse(r.languages) as string[];
  if (r.smart_replies !== null) u.smartReplies = r.smart_replies !== 0;
  return u;
}

function toPost(r: PostRow): Post {
  const p: Post = { id: r.id, author: r.author, text: r.text, created_at: r.created_at, tags: JSON.parse(r.tags) as string[] };
  if (r.reply_to !== null) p.reply_to = r.reply_to;
  if (r.lang !== null) p.lang = r.lang;
  if (r.features !== null) p.features = JSON.parse(r.features) as Post['features'];
  if (r.mentions !== null) p.mentions = JSON.parse(r.mentions) as string[];
  return p;
}

function tupleToEvent(r: EventTuple): Event {
  const e: Event = { id: r[0], user: r[1], type: r[2] as EventType, timestamp: r[7] };
  if (r[3] !== null) e.post = r[3];
  if (r[4] !== null) e.target_user = r[4];
  if (r[5] !== null) e.value = r[5];
  if (r[6] !== null) e.text = r[6];
  if (r[8] !== null) e.request_id = r[8];
  return e;
}

