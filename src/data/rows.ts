/**
 * @module A write of domain rows and what it reports: the shape every writer shares (the Store, importers, the
 * synthetic generator), kept in the data layer so data code never imports the storage layer above it.
 */
import type { Event, Follow, Post, User } from './schemas.js';

export interface WriteBatch {
  users?: readonly User[];
  posts?: readonly Post[];
  follows?: readonly Follow[];
  /** Follow edges to remove (follower, followee). */
  unfollows?: readonly Pick<Follow, 'follower' | 'followee'>[];
  events?: readonly Event[];
  /** Events to retract, by id (a record deleted at its source: an unlike); applied after `events`. */
  deleteEvents?: readonly string[];
  /**
   * Posts to delete with every event on them (deleted by their author or at their source); applied after
   * `deleteEvents`. Each leaves a record (`Store.deletedPosts`) that keeps it out of every list until it is
   * written again.
   */
  deletePosts?: readonly string[];
  /**
   * Keyed state of an ingester (a stream cursor, the records it must remember), written in the same transaction
   * as the rows it covers; `null` deletes the key. Read back with `Store.readState`.
   */
  state?: readonly { key: string; value: string | null }[];
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
  /** Events retracted (`deleteEvents`), when the batch had some. */
  deletedEvents?: number;
  /** Posts deleted (`deletePosts`), when the batch had some. */
  deletedPosts?: number;
}

/** Anything that runs writes in one transaction (every Store does). */
export interface TransactionalWriter {
  transaction<T>(fn: (tx: { write(batch: WriteBatch): Promise<WriteSummary> }) => Promise<T>): Promise<T>;
}
