/**
 * @module ImportSink: where every importer puts its rows. It validates each row with the domain schemas,
 * checks references (to rows earlier in the input or already in the store) and post authors (a post's author
 * never changes), batches writes, and keeps the report.
 *
 * `runImport` picks the transactions. Atomic (with `strict`, `atomic`, or into a `:memory:` store): one
 * transaction, so an import that fails or is interrupted leaves the store untouched, but the store's write lock
 * is held throughout and other processes' writes get STORE_BUSY meanwhile. Chunked (the default into a database
 * file, which a server may be serving): each batch of `batchSize` rows is its own transaction, so the lock is
 * held only for one batch at a time; a failure keeps the batches already committed (IMPORT_INCOMPLETE), and
 * running the same import again finishes it (stored event ids are skipped, the rest is upserted). Either way a
 * transaction that meets another writer's lock is retried for up to `busyWaitMs`.
 */
import type { z } from 'zod';
import { createError, isResonateError, type ResonateError } from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import { eventSchema, firstProblem, followSchema, postSchema, userSchema, type Event, type Follow, type Post, type User } from '../schemas.js';
import { tagsFromText } from '../post-entities.js';
import type { BatchWriter, EntityCounts, EntityKind, ImportOptions, ImportReport, ImportTarget, RejectedRow, RowBatch } from './types.js';

/** Rows per write: large enough to amortise a savepoint, small enough to keep memory flat. */
export const DEFAULT_BATCH_SIZE = 5000;
/** Rejected rows listed in the report; beyond this only `rejectedCount` grows (a broken 10 GB file stays cheap). */
export const MAX_LISTED_REJECTIONS = 1000;
/** How long one transaction keeps retrying while another process holds the write lock. */
export const DEFAULT_BUSY_WAIT_MS = 60_000;
/** First and longest pause between those retries (doubling in between). */
const BUSY_PAUSE_MS = 50;
const MAX_BUSY_PAUSE_MS = 1000;

/** Where a row came from: its 1-based line and, for multi-file formats, the file. */
export interface RowOrigin {
  line: number;
  file?: string;
}

const SCHEMAS = { user: userSchema, post: postSchema, follow: followSchema, event: eventSchema } as const;

type Ref = [field: string, kind: 'user' | 'post', id: string | undefined];
type RowKind = keyof typeof SCHEMAS;
const ENTITY: Record<RowKind, EntityKind> = { user: 'users', post: 'posts', follow: 'follows', event: 'events' };

const zeroCounts = (): EntityCounts => ({ created: 0, updated: 0, merged: 0, rejected: 0 });
const followKey = (f: Pick<Follow, 'follower' | 'followee'>): string => `${f.follower}\u0000${f.followee}`;

export class ImportSink {
  private readonly report: ImportReport = {
    rows: { users: zeroCounts(), posts: zeroCounts(), follows: zeroCounts(), events: zeroCounts() },
    accepted: { users: 0, posts: 0, follows: 0, events: 0 },
    created: { users: 0, posts: 0 },
    rejected: [],
    rejectedCount: 0,
    duplicates: 0,
  };
  private users: User[] = [];
  private posts: Post[] = [];
  private follows: Follow[] = [];
  private events: Event[] = [];
  /** Where each pending event came from (to reject it when its id turns out to be taken). */
  private readonly pendingEvents = new Map<string, RowOrigin>();
  /** Pending users and posts first seen in this input, to be told created from updated at the flush. */
  private newUsers: string[] = [];
  private newPosts: string[] = [];
  /** Users this import created (they had no follows before it). */
  private readonly createdUsers = new Set<string>();
  private readonly importedFollows = new Set<string>();
  /** Users and posts taken from rows of this input: a repeat is an upsert (last wins), counted as a duplicate. */
  private readonly importedUsers = new Set<string>();
  private readonly importedPosts = new Set<string>();
  /** Ids known to exist: written by this import or found in the store. */
  private readonly knownUsers = new Set<string>();
  private readonly knownPosts = new Set<string>();
  /** Authors of posts seen in this input or looked up in the store (a post's author never changes). */
  private readonly postAuthors = new Map<string, string>();
  private readonly batchSize: number;
  private readonly strict: boolean;
  private bytesDone = 0;

  constructor(
    private readonly tx: BatchWriter,
    private readonly target: Pick<ImportTarget, 'existingUsers' | 'existingPosts' | 'getPosts' | 'following'>,
    private readonly options: ImportOptions = {},
    private readonly totalBytes = 0,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.strict = options.strict ?? false;
  }

