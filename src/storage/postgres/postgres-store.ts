/**
 * @module PostgresStore: the `Store` contract on PostgreSQL (node-postgres with a connection pool).
 *
 * Every stand-alone write takes a pooled connection and runs `BEGIN … COMMIT` (batch-writer.ts), so writes from
 * different requests and processes run side by side; a deadlock or serialization failure is retried a few times,
 * a row lock held past `lock_timeout` by another transaction is STORE_BUSY. `transaction(fn)` keeps one connection
 * for the whole async `fn`: writes through the writer it hands over, and writes and reads through the store
 * itself from the same async context, run on that connection (each write in a SAVEPOINT, so a failed batch is
 * undone alone); other contexts use other connections and see only committed rows.
 *
 * A lost or refused connection is STORE_UNAVAILABLE (503, a retry hint): the transaction is gone with its
 * connection, so nothing of it was kept; broken connections leave the pool and later requests open new ones.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { createError } from '../../core/errors.js';
import type { EventType } from '../../core/config.js';
import type { Event, Follow, Post, User } from '../../data/schemas.js';
import { EXPIRY_CHUNK_ROWS } from '../store.js';
import type {
  AuditEntry, DeletedPost, ErasedUser, ErasureSummary, EventQuery, ExpiredRows, ExpiryCutoffs, Impression, ImpressionQuery, SearchHit, ServedPage, Store, StoreCounts, StoreRecords, StoreWriter, Takedown, TimeBucket, TimeRange, TimeseriesQuery, UserExport, WriteBatch, WriteResult,
} from '../store.js';
import { POST_EVENT_COUNTS_SQL, POSTGRES_SERIES, timeRangeSql } from '../timeseries-sql.js';
import { applyBatch } from './batch-writer.js';
import { eraseImpressions, insertImpressions, scanImpressions } from './impressions.js';
import { asAvailabilityError, asOpenError, asWriteError, createPool, isBusyError, isConnectionError, parsePostgresUrl } from './connection.js';
import { currentVersion, migratePostgres, POSTGRES_MIGRATIONS, type Migration } from './migrations.js';
import { EVENT_COLUMNS, FOLLOW_COLUMNS, POST_COLUMNS, USER_COLUMNS, toPost, toUser, type PostRow, type UserRow } from './rows.js';
import { toEvent, toFollow, toTakedown, type EventRow, type FollowRow, type TakedownRow } from '../row-mappers.js';
import { searchSql, toTsQuery } from './search.js';
import * as campaignRows from './campaigns.js';
import type { Campaign, CampaignDay, SponsoredClick, SponsoredImpression } from '../../data/campaigns.js';

export interface PostgresStoreConfig {
  /** `postgres://user:password@host:port/database?schema=name&pool_size=n` (see connection.ts). */
  url: string;
  /** Schema steps to apply (tests inject failing ones); defaults to `POSTGRES_MIGRATIONS`. */
  migrations?: readonly Migration[];
}

/** Rows per page of a scan (keyset pagination: no cursor stays open across an `await`). */
const SCAN_PAGE = 5000;
const DEFAULT_SEARCH_LIMIT = 20;
/** Attempts of a stand-alone write that meets a deadlock or serialization failure. */
const WRITE_ATTEMPTS = 3;

/** The connection of an open `transaction(fn)`; `lock` orders the writes made on it. */
interface TxContext {
  client: pg.PoolClient;
  open: boolean;
  lock: Promise<void>;
}

/**
 * Connects, creates the schema if missing and brings it up to date.
 * @example const store = await createPostgresStore({ url: 'postgres://app@db:5432/resonate?schema=feed' });
 */
