/**
 * @module Types shared by the importers: what they write into (`ImportTarget`, satisfied by every `Store`),
 * their options and the report they return.
 */
import type { Progress } from '../../core/progress.js';
import type { Event, Follow, Post, User } from '../schemas.js';

/** One write batch (the shape of `WriteBatch` in src/storage/store.ts, restated so data does not import storage). */
export interface RowBatch {
  users?: readonly User[];
  posts?: readonly Post[];
  follows?: readonly Follow[];
  events?: readonly Event[];
}

export interface BatchWriter {
  write(batch: RowBatch): Promise<{ duplicateEvents: number }>;
}

/** What an import needs of a store: transactions to write in, and existence checks. Every `Store` fits. */
export interface ImportTarget {
  transaction<T>(fn: (tx: BatchWriter) => Promise<T>): Promise<T>;
  existingUsers(ids: readonly string[]): Promise<Set<string>>;
  existingPosts(ids: readonly string[]): Promise<Set<string>>;
  /** Stored posts among these ids (their authors are checked: a post's author never changes). */
  getPosts?(ids: readonly string[]): Promise<readonly Pick<Post, 'id' | 'author'>[]>;
  /** Whom a user follows (to tell new follows from stored ones in the report; without it every follow counts as created). */
  following?(userId: string): Promise<readonly string[]>;
  /**
   * True when other processes may write the same store meanwhile (a database file, which a server may be
   * serving): imports then commit batch by batch unless `atomic` or `strict`.
   */
  readonly multiProcess?: boolean;
}

export interface ImportOptions {
  /**
   * Abort on the first invalid row (IMPORT_ABORTED / INVALID_UTF8) and write nothing. Default false: skip and
   * report. A strict import is always one transaction (`atomic`).
   */
  strict?: boolean;
  /**
   * One transaction for the whole import: all or nothing, but it holds the store's write lock throughout, so
   * other processes' writes fail with STORE_BUSY until it ends. Otherwise each batch commits on its own: the
   * lock is held only while a batch is written, and a failed import keeps the batches committed before it
   * (IMPORT_INCOMPLETE; running it again finishes it). Default: true with `strict` or into a store no other
   * process writes (`:memory:`), false into a database file (`multiProcess`).
   */
  atomic?: boolean;
  /**
   * How long one transaction may keep retrying while another process holds the write lock, before the import
   * fails with STORE_BUSY (default 60,000 ms).
   */
  busyWaitMs?: number;
  /**
   * `interactions` only: field delimiter (`'\t'`, `','`, `'::'`, `'|'`, `';'`, `' '` for any whitespace, or the
   * names `tab`, `comma`, `pipe`, `semicolon`, `whitespace`); detected from the first line when absent.
   */
  delimiter?: string;
  /** `interactions` only: whether the first line is a header; detected when absent. */
  header?: boolean;
  /** Rows per write batch, and per transaction when the import is not `atomic` (default 5,000). */
  batchSize?: number;
  /** Bytes read of the total size of the input files. */
  progress?: Progress;
  /** Stops the import (IMPORT_ABORTED, nothing written; IMPORT_INCOMPLETE once a batch has been committed). */
  signal?: AbortSignal;
}

export interface RejectedRow {
  /** 1-based line number (of the row's first line for multi-line CSV records). */
  line: number;
  reason: string;
  /** File name, for formats that read several files. */
  file?: string;
}

/** What an import did with the rows of one kind. */
export interface EntityCounts {
  /** Rows new to the store (for users and posts, those the importer made up for referred ids included). */
  created: number;
  /** Rows whose key was already stored: users and posts upserted again, follows already there (events: always 0). */
  updated: number;
  /**
   * Duplicates merged: rows repeated within the input (users, posts, follows: the last wins), and events repeated
   * within the input or already stored with the same content (a re-run import), which are ignored.
   */
  merged: number;
  /** Rows refused (schema, unknown reference, another author, an event id already stored for another fact). */
  rejected: number;
}

export type EntityKind = 'users' | 'posts' | 'follows' | 'events';

export interface ImportReport {
  /**
   * Exactly what happened, per kind. `rejectedCount` minus the per-kind rejections counts the lines that were no
   * row of any kind (malformed JSON or CSV, a header, bytes that are not UTF-8).
   */
  rows: Record<EntityKind, EntityCounts>;
  /** Distinct rows taken from the input, per kind (created or updated, made-up rows aside). */
  accepted: { users: number; posts: number; follows: number; events: number };
  /** Users and posts the importer made up for ids the input only referred to (e.g. `__catalog__`, bare item ids). */
  created: { users: number; posts: number };
  /** The first rejected rows (at most 1,000 listed; `rejectedCount` counts them all). */
  rejected: RejectedRow[];
  rejectedCount: number;
  /**
   * Events already stored or repeated within the input (ignored), plus users and posts repeated within the input
   * (upserted again: the last row wins).
   */
  duplicates: number;
  /** What the importer derived or could not find in the input, in plain words (e.g. "no likes or follows"). */
  notes?: string[];
}

export const IMPORT_FORMATS = ['interactions', 'jsonl', 'movielens', 'lastfm-hetrec', 'tweets-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/**
 * Author of posts made from catalogue items (movies, artists, bare item ids): one synthetic user, so every post
 * keeps a valid author. It appears as an extra user in the store and in datasets built from it.
 */
export const CATALOG_AUTHOR = '__catalog__';
