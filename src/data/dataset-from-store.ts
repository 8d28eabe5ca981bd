/**
 * @module datasetFromStore: one streaming pass over a Store (users, posts, follows, then events in time order)
 * through `DatasetBuilder` into the model-facing `Dataset`.
 */
import { DEFAULT_CONFIG } from '../core/config.js';
import type { Progress } from '../core/progress.js';
import { DatasetBuilder, type EventWeights } from './dataset-builder.js';
import type { Dataset } from './dataset.js';
import type { DatasetNowOptions } from './dataset-now.js';
import type { Event, Follow, Post, User } from './schemas.js';

/**
 * The part of `Store` (src/storage/store.ts) this pass reads, restated here so the data layer does not import
 * the storage layer above it; every Store satisfies it.
 */
export interface RowSource {
  counts(): Promise<{ users: number; posts: number; follows: number; events: number }>;
  scanUsers(): AsyncIterable<User>;
  scanPosts(): AsyncIterable<Post>;
  scanFollows(): AsyncIterable<Follow>;
  /** Ascending time order. */
  scanEvents(): AsyncIterable<Event>;
  /** Sponsored items served (their request id and post): feedback on them is left out of the dataset. */
  sponsoredImpressions?(): Promise<readonly { requestId: string; postId: string }[]>;
}

/** Keys of the sponsored (request id, post) pairs, or undefined when there are none. */
async function sponsoredKeys(store: RowSource): Promise<Set<string> | undefined> {
  const rows = store.sponsoredImpressions ? await store.sponsoredImpressions() : [];
  return rows.length > 0 ? new Set(rows.map((r) => `${r.requestId}\n${r.postId}`)) : undefined;
}

/** Rows between two progress reports. */
const REPORT_EVERY = 10_000;

/**
 * Builds a Dataset from everything a store holds. Progress counts rows read out of the total the store counts
 * at the start.
 * @example const dataset = await datasetFromStore(await openStore('sqlite://./resonate.db'));
 */
export async function datasetFromStore(
  store: RowSource,
  weights: EventWeights = DEFAULT_CONFIG.weights,
  progress?: Progress,
  nowOptions: DatasetNowOptions = {},
): Promise<Dataset> {
  const builder = new DatasetBuilder(weights, nowOptions);
  const c = await store.counts();
  const total = c.users + c.posts + c.follows + c.events;
  let done = 0;
  const tick = (label: string): void => {
    if (progress && ++done % REPORT_EVERY === 0) progress(done, total, label);
  };
  for await (const u of store.scanUsers()) {
    builder.addUser(u);
    tick('users');
  }
  for await (const p of store.scanPosts()) {
    builder.addPost(p);
    tick('posts');
  }
  for await (const f of store.scanFollows()) {
    builder.addFollow(f);
    tick('follows');
  }
  // Engagement with a sponsored impression is paid placement, not an organic signal: the models never learn it.
  const sponsored = await sponsoredKeys(store);
  for await (const e of store.scanEvents()) {
    if (!(sponsored && e.request_id && e.post !== undefined && sponsored.has(`${e.request_id}\n${e.post}`))) builder.addEvent(e);
    tick('events');
  }
  const dataset = builder.build();
  progress?.(done, total, 'done');
  return dataset;
}
