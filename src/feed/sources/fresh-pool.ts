/**
 * @module The fresh-post pool of a feed, shared by every user's ranking: posts the collaborative models cannot
 * rank yet — posts written since the snapshot (the newest `feed.freshPosts`, from the Store) and recent snapshot
 * posts with little engagement — each with its TF-IDF vector and its early engagement (the weighted events on it
 * since the snapshot). Read from the Store at most once every `feed.freshRefreshSeconds`, never per request, so a
 * ranking costs no scan of the Store.
 */
import type { ResonateConfig } from '../../core/config.js';
import { eventWeight, type EventWeights } from '../../data/dataset-builder.js';
import type { Dataset } from '../../data/dataset.js';
import type { Store } from '../../storage/store.js';
import type { InterestProfiles, SparseVector } from '../interest-profiles.js';

export interface FreshPost {
  id: string;
  author: string;
  /** Epoch ms. */
  createdAt: number;
  vector: SparseVector;
  /** Engagement weight the snapshot already holds (0 for posts written since). */
  base: number;
  /** Weighted events on the post since the snapshot, as read at the last refresh. */
  events: { time: number; weight: number }[];
}

export interface FreshPoolOptions {
  store: Store;
  dataset: Dataset;
  profiles: InterestProfiles;
  weights: EventWeights;
  config: Pick<ResonateConfig['feed'], 'freshPosts' | 'freshRefreshSeconds' | 'freshMaxAgeHours'>;
}

/** A snapshot post with less summed engagement weight than this (about three likes) still counts as fresh. */
export const LOW_ENGAGEMENT = 3;
/** Most events read at a refresh (the newest since the snapshot). */
const MAX_EVENTS = 20_000;
const H = 3_600_000;

export class FreshPool {
  private posts: FreshPost[] = [];
  private readAt = -Infinity;
  private reading: Promise<void> | undefined;
  private snapshotPosts: FreshPost[] | undefined;
  /** Store reads made (refreshes), for tests of the sharing. */
  reads = 0;

  constructor(private readonly o: FreshPoolOptions) {}

  /** The pool as of `asOf` (posts created later are left out), refreshed when older than the refresh period. */
  async at(asOf: number): Promise<FreshPost[]> {
    if (!this.reading && asOf >= this.readAt + this.o.config.freshRefreshSeconds * 1000) {
      this.reading = this.refresh(asOf).finally(() => (this.reading = undefined));
    }
    if (this.reading) await this.reading;
    return this.posts.filter((p) => p.createdAt <= asOf);
  }

  /** Posts were written: the next ranking reads the pool again instead of waiting for the refresh period. */
  stale(): void {
    this.readAt = -Infinity;
  }

  /** Early engagement of a pool post as of `asOf`: snapshot weight plus the weights of the events since. */
  engagement(post: FreshPost, asOf: number): number {
    let e = post.base;
    for (const ev of post.events) if (ev.time <= asOf) e += ev.weight;
    return e;
  }

  private async refresh(asOf: number): Promise<void> {
    const { store, dataset, profiles, config } = this.o;
    this.reads++;
    const since = dataset.now + 1;
    const [written, events] = await Promise.all([
      store.postsBetween(since, asOf + 1, config.freshPosts),
      store.eventsBetween(since, asOf + 1, { limit: MAX_EVENTS }),
    ]);
    const known = new Map(this.posts.map((p) => [p.id, p.vector]));
    const fresh = written.filter((p) => dataset.items.index(p.id) < 0);
    const toVectorize = fresh.filter((p) => !known.has(p.id));
    const made = new Map(profiles.vectorize(toVectorize).map((v, k) => [toVectorize[k]!.id, v]));
    const posts: FreshPost[] = fresh.map((p) => ({ id: p.id, author: p.author, createdAt: p.created_at, vector: known.get(p.id) ?? made.get(p.id)!, base: 0, events: [] }));
    for (const p of this.recentSnapshotPosts()) posts.push({ ...p, events: [] });
    const byId = new Map(posts.map((p) => [p.id, p]));
    for (const e of events) {
      const p = e.post === undefined ? undefined : byId.get(e.post);
      if (p) p.events.push({ time: e.timestamp, weight: eventWeight(e, this.o.weights) });
    }
    this.posts = posts;
    this.readAt = asOf;
  }

  /** Snapshot posts younger than `freshMaxAgeHours` (from the snapshot's clock) with little engagement, newest first. */
  private recentSnapshotPosts(): FreshPost[] {
    if (this.snapshotPosts) return this.snapshotPosts;
    const { dataset: d, profiles, config } = this.o;
    const engagement = new Float64Array(d.items.size);
    const m = d.interactions;
    for (let q = 0; q < m.indices.length; q++) engagement[m.indices[q]!]! += m.data[q]!;
    const horizon = d.now - config.freshMaxAgeHours * H;
    const items: number[] = [];
    for (let i = 0; i < d.items.size; i++) {
      if (d.itemCreatedAt[i]! >= horizon && d.itemAuthors[i]! >= 0 && engagement[i]! < LOW_ENGAGEMENT) items.push(i);
    }
    items.sort((a, b) => d.itemCreatedAt[b]! - d.itemCreatedAt[a]! || a - b);
    const kept = items.slice(0, config.freshPosts);
    const vectors = profiles.snapshotVectors(kept);
    this.snapshotPosts = kept.map((i, k) => ({
      id: d.items.id(i),
      author: d.users.id(d.itemAuthors[i]!),
      createdAt: d.itemCreatedAt[i]!,
      vector: vectors[k]!,
      base: engagement[i]!,
      events: [],
    }));
    return this.snapshotPosts;
  }
}
