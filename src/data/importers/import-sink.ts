/**
 * @module ImportSink: where every importer puts its rows. It validates each row with the domain schemas,
 * checks references (to rows earlier in the input or already in the store), batches writes inside the
 * import's single transaction, and keeps the report. `runImport` wraps it all in one `transaction`, so an
 * import that fails or is interrupted leaves the store untouched.
 */
import type { z } from 'zod';
import { createError, isResonateError } from '../../core/errors.js';
import type { Progress } from '../../core/progress.js';
import { eventSchema, firstProblem, followSchema, postSchema, userSchema, type Event, type Follow, type Post, type User } from '../schemas.js';
import type { BatchWriter, ImportOptions, ImportReport, ImportTarget, RejectedRow } from './types.js';

/** Rows per write: large enough to amortise a savepoint, small enough to keep memory flat. */
export const DEFAULT_BATCH_SIZE = 5000;
/** Rejected rows listed in the report; beyond this only `rejectedCount` grows (a broken 10 GB file stays cheap). */
export const MAX_LISTED_REJECTIONS = 1000;

/** Where a row came from: its 1-based line and, for multi-file formats, the file. */
export interface RowOrigin {
  line: number;
  file?: string;
}

const SCHEMAS = { user: userSchema, post: postSchema, follow: followSchema, event: eventSchema } as const;

type Ref = [field: string, kind: 'user' | 'post', id: string | undefined];

