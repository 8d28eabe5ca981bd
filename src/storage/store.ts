/**
 * @module The Store contract: where users, posts, follows and events live.
 *
 * Upserts are idempotent; a post's author never changes (an upsert naming another author is
 * POST_AUTHOR_IMMUTABLE; the same author may edit text, tags and the rest); events are append-only and
 * deduplicated by their client-supplied id (a retried batch never duplicates, and `write` says which events
 * were new); every write batch is one transaction (all or nothing). A write that cannot get the database's
 * write lock at once (another process holds it) fails fast with STORE_BUSY rather than waiting. Backends:
 * SQLite (embedded default) and PostgreSQL (scale-out), opened by URL with `openStore(url)`.
 */
import type { Event, Follow, Post, User } from '../data/schemas.js';
import type { EventType } from '../core/config.js';

export interface WriteBatch {
  users?: readonly User[];
  posts?: readonly Post[];
  follows?: readonly Follow[];
  /** Follow edges to remove (follower, followee). */
  unfollows?: readonly Pick<Follow, 'follower' | 'followee'>[];
  events?: readonly Event[];
}

export interface WriteSummary {
  users: number;
  posts: number;
  follows: number;
  unfollows: number;
  /** Events newly stored. */
  events: number;
  /** Events whose id was already stored (ignored). */
  duplicateEvents: number;
}

/** What a stand-alone `Store.write` reports: the counts, and which events were stored by this write. */
export interface WriteResult extends WriteSummary {
  /**
   * Ids of the events this write stored, in batch order, each once; ids already stored, and repeats within
   * the batch, are left out. Only these events are new facts (e.g. for online model updates). A transaction's
   * own writer (`tx.write`, used for bulk imports) reports only the counts.
   */
  insertedEventIds: string[];
}

/** Writes applied inside one transaction. */
export interface StoreWriter {
  write(batch: WriteBatch): Promise<WriteSummary>;
}

export interface StoreCounts {
  users: number;
  posts: number;
  follows: number;
  events: number;
}

export interface EventQuery {
  /** Only these types. */
  types?: readonly EventType[];
  /** Events strictly before this time (epoch ms), for paging back. */
  before?: number;
  /** Events at or after this time. */
  since?: number;
  /** Most rows, newest first. */
  limit?: number;
}

export interface SearchHit {
  post: Post;
  /** Higher is better (BM25 negated where the backend ranks ascending). */
  score: number;
}

export interface Store extends StoreWriter {
  readonly kind: 'sqlite' | 'postgres';
  /** One batch in one transaction; says which of its events were new. */
  write(batch: WriteBatch): Promise<WriteResult>;
  /** Runs fn in one transaction: everything it writes is kept, or nothing if it throws. */
  transaction<T>(fn: (tx: StoreWriter) => Promise<T>): Promise<T>;

  getUser(id: string): Promise<User | undefined>;
  getPost(id: string): Promise<Post | undefined>;
  getPosts(ids: readonly string[]): Promise<Post[]>;
  /** Which of these user ids exist. */
  existingUsers(ids: readonly string[]): Promise<Set<string>>;
  /** Which of these post ids exist. */
  existingPosts(ids: readonly string[]): Promise<Set<string>>;
  /** A user's events, newest first. */
  userEvents(userId: string, query?: EventQuery): Promise<Event[]>;
  /** Events in [since, before), newest first. */
  eventsBetween(since: number, before: number, query?: Omit<EventQuery, 'since' | 'before'>): Promise<Event[]>;
  /** Posts created in [since, before), newest first. */
  postsBetween(since: number, before: number, limit?: number): Promise<Post[]>;
  /** Posts by these authors, newest first. */
  postsByAuthors(authorIds: readonly string[], limit: number, since?: number): Promise<Post[]>;
  /** Whom the user follows. */
  following(userId: string): Promise<string[]>;
  followers(userId: string): Promise<string[]>;
  /** Full-text search over post text (BM25). */
  searchPosts(query: string, limit?: number): Promise<SearchHit[]>;
  counts(): Promise<StoreCounts>;

  /** Streams for building a Dataset in one pass. Events come in ascending time order. */
  scanUsers(): AsyncIterable<User>;
  scanPosts(): AsyncIterable<Post>;
  scanFollows(): AsyncIterable<Follow>;
  scanEvents(): AsyncIterable<Event>;

  close(): Promise<void>;
}