export async function createPostgresStore(config: PostgresStoreConfig): Promise<PostgresStore> {
  const target = parsePostgresUrl(config.url);
  const pool = createPool(target);
  try {
    await migratePostgres(pool, target.schema, config.migrations ?? POSTGRES_MIGRATIONS);
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw asOpenError(e);
  }
  return new PostgresStore(pool, target.schema);
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** Other processes may write the same database: imports commit batch by batch unless atomic. */
  readonly multiProcess = true;
  private readonly inTransaction = new AsyncLocalStorage<TxContext>();
  private openTransactions = 0;
  private savepointSeq = 0;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    /** The schema the tables live in. */
    readonly schema: string,
  ) {}

  /** Schema version the database is at. */
  async schemaVersion(): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await currentVersion(client, this.schema);
    } finally {
      client.release();
    }
  }

  // ---------------------------------------------------------------- transactions

  /** The open transaction of this async context, if any. */
  private context(): TxContext | undefined {
    const ctx = this.inTransaction.getStore();
    return ctx?.open === true ? ctx : undefined;
  }

  async write(batch: WriteBatch): Promise<WriteResult> {
    const ctx = this.context();
    if (ctx) return this.inSavepoint(ctx, (db) => applyBatch(db, batch, true));
    return this.standalone((db) => applyBatch(db, batch, true));
  }

  async transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    const outer = this.context();
    if (outer) return this.nested(outer, fn);
    const client = await this.connect();
    const ctx: TxContext = { client, open: true, lock: Promise.resolve() };
    const writer: StoreWriter = { write: (b) => this.inSavepoint(ctx, (db) => applyBatch(db, b, false)) };
    let broken = false;
    this.openTransactions++;
    try {
      try {
        await client.query('BEGIN');
      } catch (e) {
        broken = true;
        throw asWriteError(e);
      }
      return await this.inTransaction.run(ctx, async () => {
        let result: T;
        try {
          result = await fn(writer);
        } catch (e) {
          ctx.open = false;
          await ctx.lock;
          broken = !(await rollback(client));
          throw asAvailabilityError(e);
        }
        // Writes fn started but did not await finish inside the transaction; later ones are their own.
        ctx.open = false;
        await ctx.lock;
        try {
          await client.query('COMMIT');
        } catch (e) {
          broken = isConnectionError(e) || !(await rollback(client));
          throw asWriteError(e);
        }
        return result;
      });
    } finally {
      ctx.open = false;
      client.release(broken);
      // An enabled AsyncLocalStorage makes every promise dearer (promise hooks): off between transactions.
      if (--this.openTransactions === 0) this.inTransaction.disable();
    }
  }

  private async nested<T>(ctx: TxContext, fn: (tx: StoreWriter) => Promise<T>): Promise<T> {
    const name = `nested_${++this.savepointSeq}`;
    await this.exclusive(ctx, () => ctx.client.query(`SAVEPOINT ${name}`));
    try {
      const result = await fn({ write: (b) => this.inSavepoint(ctx, (db) => applyBatch(db, b, false)) });
      await this.exclusive(ctx, () => ctx.client.query(`RELEASE SAVEPOINT ${name}`));
      return result;
    } catch (e) {
      await this.exclusive(ctx, () => ctx.client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`)).catch(() => undefined);
      throw asAvailabilityError(e);
    }
  }

  /** Runs fn on the transaction's connection when the writes queued before it are done. */
  private exclusive<T>(ctx: TxContext, fn: () => Promise<T>): Promise<T> {
    const run = ctx.lock.then(fn);
    ctx.lock = run.then(() => undefined, () => undefined);
    return run;
  }

  /** One write inside the open transaction, in a savepoint of its own (undone alone when it fails). */
  private inSavepoint<T>(ctx: TxContext, fn: (db: pg.ClientBase) => Promise<T>): Promise<T> {
    // A writer used after its transaction ended writes on its own.
    if (!ctx.open) return this.standalone(fn);
    return this.exclusive(ctx, async () => {
      const name = `batch_${++this.savepointSeq}`;
      try {
        await ctx.client.query(`SAVEPOINT ${name}`);
        const result = await fn(ctx.client);
        await ctx.client.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (e) {
        if (!isConnectionError(e)) await ctx.client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`).catch(() => undefined);
        throw asWriteError(e);
      }
    });
  }

  /** fn in a transaction of its own on a pooled connection; retried on deadlock or serialization failure. */
  private async standalone<T>(fn: (db: pg.ClientBase) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (e) {
        broken = isConnectionError(e) || !(await rollback(client));
        if (attempt < WRITE_ATTEMPTS && isBusyError(e) && (e as { code?: string }).code !== '55P03') continue;
        throw asWriteError(e);
      } finally {
        client.release(broken);
      }
    }
  }

  private async connect(): Promise<pg.PoolClient> {
    if (this.closed) throw createError('STORE_WRITE_FAILED', { problem: 'the store is closed' });
    try {
      return await this.pool.connect();
    } catch (e) {
      throw asWriteError(e);
    }
  }

  /** A read on the open transaction's connection (it sees its own rows), else on the pool. */
  private async rows<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    const ctx = this.context();
    try {
      return (await (ctx ? ctx.client : this.pool).query<R>(sql, params)).rows;
    } catch (e) {
      throw asAvailabilityError(e);
    }
  }

  // ---------------------------------------------------------------- reads

  async getUser(id: string): Promise<User | undefined> {
    const rows = await this.rows<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  async getPost(id: string): Promise<Post | undefined> {
    const rows = await this.rows<PostRow>(`SELECT ${POST_COLUMNS} FROM posts p WHERE p.id = $1`, [id]);
    return rows[0] && toPost(rows[0]);
  }

  async getPosts(ids: readonly string[]): Promise<Post[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows<PostRow>(
      `SELECT ${POST_COLUMNS} FROM unnest($1::text[]) WITH ORDINALITY AS j(id, ord) JOIN posts p ON p.id = j.id ORDER BY j.ord`,
      [ids],
    );
    return rows.map(toPost);
  }

  async existingUsers(ids: readonly string[]): Promise<Set<string>> {
    return this.existing('users', ids);
  }

  async readState(keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await this.rows<{ key: string; value: string }>('SELECT key, value FROM ingest_state WHERE key = ANY($1::text[])', [keys]);
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  async existingPosts(ids: readonly string[]): Promise<Set<string>> {
    return this.existing('posts', ids);
  }

  private async existing(table: 'users' | 'posts', ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.rows<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1::text[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async userEvents(userId: string, query: EventQuery = {}): Promise<Event[]> {
    const rows = await this.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = $1 AND ts >= $2 AND ts < $3 AND ($4::text[] IS NULL OR type = ANY($4))
       ORDER BY ts DESC, seq DESC LIMIT $5`,
      [userId, query.since ?? -Infinity, query.before ?? Infinity, typeList(query.types), limitParam(query.limit)],
    );
    return rows.map(toEvent);
  }

  async eventsAbout(targetUserId: string, query: EventQuery = {}): Promise<Event[]> {
    const rows = await this.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE target_user_id = $1 AND ts >= $2 AND ts < $3 AND ($4::text[] IS NULL OR type = ANY($4))
       ORDER BY ts DESC, seq DESC LIMIT $5`,
      [targetUserId, query.since ?? -Infinity, query.before ?? Infinity, typeList(query.types), limitParam(query.limit)],
    );
    return rows.map(toEvent);
  }

  async eventsBetween(since: number, before: number, query: Omit<EventQuery, 'since' | 'before'> = {}): Promise<Event[]> {
    const rows = await this.rows<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE ts >= $1 AND ts < $2 AND ($3::text[] IS NULL OR type = ANY($3))
       ORDER BY ts DESC, seq DESC LIMIT $4`,
      [since, before, typeList(query.types), limitParam(query.limit)],
    );
    return rows.map(toEvent);
  }

  async postsBetween(since: number, before: number, limit?: number): Promise<Post[]> {
    const rows = await this.rows<PostRow>(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.created_at >= $1 AND p.created_at < $2 ORDER BY p.created_at DESC, p.seq DESC LIMIT $3`,
      [since, before, limitParam(limit)],
    );
    return rows.map(toPost);
  }

  async postsByAuthors(authorIds: readonly string[], limit: number, since = -Infinity): Promise<Post[]> {
    if (authorIds.length === 0) return [];
    const rows = await this.rows<PostRow>(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.author = ANY($1::text[]) AND p.created_at >= $2
       ORDER BY p.created_at DESC, p.seq DESC LIMIT $3`,
      [authorIds, since, limitParam(limit)],
    );
    return rows.map(toPost);
  }

  async repliesTo(postId: string, limit: number): Promise<Post[]> {
    const rows = await this.rows<PostRow>(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.reply_to = $1 ORDER BY p.created_at, p.seq LIMIT $2`,
      [postId, limitParam(limit)],
    );
    return rows.map(toPost);
  }

  async takeDown(t: Takedown): Promise<boolean> {
    const write = async (db: pg.ClientBase): Promise<boolean> => {
      if ((await db.query('SELECT 1 FROM posts WHERE id = $1', [t.post])).rowCount === 0) return false;
      const added = await db.query('INSERT INTO takedowns (post_id, at, actor, reason) VALUES ($1, $2, $3, $4) ON CONFLICT (post_id) DO NOTHING', [t.post, t.at, t.actor ?? null, t.reason ?? null]);
      if ((added.rowCount ?? 0) > 0) {
        await db.query('INSERT INTO audit_log (at, action, subject, actor, details) VALUES ($1, $2, $3, $4, $5)', [t.at, 'takedown', t.post, t.actor ?? null, t.reason !== undefined ? JSON.stringify({ reason: t.reason }) : null]);
      }
      return true;
    };
    const ctx = this.context();
    return ctx ? this.inSavepoint(ctx, write) : this.standalone(write);
  }

  // ---------------------------------------------------------------- sponsored campaigns

  /** Runs a write on the open transaction's connection (in a savepoint), else in a transaction of its own. */
  private inWrite<T>(write: (db: pg.ClientBase) => Promise<T>): Promise<T> {
    const ctx = this.context();
    return ctx ? this.inSavepoint(ctx, write) : this.standalone(write);
  }

  private readonly reader: campaignRows.RowsReader = (sql, params) => this.rows(sql, params);

  putCampaign(campaign: Campaign): Promise<void> {
    return this.inWrite((db) => campaignRows.putCampaign(db, campaign));
  }

  getCampaign(id: string): Promise<Campaign | undefined> {
    return campaignRows.getCampaign(this.reader, id);
  }

  campaigns(): Promise<Campaign[]> {
    return campaignRows.listCampaigns(this.reader);
  }

  deleteCampaign(id: string): Promise<boolean> {
    return this.inWrite((db) => campaignRows.deleteCampaign(db, id));
  }

  async recordSponsoredImpressions(rows: readonly SponsoredImpression[]): Promise<number> {
    if (rows.length === 0) return 0;
    return this.inWrite((db) => campaignRows.insertSponsored(db, rows));
  }

  async recordSponsoredClicks(clicks: readonly SponsoredClick[]): Promise<SponsoredImpression[]> {
    if (clicks.length === 0) return [];
    return this.inWrite((db) => campaignRows.markClicks(db, clicks));
  }

  campaignDays(query: { campaignId?: string; since?: string } = {}): Promise<CampaignDay[]> {
    return campaignRows.campaignDays(this.reader, query);
  }

  sponsoredImpressions(query: { userId?: string; since?: number } = {}): Promise<SponsoredImpression[]> {
    return campaignRows.sponsoredImpressions(this.reader, query);
  }

  async takenDown(postIds: readonly string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    return new Set((await this.rows<{ id: string }>(
      'SELECT post_id AS id FROM takedowns WHERE post_id = ANY($1::text[]) UNION SELECT id FROM deleted_posts WHERE id = ANY($1::text[])',
      [postIds],
    )).map((r) => r.id));
  }

  async deletedPosts(postIds: readonly string[]): Promise<Set<string>> {
    if (postIds.length === 0) return new Set();
    return new Set((await this.rows<{ id: string }>('SELECT id FROM deleted_posts WHERE id = ANY($1::text[])', [postIds])).map((r) => r.id));
  }

  async getEvent(id: string): Promise<Event | undefined> {
    const rows = await this.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = $1`, [id]);
    return rows[0] && toEvent(rows[0]);
  }

  async *scanDeletedPosts(): AsyncIterable<DeletedPost> {
    yield* await this.rows<DeletedPost>('SELECT id, author, deleted_at FROM deleted_posts ORDER BY id');
  }

  async takedowns(limit = 100): Promise<Takedown[]> {
    return (await this.rows<TakedownRow>('SELECT post_id, at, actor, reason FROM takedowns ORDER BY at DESC, post_id LIMIT $1', [limit])).map(toTakedown);
  }

  async *scanIngestState(): AsyncIterable<{ key: string; value: string }> {
    yield* await this.rows<{ key: string; value: string }>('SELECT key, value FROM ingest_state ORDER BY key');
  }

  async *scanTakedowns(): AsyncIterable<Takedown> {
    yield* (await this.rows<TakedownRow>('SELECT post_id, at, actor, reason FROM takedowns ORDER BY post_id')).map(toTakedown);
  }

  async postsMentioning(userId: string, limit: number, since?: number): Promise<Post[]> {
    const rows = await this.rows<PostRow>(
      `SELECT ${POST_COLUMNS} FROM posts p WHERE p.mentions @> ARRAY[$1::text] AND p.created_at >= $2
       ORDER BY p.created_at DESC, p.seq DESC LIMIT $3`,
      [userId, since ?? -Number.MAX_VALUE, limitParam(limit)],
    );
    return rows.map(toPost);
  }

  async following(userId: string): Promise<string[]> {
    return (await this.rows<{ id: string }>('SELECT followee AS id FROM follows WHERE follower = $1 ORDER BY followee', [userId])).map((r) => r.id);
  }

  async followers(userId: string): Promise<string[]> {
    return (await this.rows<{ id: string }>('SELECT follower AS id FROM follows WHERE followee = $1 ORDER BY follower', [userId])).map((r) => r.id);
  }

  /** Full-text search ranked by `ts_rank_cd` (search.ts says how it compares with BM25). */
  async timeseries(q: TimeseriesQuery): Promise<TimeBucket[]> {
    const rows = await this.rows<{ b: number; v: number }>(POSTGRES_SERIES[q.metric], [q.bucketMs, q.since, q.before]);
    return rows.map((r) => ({ start: r.b * q.bucketMs, value: r.v }));
  }

  async timeRange(source: 'events' | 'impressions'): Promise<TimeRange | undefined> {
    const [r] = await this.rows<{ first: number | null; last: number | null }>(timeRangeSql(source));
    return r === undefined || r.first === null || r.last === null ? undefined : { first: r.first, last: r.last };
  }

  async postEventCounts(postId: string): Promise<Partial<Record<EventType, number>>> {
    const rows = await this.rows<{ type: EventType; n: number }>(POST_EVENT_COUNTS_SQL.postgres, [postId]);
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  }

  async searchPosts(query: string, limit = DEFAULT_SEARCH_LIMIT): Promise<SearchHit[]> {
    const tsquery = toTsQuery(query);
    if (tsquery === '') return [];
    const rows = await this.rows<PostRow & { score: number }>(searchSql(POST_COLUMNS), [tsquery, limitParam(limit)]);
    return rows.map((r) => ({ post: toPost(r), score: r.score }));
  }

  async counts(): Promise<StoreCounts> {
    const rows = await this.rows<StoreCounts>(
      `SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM posts)::int AS posts,
              (SELECT count(*) FROM follows)::int AS follows, (SELECT count(*) FROM events)::int AS events`,
    );
    return { ...rows[0]! };
  }

  // ---------------------------------------------------------------- erasure, export, audit

  async eraseUser(id: string, options: { replies?: 'keep' | 'delete'; actor?: string } = {}): Promise<ErasureSummary | undefined> {
    const erase = (db: pg.ClientBase): Promise<ErasureSummary | undefined> => eraseOn(db, id, options.replies ?? 'keep', options.actor);
    const ctx = this.context();
    return ctx ? this.inSavepoint(ctx, erase) : this.standalone(erase);
  }

  async isErased(id: string): Promise<boolean> {
    return (await this.rows('SELECT 1 FROM erased_users WHERE id = $1', [id])).length > 0;
  }

  async exportUser(id: string, options: { actor?: string } = {}): Promise<UserExport | undefined> {
    const user = await this.getUser(id);
    if (!user) return undefined;
    const posts = (await this.rows<PostRow>(`SELECT ${POST_COLUMNS} FROM posts p WHERE p.author = $1 ORDER BY p.created_at, p.seq`, [id])).map(toPost);
    const events = (await this.rows<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = $1 ORDER BY ts, seq`, [id])).map(toEvent);
    const impressions: Impression[] = [];
    for await (const row of this.scanImpressions({ userId: id })) impressions.push(row);
    const takedowns = (await this.rows<TakedownRow>('SELECT t.post_id, t.at, t.actor, t.reason FROM takedowns t JOIN posts p ON p.id = t.post_id WHERE p.author = $1 ORDER BY t.post_id', [id])).map(toTakedown);
    const mentionedIn = (await this.postsMentioning(id, -1)).map((p) => p.id);
    const out: UserExport = { user, posts, following: await this.following(id), followers: await this.followers(id), events, impressions, takedowns, mentionedIn };
    await this.rows(
      'INSERT INTO audit_log (at, action, subject, actor, details) VALUES ($1, $2, $3, $4, $5)',
      [Date.now(), 'export', id, options.actor ?? null, JSON.stringify({ posts: posts.length, events: events.length })],
    );
    return out;
  }

  async userFlags(): Promise<{ erased: string[]; unpersonalized: string[] }> {
    const erased = await this.rows<{ id: string }>('SELECT id FROM erased_users ORDER BY id');
    const unpersonalized = await this.rows<{ id: string }>('SELECT id FROM users WHERE personalization = 0 ORDER BY id');
    return { erased: erased.map((r) => r.id), unpersonalized: unpersonalized.map((r) => r.id) };
  }

  async auditLog(limit = 100): Promise<AuditEntry[]> {
    const rows = await this.rows<AuditRow>('SELECT at, action, subject, actor, details FROM audit_log ORDER BY seq DESC LIMIT $1', [limitParam(limit)]);
    return rows.map(toAuditEntry);
  }

  // ---------------------------------------------------------------- scans and records (copying a store)

  scanUsers(): AsyncIterable<User> {
    return this.scanByKey<UserRow & { k: string }, User>(`SELECT ${USER_COLUMNS}, id AS k FROM users`, 'id', toUser);
  }

  scanPosts(): AsyncIterable<Post> {
    return this.scanByKey<PostRow & { k: string }, Post>(`SELECT ${POST_COLUMNS}, p.id AS k FROM posts p`, 'p.id', toPost);
  }

  async *scanFollows(): AsyncIterable<Follow> {
    let last: [string, string] | undefined;
    while (true) {
      const rows = last === undefined
        ? await this.rows<FollowRow>(`SELECT ${FOLLOW_COLUMNS} FROM follows ORDER BY follower, followee LIMIT $1`, [SCAN_PAGE])
        : await this.rows<FollowRow>(`SELECT ${FOLLOW_COLUMNS} FROM follows WHERE (follower, followee) > ($1, $2) ORDER BY follower, followee LIMIT $3`, [...last, SCAN_PAGE]);
      for (const r of rows) yield toFollow(r);
      if (rows.length < SCAN_PAGE) return;
      const end = rows[rows.length - 1]!;
      last = [end.follower, end.followee];
    }
  }

  async writeImpressions(pages: readonly ServedPage[]): Promise<number> {
    if (pages.length === 0) return 0;
    const ctx = this.context();
    const write = (db: pg.ClientBase): Promise<number> => insertImpressions(db, pages);
    return ctx ? this.inSavepoint(ctx, write) : this.standalone(write);
  }

  scanImpressions(query?: ImpressionQuery): AsyncIterable<Impression> {
    return scanImpressions((sql, params) => this.rows(sql, params), query);
  }

  async deleteExpired(cutoffs: ExpiryCutoffs, options: { chunkRows?: number } = {}): Promise<ExpiredRows> {
    const chunk = options.chunkRows ?? EXPIRY_CHUNK_ROWS;
    // Oldest first (events by their (ts, seq) index, impressions by seq: logging order), found by the index and
    // deleted by their row address; each chunk commits alone.
    const events = cutoffs.events === undefined ? 0 : await this.deleteInChunks('DELETE FROM events WHERE ctid = ANY(ARRAY(SELECT ctid FROM events WHERE ts < $1 ORDER BY ts, seq LIMIT $2))', cutoffs.events, chunk);
    const impressionPages = cutoffs.impressions === undefined ? 0 : await this.deleteInChunks('DELETE FROM impressions WHERE ctid = ANY(ARRAY(SELECT ctid FROM impressions WHERE at < $1 ORDER BY seq LIMIT $2))', cutoffs.impressions, chunk);
    return { events, impressionPages };
  }

  private async deleteInChunks(sql: string, cutoff: number, chunk: number): Promise<number> {
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = (await this.pool.query(sql, [cutoff, chunk])).rowCount ?? 0;
      } catch (e) {
        throw asWriteError(e);
      }
      total += n;
      if (n < chunk) return total;
    }
  }

  async knownRequestIds(ids: readonly string[]): Promise<Set<string>> {
    const rows = await this.rows<{ request_id: string }>('SELECT request_id FROM impressions WHERE request_id = ANY($1::text[])', [[...ids]]);
    return new Set(rows.map((r) => r.request_id));
  }

  /** Events in ascending (ts, seq) order, paged by that key. */
  async *scanEvents(): AsyncIterable<Event> {
    let lastTs = -Infinity, lastSeq = '0';
    while (true) {
      const rows = await this.rows<EventRow & { seq: string }>(
        `SELECT ${EVENT_COLUMNS}, seq FROM events WHERE (ts, seq) > ($1, $2::bigint) ORDER BY ts, seq LIMIT $3`,
        [lastTs, lastSeq, SCAN_PAGE],
      );
      for (const r of rows) yield toEvent(r);
      if (rows.length < SCAN_PAGE) return;
      const end = rows[rows.length - 1]!;
      lastTs = end.ts;
      lastSeq = end.seq;
    }
  }

  async *scanErasedUsers(): AsyncIterable<ErasedUser> {
    yield* await this.rows<ErasedUser>('SELECT id, erased_at FROM erased_users ORDER BY id');
  }

  async *scanAuditLog(): AsyncIterable<AuditEntry> {
    let last = '0';
    while (true) {
      const rows = await this.rows<AuditRow & { seq: string }>('SELECT seq, at, action, subject, actor, details FROM audit_log WHERE seq > $1::bigint ORDER BY seq LIMIT $2', [last, SCAN_PAGE]);
      for (const r of rows) yield toAuditEntry(r);
      if (rows.length < SCAN_PAGE) return;
      last = rows[rows.length - 1]!.seq;
    }
  }

  async writeRecords(records: StoreRecords): Promise<void> {
    const erased = records.erasedUsers ?? [], audit = records.audit ?? [];
    const write = async (db: pg.ClientBase): Promise<void> => {
      if (erased.length > 0) {
        await db.query(
          `INSERT INTO erased_users (id, erased_at) SELECT * FROM unnest($1::text[], $2::float8[])
           ON CONFLICT (id) DO UPDATE SET erased_at = excluded.erased_at`,
          [erased.map((e) => e.id), erased.map((e) => e.erased_at)],
        );
      }
      const deleted = records.deletedPosts ?? [];
      if (deleted.length > 0) {
        await db.query(
          `INSERT INTO deleted_posts (id, author, deleted_at) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[])
           ON CONFLICT (id) DO UPDATE SET author = excluded.author, deleted_at = excluded.deleted_at`,
          [deleted.map((d) => d.id), deleted.map((d) => d.author), deleted.map((d) => d.deleted_at)],
        );
      }
      const takedowns = records.takedowns ?? [];
      if (takedowns.length > 0) {
        await db.query(
          `INSERT INTO takedowns (post_id, at, actor, reason) SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[])
           ON CONFLICT (post_id) DO UPDATE SET at = excluded.at, actor = excluded.actor, reason = excluded.reason`,
          [takedowns.map((t) => t.post), takedowns.map((t) => t.at), takedowns.map((t) => t.actor ?? null), takedowns.map((t) => t.reason ?? null)],
        );
      }
      if (audit.length > 0) {
        await db.query(
          `INSERT INTO audit_log (at, action, subject, actor, details)
           SELECT u.at, u.action, u.subject, u.actor, u.details FROM unnest($1::float8[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
             WITH ORDINALITY AS u(at, action, subject, actor, details, ord) ORDER BY u.ord`,
          [audit.map((a) => a.at), audit.map((a) => a.action), audit.map((a) => a.subject), audit.map((a) => a.actor ?? null), audit.map((a) => (a.details ? JSON.stringify(a.details) : null))],
        );
      }
      await campaignRows.writeCopied(db, records);
    };
    const ctx = this.context();
    return ctx ? this.inSavepoint(ctx, write) : this.standalone(write);
  }

  /** Keyset pages over a text primary key. */
  private async *scanByKey<R extends { k: string }, T>(select: string, key: string, map: (r: R) => T): AsyncIterable<T> {
    let last: string | undefined;
    while (true) {
      const rows = last === undefined
        ? await this.rows<R>(`${select} ORDER BY ${key} LIMIT $1`, [SCAN_PAGE])
        : await this.rows<R>(`${select} WHERE ${key} > $1 ORDER BY ${key} LIMIT $2`, [last, SCAN_PAGE]);
      for (const r of rows) yield map(r);
      if (rows.length < SCAN_PAGE) return;
      last = rows[rows.length - 1]!.k;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}


interface AuditRow { at: number; action: AuditEntry['action']; subject: string; actor: string | null; details: Record<string, unknown> | null }

function toAuditEntry(r: AuditRow): AuditEntry {
  return { at: r.at, action: r.action, subject: r.subject, ...(r.actor !== null ? { actor: r.actor } : {}), ...(r.details !== null ? { details: r.details } : {}) };
}

/** The erasure itself, on a connection inside a transaction (see Store.eraseUser). */
async function eraseOn(db: pg.ClientBase, id: string, replies: 'keep' | 'delete', actor: string | undefined): Promise<ErasureSummary | undefined> {
  // Locking the user row makes a concurrent erasure of the same id wait, then find nothing.
  if ((await db.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [id])).rowCount === 0) return undefined;
  const own = (await db.query<{ id: string }>('SELECT id FROM posts WHERE author = $1', [id])).rows.map((r) => r.id);
  const replyIds = replies === 'delete' && own.length > 0
    ? (await db.query<{ id: string }>('SELECT id FROM posts WHERE reply_to = ANY($1::text[]) AND author <> $2', [own, id])).rows.map((r) => r.id)
    : [];
  const gone = [...own, ...replyIds];
  const count = async (sql: string, params: unknown[]): Promise<number> => (await db.query(sql, params)).rowCount ?? 0;
  const events = (await count('DELETE FROM events WHERE user_id = $1 OR target_user_id = $1', [id])) + (await count('DELETE FROM events WHERE post_id = ANY($1::text[])', [gone]));
  const follows = await count('DELETE FROM follows WHERE follower = $1 OR followee = $1', [id]);
  const impressions = await eraseImpressions(db, id, gone);
  await db.query('DELETE FROM sponsored_impressions WHERE user_id = $1', [id]);
  await db.query('DELETE FROM takedowns WHERE post_id = ANY($1::text[])', [gone]);
  await db.query('DELETE FROM deleted_posts WHERE author = $1', [id]);
  await db.query(`UPDATE posts SET mentions = NULLIF(array_remove(mentions, $1::text), '{}') WHERE mentions @> ARRAY[$1::text]`, [id]);
  await db.query('DELETE FROM posts WHERE id = ANY($1::text[])', [gone]);
  await db.query('DELETE FROM users WHERE id = $1', [id]);
  const now = Date.now();
  await db.query('INSERT INTO erased_users (id, erased_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET erased_at = excluded.erased_at', [id, now]);
  const summary: ErasureSummary = { user: id, posts: own.length, replies: replyIds.length, follows, events, impressions };
  await db.query('INSERT INTO audit_log (at, action, subject, actor, details) VALUES ($1, $2, $3, $4, $5)', [now, 'erase', id, actor ?? null, JSON.stringify(summary)]);
  return summary;
}

/** ROLLBACK; false when it failed (the connection is then unusable and must leave the pool). */
async function rollback(client: pg.PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

function typeList(types: readonly EventType[] | undefined): string[] | null {
  return types === undefined ? null : [...types];
}

/** SQLite's LIMIT -1 means no limit; PostgreSQL's is LIMIT NULL. */
function limitParam(limit: number | undefined): number | null {
  return limit === undefined || limit < 0 ? null : limit;
}
