/**
 * @module copyStore: copies everything one store holds into another (`resonate migrate --from … --to …`), then
 * proves the copy by row counts and an order-independent checksum per table (store-checksum.ts).
 *
 * Tables in reference order: users, posts, follows, events (ascending time, so ties keep their order), then the
 * erased ids, the takedowns, the deleted posts' records, the audit log (oldest first), the impression log and the ingesters' state (a stream cursor). Each batch is one transaction of the target, so an interrupted
 * copy leaves whole batches; running it again with `force` finishes it (rows are upserts, events are deduplicated
 * by id, audit entries the target already holds as its own first entries are not appended again). The source is
 * read once (its checksums are taken while copying), the target once more to verify.
 */
import { createError } from '../core/errors.js';
import { noProgress, type Progress } from '../core/progress.js';
import type { AuditEntry, ServedPage, Store, WriteBatch } from './store.js';
import { canonicalJson, TableChecksum } from './store-checksum.js';
import { pagesOf } from './impression-pages.js';

export const COPY_TABLES = ['users', 'posts', 'follows', 'events', 'erased_users', 'takedowns', 'deleted_posts', 'audit_log', 'impressions', 'ingest_state', 'campaigns', 'campaign_days', 'sponsored_impressions'] as const;
export type CopyTable = (typeof COPY_TABLES)[number];

export interface TableReport {
  rows: number;
  /** 16 hex digits, equal on both stores. */
  checksum: string;
}

export interface CopyReport {
  tables: Record<CopyTable, TableReport>;
  /** Rows copied over all tables. */
  rows: number;
  seconds: number;
}

export interface CopyOptions {
  /** Copy into a target that already holds rows (default false: STORE_NOT_EMPTY). */
  force?: boolean;
  /** Rows per batch (one target transaction each); default 5,000. */
  batchSize?: number;
  /** Rows copied so far of the source's total, with the table as label. */
  progress?: Progress;
}

const DEFAULT_BATCH = 5000;

/**
 * Copies `from` into `to` and verifies the result (COPY_MISMATCH when a table differs).
 * @example const report = await copyStore(await openStore('sqlite://a.db'), await openStore('postgres://db/app'));
 */
export async function copyStore(from: Store, to: Store, options: CopyOptions = {}): Promise<CopyReport> {
  const started = performance.now();
  const held = await rowsHeld(to);
  if (held > 0 && options.force !== true) throw createError('STORE_NOT_EMPTY', { rows: held });
  const size = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH));
  const progress = options.progress ?? noProgress;
  const c = await from.counts();
  const total = c.users + c.posts + c.follows + c.events;
  let done = 0;

  const copy = async <T>(table: CopyTable, rows: AsyncIterable<T>, write: (batch: T[]) => Promise<unknown>): Promise<TableChecksum> => {
    const sum = new TableChecksum();
    let batch: T[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      await write(batch);
      done += batch.length;
      progress(done, Math.max(total, done), table);
      batch = [];
    };
    for await (const row of rows) {
      sum.add(row);
      batch.push(row);
      if (batch.length >= size) await flush();
    }
    await flush();
    return sum;
  };
  const writeRows = (batch: WriteBatch): Promise<unknown> => to.transaction((tx) => tx.write(batch));

  const source: Record<CopyTable, TableChecksum> = {
    users: await copy('users', from.scanUsers(), (users) => writeRows({ users })),
    posts: await copy('posts', from.scanPosts(), (posts) => writeRows({ posts })),
    follows: await copy('follows', from.scanFollows(), (follows) => writeRows({ follows })),
    events: await copy('events', from.scanEvents(), (events) => writeRows({ events })),
    erased_users: await copy('erased_users', from.scanErasedUsers(), (erasedUsers) => to.writeRecords({ erasedUsers })),
    takedowns: await copy('takedowns', from.scanTakedowns(), (takedowns) => to.writeRecords({ takedowns })),
    deleted_posts: await copy('deleted_posts', from.scanDeletedPosts(), (deletedPosts) => to.writeRecords({ deletedPosts })),
    audit_log: await copyAudit(from, to, size),
    impressions: await copyImpressions(from, to, size),
    ingest_state: await copy('ingest_state', from.scanIngestState(), (state) => writeRows({ state })),
    campaigns: await copy('campaigns', rowsOf(from.campaigns()), (campaigns) => to.writeRecords({ campaigns })),
    campaign_days: await copy('campaign_days', rowsOf(from.campaignDays()), (campaignDays) => to.writeRecords({ campaignDays })),
    sponsored_impressions: await copy('sponsored_impressions', rowsOf(from.sponsoredImpressions()), (sponsoredImpressions) => to.writeRecords({ sponsoredImpressions })),
  };

  const target = await checksums(to);
  for (const table of COPY_TABLES) {
    const s = source[table], t = target[table];
    if (s.rows !== t.rows || s.checksum !== t.checksum) {
      throw createError('COPY_MISMATCH', { table, targetRows: t.rows, targetChecksum: t.checksum, sourceRows: s.rows, sourceChecksum: s.checksum });
    }
  }
  const tables = Object.fromEntries(COPY_TABLES.map((t) => [t, { rows: source[t].rows, checksum: source[t].checksum }])) as Record<CopyTable, TableReport>;
  const rows = COPY_TABLES.reduce((n, t) => n + source[t].rows, 0);
  return { tables, rows, seconds: (performance.now() - started) / 1000 };
}