  /** Skips a row with its reason (counted for its kind when known); in strict mode aborts the import instead. */
  reject(at: RowOrigin, reason: string, kind?: RowKind): void {
    if (this.strict) throw createError('IMPORT_ABORTED', { where: where(at), problem: reason });
    this.report.rejectedCount++;
    if (kind !== undefined) this.report.rows[ENTITY[kind]].rejected++;
    if (this.report.rejected.length < MAX_LISTED_REJECTIONS) {
      const row: RejectedRow = { line: at.line, reason };
      if (at.file !== undefined) row.file = at.file;
      this.report.rejected.push(row);
    }
  }

  /** A line whose bytes are not UTF-8: a rejected row, or INVALID_UTF8 in strict mode. */
  invalidUtf8(at: RowOrigin): void {
    if (this.strict) throw createError('INVALID_UTF8', { where: where(at) });
    this.reject(at, 'text is not valid UTF-8');
  }

  /** Validates and queues a user; false when rejected. */
  async user(at: RowOrigin, raw: unknown): Promise<boolean> {
    const u = this.parse(at, userSchema, raw, 'user');
    if (u === undefined) return false;
    this.users.push(u);
    this.knownUsers.add(u.id);
    if (this.importedUsers.has(u.id)) {
      this.report.duplicates++;
      this.report.rows.users.merged++;
    } else {
      this.importedUsers.add(u.id);
      this.newUsers.push(u.id);
      this.report.accepted.users++;
    }
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  async post(at: RowOrigin, raw: unknown): Promise<boolean> {
    const parsed = this.parse(at, postSchema, raw, 'post');
    if (parsed === undefined) return false;
    // A post without tags is tagged with the hashtags of its text.
    const p = tagsFromText(parsed);
    const refs: Ref[] = [['author', 'user', p.author]];
    if (!this.refsKnown(refs) && !(await this.refsExist(at, refs, 'post'))) return false;
    const owner = await this.authorOf(p.id);
    if (owner !== undefined && owner !== p.author) {
      this.reject(at, `author: post ${JSON.stringify(p.id)} belongs to ${JSON.stringify(owner)}; a post's author cannot change`, 'post');
      return false;
    }
    if (owner === undefined) this.postAuthors.set(p.id, p.author);
    this.posts.push(p);
    this.knownPosts.add(p.id);
    if (this.importedPosts.has(p.id)) {
      this.report.duplicates++;
      this.report.rows.posts.merged++;
    } else {
      this.importedPosts.add(p.id);
      this.newPosts.push(p.id);
      this.report.accepted.posts++;
    }
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  async follow(at: RowOrigin, raw: unknown): Promise<boolean> {
    const f = this.parse(at, followSchema, raw, 'follow');
    if (f === undefined) return false;
    const refs: Ref[] = [['follower', 'user', f.follower], ['followee', 'user', f.followee]];
    if (!this.refsKnown(refs) && !(await this.refsExist(at, refs, 'follow'))) return false;
    this.follows.push(f);
    const key = followKey(f);
    if (this.importedFollows.has(key)) {
      this.report.duplicates++;
      this.report.rows.follows.merged++;
    } else {
      this.importedFollows.add(key);
      this.report.accepted.follows++;
    }
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  async event(at: RowOrigin, raw: unknown): Promise<boolean> {
    const e = this.parse(at, eventSchema, raw, 'event');
    if (e === undefined) return false;
    const refs: Ref[] = [['user', 'user', e.user], ['post', 'post', e.post], ['target_user', 'user', e.target_user]];
    if (!this.refsKnown(refs) && !(await this.refsExist(at, refs, 'event'))) return false;
    if (this.pendingEvents.has(e.id)) {
      // Repeated within this batch: the store would count it as a duplicate too, had it come in another batch.
      this.report.duplicates++;
      this.report.rows.events.merged++;
      return true;
    }
    this.pendingEvents.set(e.id, at);
    this.events.push(e);
    this.report.accepted.events++;
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  /** Validates a row without queuing it (rejecting it when invalid). */
  check(at: RowOrigin, kind: 'user' | 'post' | 'follow' | 'event', raw: unknown): boolean {
    return this.parse(at, SCHEMAS[kind] as z.ZodType<unknown>, raw, kind) !== undefined;
  }

  /** Makes sure a user exists, creating `{id, ...init}` when neither the input nor the store has it. */
  async ensureUser(id: string, init: Omit<User, 'id'> = {}): Promise<void> {
    if (this.knownUsers.has(id)) return;
    this.knownUsers.add(id);
    if ((await this.target.existingUsers([id])).size > 0) return;
    this.users.push({ ...init, id });
    this.createdUsers.add(id);
    this.report.created.users++;
    this.report.rows.users.created++;
  }

  /** Makes sure a post exists, creating it from `init` when neither the input nor the store has it. */
  async ensurePost(init: Post): Promise<void> {
    if (this.knownPosts.has(init.id)) return;
    this.knownPosts.add(init.id);
    if ((await this.target.existingPosts([init.id])).size > 0) return;
    this.postAuthors.set(init.id, init.author);
    this.posts.push(init);
    this.report.created.posts++;
    this.report.rows.posts.created++;
  }

  /** Adds a note to the report (what was derived, what the input lacks). */
  note(text: string): void {
    (this.report.notes ??= []).push(text);
  }

  /** Counts bytes read and reports progress. */
  bytes(n: number, label?: string): void {
    this.bytesDone += n;
    this.progress?.(this.bytesDone, Math.max(this.totalBytes, this.bytesDone), label);
  }

  /** Throws IMPORT_ABORTED when the caller's signal fired. */
  checkAborted(at: RowOrigin): void {
    if (this.options.signal?.aborted) throw createError('IMPORT_ABORTED', { where: where(at), problem: 'interrupted' });
  }

  async flush(): Promise<void> {
    if (this.pending() === 0) return;
    await this.countUpserts();
    let batch: RowBatch = { users: this.users, posts: this.posts, follows: this.follows, events: this.events };
    const origins = new Map(this.pendingEvents);
    this.users = [];
    this.posts = [];
    this.follows = [];
    this.events = [];
    this.pendingEvents.clear();
    for (;;) {
      try {
        const summary = await this.tx.write(batch);
        this.report.duplicates += summary.duplicateEvents;
        this.report.rows.events.merged += summary.duplicateEvents;
        this.report.rows.events.created += (batch.events?.length ?? 0) - summary.duplicateEvents;
        return;
      } catch (e) {
        // The batch was rolled back whole: refuse the events whose ids are taken by other facts, write the rest.
        if (!isResonateError(e, 'EVENT_ID_CONFLICT') || typeof e.params.ids !== 'string') throw e;
        const taken = new Set(e.params.ids.split(','));
        for (const ev of batch.events ?? []) {
          if (!taken.has(ev.id)) continue;
          this.reject(origins.get(ev.id) ?? { line: 0 }, `id: event ${JSON.stringify(ev.id)} is already stored with another user, type, post, target user or value`, 'event');
          this.report.accepted.events--;
        }
        batch = { ...batch, events: (batch.events ?? []).filter((ev) => !taken.has(ev.id)) };
      }
    }
  }

  /** Tells the pending users, posts and follows new to the store (created) from stored ones (updated). */
  private async countUpserts(): Promise<void> {
    const { rows } = this.report;
    if (this.newUsers.length > 0) {
      const stored = await this.target.existingUsers(this.newUsers);
      rows.users.updated += stored.size;
      rows.users.created += this.newUsers.length - stored.size;
      for (const id of this.newUsers) if (!stored.has(id)) this.createdUsers.add(id);
    }
    if (this.newPosts.length > 0) {
      const stored = await this.target.existingPosts(this.newPosts);
      rows.posts.updated += stored.size;
      rows.posts.created += this.newPosts.length - stored.size;
    }
    this.newUsers = [];
    this.newPosts = [];
    // Follows first seen in this batch (repeats were counted as merged when read).
    const fresh = new Map<string, Follow>();
    for (const f of this.follows) fresh.set(followKey(f), f);
    const following = new Map<string, Set<string>>();
    for (const f of fresh.values()) {
      if (this.createdUsers.has(f.follower) || this.target.following === undefined) {
        rows.follows.created++;
        continue;
      }
      let set = following.get(f.follower);
      if (set === undefined) following.set(f.follower, (set = new Set(await this.target.following(f.follower))));
      if (set.has(f.followee)) rows.follows.updated++;
      else rows.follows.created++;
    }
  }

  /** Flushes what is left and returns the report. */
  async finish(): Promise<ImportReport> {
    await this.flush();
    this.progress?.(this.bytesDone, Math.max(this.totalBytes, this.bytesDone), 'done');
    return this.report;
  }

  private get progress(): Progress | undefined {
    return this.options.progress;
  }

  private pending(): number {
    return this.users.length + this.posts.length + this.follows.length + this.events.length;
  }

  /** The author of a post of this input or of the store (looked up once), or undefined for a new post. */
  private async authorOf(id: string): Promise<string | undefined> {
    const known = this.postAuthors.get(id);
    if (known !== undefined || this.importedPosts.has(id) || this.target.getPosts === undefined) return known;
    const [stored] = await this.target.getPosts([id]);
    if (stored !== undefined) this.postAuthors.set(id, stored.author);
    return stored?.author;
  }

  /** The synchronous fast path: every reference already known (no store lookup, no await). */
  private refsKnown(refs: Ref[]): boolean {
    for (const [, kind, id] of refs) {
      if (id !== undefined && !(kind === 'user' ? this.knownUsers : this.knownPosts).has(id)) return false;
    }
    return true;
  }

  private parse<T>(at: RowOrigin, schema: z.ZodType<T>, raw: unknown, kind: RowKind): T | undefined {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    const { field, problem } = firstProblem(r.error);
    this.reject(at, `${field}: ${problem}`, kind);
    return undefined;
  }

  /** True when every reference names a row of this import or of the store; otherwise rejects the row. */
  private async refsExist(at: RowOrigin, refs: Ref[], rowKind: RowKind): Promise<boolean> {
    for (const [field, kind, id] of refs) {
      if (id === undefined) continue;
      const known = kind === 'user' ? this.knownUsers : this.knownPosts;
      if (known.has(id)) continue;
      const found = kind === 'user' ? await this.target.existingUsers([id]) : await this.target.existingPosts([id]);
      if (found.size > 0) {
        known.add(id);
        continue;
      }
      this.reject(at, `${field}: unknown ${kind} ${JSON.stringify(id)} (define it earlier in the input or import it first)`, rowKind);
      return false;
    }
    return true;
  }
}

function where(at: RowOrigin): string {
  return at.file === undefined ? `line ${at.line}` : `${at.file} line ${at.line}`;
}

/** Whether an import runs in one transaction: always when strict; by default unless other processes may write. */
export function isAtomicImport(target: Pick<ImportTarget, 'multiProcess'>, options: ImportOptions): boolean {
  return options.strict === true || (options.atomic ?? target.multiProcess !== true);
}

/**
 * Runs an import body, in one store transaction (atomic: nothing is kept unless the body finishes) or one per
 * batch (chunked; see the module comment). Errors other than our own become IMPORT_ABORTED, or
 * IMPORT_INCOMPLETE once a chunk has been committed.
 */
export async function runImport(
  target: ImportTarget,
  options: ImportOptions,
  totalBytes: number,
  body: (sink: ImportSink) => Promise<void>,
): Promise<ImportReport> {
  const busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  if (isAtomicImport(target, options)) {
    try {
      let started = false;
      // Retried only while the transaction could not begin (another writer holds the lock): nothing ran yet.
      return await retryWhileBusy(busyWaitMs, () => !started, () =>
        target.transaction(async (tx) => {
          started = true;
          const sink = new ImportSink(tx, target, options, totalBytes);
          await body(sink);
          return sink.finish();
        }),
      );
    } catch (e) {
      if (isResonateError(e)) throw e;
      throw createError('IMPORT_ABORTED', { where: 'input', problem: (e as Error).message ?? String(e) }, e);
    }
  }
  let committed = 0;
  const chunks: BatchWriter = {
    // A chunk that fails rolls back whole, so retrying it after STORE_BUSY is safe.
    write: async (batch) => {
      const summary = await retryWhileBusy(busyWaitMs, () => true, () => target.transaction((tx) => tx.write(batch)));
      committed += rowCount(batch);
      return summary;
    },
  };
  try {
    const sink = new ImportSink(chunks, target, options, totalBytes);
    await body(sink);
    return await sink.finish();
  } catch (e) {
    if (committed > 0) {
      const own = isResonateError(e) ? e : undefined;
      const where = typeof own?.params.where === 'string' ? own.params.where : 'input';
      throw createError('IMPORT_INCOMPLETE', { where, problem: problemOf(e, own), committed }, e);
    }
    if (isResonateError(e)) throw e;
    throw createError('IMPORT_ABORTED', { where: 'input', problem: (e as Error).message ?? String(e) }, e);
  }
}

function rowCount(b: RowBatch): number {
  return (b.users?.length ?? 0) + (b.posts?.length ?? 0) + (b.follows?.length ?? 0) + (b.events?.length ?? 0);
}

/** The cause in a few words: IMPORT_ABORTED's own problem (its message ends "nothing was written", untrue here). */
function problemOf(e: unknown, own: ResonateError | undefined): string {
  if (own?.code === 'IMPORT_ABORTED' && typeof own.params.problem === 'string') return own.params.problem;
  return own ? `${own.code}: ${own.message}` : (e as Error).message ?? String(e);
}

/**
 * Runs `run`, again after a pause while it fails with STORE_BUSY and `retryable()` holds, for at most `waitMs`
 * in all. The pauses are timers, so the event loop is free meanwhile.
 */
async function retryWhileBusy<T>(waitMs: number, retryable: () => boolean, run: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = BUSY_PAUSE_MS; ; pause = Math.min(2 * pause, MAX_BUSY_PAUSE_MS)) {
    try {
      return await run();
    } catch (e) {
      if (!isResonateError(e, 'STORE_BUSY') || !retryable() || Date.now() + pause > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