export class ImportSink {
  private readonly report: ImportReport = {
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
  private readonly pendingEventIds = new Set<string>();
  /** Users and posts taken from rows of this input: a repeat is an upsert (last wins), counted as a duplicate. */
  private readonly importedUsers = new Set<string>();
  private readonly importedPosts = new Set<string>();
  /** Ids known to exist: written by this import or found in the store. */
  private readonly knownUsers = new Set<string>();
  private readonly knownPosts = new Set<string>();
  private readonly batchSize: number;
  private readonly strict: boolean;
  private bytesDone = 0;

  constructor(
    private readonly tx: BatchWriter,
    private readonly target: Pick<ImportTarget, 'existingUsers' | 'existingPosts'>,
    private readonly options: ImportOptions = {},
    private readonly totalBytes = 0,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.strict = options.strict ?? false;
  }

  /** Skips a row with its reason; in strict mode aborts the import instead. */
  reject(at: RowOrigin, reason: string): void {
    if (this.strict) throw createError('IMPORT_ABORTED', { where: where(at), problem: reason });
    this.report.rejectedCount++;
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
    const u = this.parse(at, userSchema, raw);
    if (u === undefined) return false;
    this.users.push(u);
    this.knownUsers.add(u.id);
    if (this.importedUsers.has(u.id)) this.report.duplicates++;
    else {
      this.importedUsers.add(u.id);
      this.report.accepted.users++;
    }
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  async post(at: RowOrigin, raw: unknown): Promise<boolean> {
    const p = this.parse(at, postSchema, raw);
    if (p === undefined) return false;
    const refs: Ref[] = [['author', 'user', p.author]];
    if (!this.refsKnown(refs) && !(await this.refsExist(at, refs))) return false;
    this.posts.push(p);
    this.knownPosts.add(p.id);
    if (this.importedPosts.has(p.id)) this.report.duplicates++;
    else {
      this.importedPosts.add(p.id);
      this.report.accepted.posts++;
    }
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  async follow(at: RowOrigin, raw: unknown): Promise<boolean> {
    const f = this.parse(at, followSchema, raw);
    if (f === undefined) return false;
    const refs: Ref[] = [['follower', 'user', f.follower], ['followee', 'user', f.followee]];
    if (!this.refsKnown(refs) && !(await this.refsExist(at, refs))) return false;
    this.follows.push(f);
    this.report.accepted.follows++;
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  async event(at: RowOrigin, raw: unknown): Promise<boolean> {
    const e = this.parse(at, eventSchema, raw);
    if (e === undefined) return false;
    const refs: Ref[] = [['user', 'user', e.user], ['post', 'post', e.post], ['target_user', 'user', e.target_user]];
    if (!this.refsKnown(refs) && !(await this.refsExist(at, refs))) return false;
    if (this.pendingEventIds.has(e.id)) {
      // Repeated within this batch: the store would count it as a duplicate too, had it come in another batch.
      this.report.duplicates++;
      return true;
    }
    this.pendingEventIds.add(e.id);
    this.events.push(e);
    this.report.accepted.events++;
    if (this.pending() >= this.batchSize) await this.flush();
    return true;
  }

  /** Validates a row without queuing it (rejecting it when invalid). */
  check(at: RowOrigin, kind: 'user' | 'post' | 'follow' | 'event', raw: unknown): boolean {
    return this.parse(at, SCHEMAS[kind] as z.ZodType<unknown>, raw) !== undefined;
  }

  /** Makes sure a user exists, creating `{id, ...init}` when neither the input nor the store has it. */
  async ensureUser(id: string, init: Omit<User, 'id'> = {}): Promise<void> {
    if (this.knownUsers.has(id)) return;
    this.knownUsers.add(id);
    if ((await this.target.existingUsers([id])).size > 0) return;
    this.users.push({ ...init, id });
    this.report.created.users++;
  }

  /** Makes sure a post exists, creating it from `init` when neither the input nor the store has it. */
  async ensurePost(init: Post): Promise<void> {
    if (this.knownPosts.has(init.id)) return;
    this.knownPosts.add(init.id);
    if ((await this.target.existingPosts([init.id])).size > 0) return;
    this.posts.push(init);
    this.report.created.posts++;
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
    const batch = { users: this.users, posts: this.posts, follows: this.follows, events: this.events };
    this.users = [];
    this.posts = [];
    this.follows = [];
    this.events = [];
    this.pendingEventIds.clear();
    const summary = await this.tx.write(batch);
    this.report.duplicates += summary.duplicateEvents;
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

  /** The synchronous fast path: every reference already known (no store lookup, no await). */
  private refsKnown(refs: Ref[]): boolean {
    for (const [, kind, id] of refs) {
      if (id !== undefined && !(kind === 'user' ? this.knownUsers : this.knownPosts).has(id)) return false;
    }
    return true;
  }

  private parse<T>(at: RowOrigin, schema: z.ZodType<T>, raw: unknown): T | undefined {
    const r = schema.safeParse(raw);
    if (r.success) return r.data;
    const { field, problem } = firstProblem(r.error);
    this.reject(at, `${field}: ${problem}`);
    return undefined;
  }

  /** True when every reference names a row of this import or of the store; otherwise rejects the row. */
  private async refsExist(at: RowOrigin, refs: Ref[]): Promise<boolean> {
    for (const [field, kind, id] of refs) {
      if (id === undefined) continue;
      const known = kind === 'user' ? this.knownUsers : this.knownPosts;
      if (known.has(id)) continue;
      const found = kind === 'user' ? await this.target.existingUsers([id]) : await this.target.existingPosts([id]);
      if (found.size > 0) {
        known.add(id);
        continue;
      }
      this.reject(at, `${field}: unknown ${kind} ${JSON.stringify(id)} (define it earlier in the input or import it first)`);
      return false;
    }
    return true;
  }
}

function where(at: RowOrigin): string {
  return at.file === undefined ? `line ${at.line}` : `${at.file} line ${at.line}`;
}

/**
 * Runs an import body inside one store transaction: nothing is kept unless the body finishes. Errors other than
 * our own become IMPORT_ABORTED.
 */
export async function runImport(
  target: ImportTarget,
  options: ImportOptions,
  totalBytes: number,
  body: (sink: ImportSink) => Promise<void>,
): Promise<ImportReport> {
  try {
    return await target.transaction(async (tx) => {
      const sink = new ImportSink(tx, target, options, totalBytes);
      await body(sink);
      return sink.finish();
    });
  } catch (e) {
    if (isResonateError(e)) throw e;
    throw createError('IMPORT_ABORTED', { where: 'input', problem: (e as Error).message ?? String(e) }, e);
  }
}