/** Counts and checksums of every table of a store, read through its scans. */
export async function checksums(store: Store): Promise<Record<CopyTable, TableChecksum>> {
  const of = async (rows: AsyncIterable<unknown>): Promise<TableChecksum> => {
    const sum = new TableChecksum();
    for await (const row of rows) sum.add(row);
    return sum;
  };
  return {
    users: await of(store.scanUsers()),
    posts: await of(store.scanPosts()),
    follows: await of(store.scanFollows()),
    events: await of(store.scanEvents()),
    erased_users: await of(store.scanErasedUsers()),
    takedowns: await of(store.scanTakedowns()),
    deleted_posts: await of(store.scanDeletedPosts()),
    audit_log: await of(store.scanAuditLog()),
    impressions: await of(store.scanImpressions()),
    ingest_state: await of(store.scanIngestState()),
    campaigns: await of(rowsOf(store.campaigns())),
    campaign_days: await of(rowsOf(store.campaignDays())),
    sponsored_impressions: await of(rowsOf(store.sponsoredImpressions())),
  };
}

/** The rows of a read that returns them all at once (the campaign reads have no paged scan yet), as a stream. */
async function* rowsOf<T>(rows: Promise<readonly T[]>): AsyncIterable<T> {
  yield* await rows;
}

/** The impression log, a whole page per write (a page split across writes would keep only its first part). */
async function copyImpressions(from: Store, to: Store, size: number): Promise<TableChecksum> {
  const sum = new TableChecksum();
  for await (const i of from.scanImpressions()) sum.add(i);
  let batch: ServedPage[] = [], rows = 0;
  for await (const page of pagesOf(from.scanImpressions())) {
    batch.push(page);
    rows += page.items.length;
    if (rows >= size) {
      await to.writeImpressions(batch);
      batch = [];
      rows = 0;
    }
  }
  if (batch.length > 0) await to.writeImpressions(batch);
  return sum;
}

/** Rows of every table, erased ids and audit entries included (0: an empty store). */
async function rowsHeld(store: Store): Promise<number> {
  const c = await store.counts();
  const flags = await store.userFlags();
  return c.users + c.posts + c.follows + c.events + flags.erased.length + (await store.takedowns(1)).length + (await store.auditLog(1)).length;
}

/**
 * Appends the source's audit entries, oldest first, after those of the target; when the target's entries are
 * the source's first ones (an earlier, interrupted copy), only the rest are appended.
 */
async function copyAudit(from: Store, to: Store, size: number): Promise<TableChecksum> {
  const held: string[] = [];
  for await (const e of to.scanAuditLog()) held.push(canonicalJson(e));
  const sum = new TableChecksum();
  let batch: AuditEntry[] = [];
  let k = 0, prefix = true;
  for await (const e of from.scanAuditLog()) {
    sum.add(e);
    if (prefix && k < held.length && held[k] === canonicalJson(e)) {
      k++;
      continue;
    }
    prefix = false;
    batch.push(e);
    if (batch.length >= size) {
      await to.writeRecords({ audit: batch });
      batch = [];
    }
  }
  if (batch.length > 0) await to.writeRecords({ audit: batch });
  return sum;
}
