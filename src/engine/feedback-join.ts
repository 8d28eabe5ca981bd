/**
 * @module Joining feedback to impressions: events that answer a feed response carry its `request_id`. Every
 * event is stored whatever its request id says; this counts how the new ones join: `joined` (the id was served:
 * by this process recently, or found in the impression log), `unknown` (well-formed, never served or already
 * purged) and `malformed` (not a request id Resonate issues, stored without one).
 */
import type { Event } from '../data/schemas.js';
import type { Store } from '../storage/store.js';

export interface FeedbackJoinStats {
  joined: number;
  unknown: number;
  malformed: number;
}

/** Request ids remembered in memory (about 5 MB); older ones are looked up in the store. */
const RECENT_REQUESTS = 50_000;

export class FeedbackJoin {
  private readonly recent = new Set<string>();
  private readonly counts: FeedbackJoinStats = { joined: 0, unknown: 0, malformed: 0 };

  constructor(private readonly store: Pick<Store, 'knownRequestIds'>) {}

  /** Remembers a request id that was just served. */
  served(requestId: string): void {
    if (this.recent.size >= RECENT_REQUESTS) {
      // Sets iterate in insertion order: drop the oldest.
      const oldest = this.recent.values().next().value;
      if (oldest !== undefined) this.recent.delete(oldest);
    }
    this.recent.add(requestId);
  }

  /** Counts the request ids of newly stored events; never throws for a bad id (feedback is never refused). */
  async count(events: readonly Event[]): Promise<void> {
    const lookup: string[] = [];
    for (const e of events) {
      if (e.request_id === undefined) continue;
      if (e.request_id === null) this.counts.malformed++;
      else if (this.recent.has(e.request_id)) this.counts.joined++;
      else lookup.push(e.request_id);
    }
    if (lookup.length === 0) return;
    const known = await this.store.knownRequestIds([...new Set(lookup)]);
    for (const id of lookup) {
      if (known.has(id)) this.counts.joined++;
      else this.counts.unknown++;
    }
  }

  stats(): FeedbackJoinStats {
    return { ...this.counts };
  }
}
