/**
 * @module The impression log's writer: served feed items are buffered in memory and appended to the store in
 * bulk, off the request path (a timer every `flushMs`, or at once when the buffer fills).
 *
 * The loss bound: rows not yet committed (buffered or in a flush under way) never exceed `bufferRows`. A page
 * whose rows would pass the bound waits until the flush under way commits, then its rows join the buffer; so a
 * crash loses at most `bufferRows` rows, and a request waits only when the store cannot keep up. A flush that
 * fails (a busy or unreachable store) keeps its rows for the next attempt; rows beyond the bound are then
 * dropped and counted rather than blocking the feed.
 */
import type { Impression } from '../data/impressions.js';
import type { FeedItem } from '../feed/types.js';
import type { Logger } from '../core/logger.js';
import type { ResonateConfig } from '../core/config.js';
import type { Store } from '../storage/store.js';

export interface ImpressionLogStats {
  /** Rows committed to the store by this process. */
  written: number;
  /** Rows waiting in memory. */
  pending: number;
  /** Rows dropped because the store failed and the buffer was full. */
  dropped: number;
  /** Flushes that failed (the rows were kept for the next one). */
  failedFlushes: number;
}

export class ImpressionLog {
  private pending: Impression[] = [];
  private inFlight: Promise<void> | undefined;
  private inFlightRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly stats_: ImpressionLogStats = { written: 0, pending: 0, dropped: 0, failedFlushes: 0 };
  private closed = false;

  constructor(
    private readonly store: Pick<Store, 'writeImpressions'>,
    private readonly config: ResonateConfig['impressions'],
    private readonly logger?: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.enabled && !this.closed;
  }

  /** Buffers the rows of one served page; resolves at once unless the buffer is full. */
  async record(rows: readonly Impression[]): Promise<void> {
    if (!this.enabled || rows.length === 0) return;
    const bound = this.config.bufferRows;
    if (this.unsaved() + rows.length > bound) {
      await this.flush();
      if (this.unsaved() + rows.length > bound) {
        // The store refused the flush: keep the bound, drop what does not fit (counted).
        const room = Math.max(0, bound - this.unsaved());
        this.stats_.dropped += rows.length - room;
        rows = rows.slice(0, room);
      }
    }
    for (const r of rows) this.pending.push(r);
    this.schedule();
  }

  /** Writes everything buffered; resolves when it is committed (or the attempt failed and the rows were kept). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.inFlightRows = batch.length;
    this.inFlight = this.store
      .writeImpressions(batch)
      .then(() => {
        this.stats_.written += batch.length;
      })
      .catch((err: unknown) => {
        this.stats_.failedFlushes++;
        this.pending = batch.concat(this.pending);
        this.logger?.warn({ err, rows: batch.length }, 'impression log: flush failed; rows kept for the next one');
      })
      .finally(() => {
        this.inFlight = undefined;
        this.inFlightRows = 0;
      });
    await this.inFlight;
  }

  stats(): ImpressionLogStats {
    return { ...this.stats_, pending: this.unsaved() };
  }

  /** Flushes and stops; later records are ignored. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
  }

  private unsaved(): number {
    return this.pending.length + this.inFlightRows;
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().then(() => {
        if (this.pending.length > 0) this.schedule();
      });
    }, this.config.flushMs);
    this.timer.unref();
  }
}

/**
 * The impression rows of one served page. The blended ranking is deterministic: each of its items was placed
 * with probability 1 (`policy: 'blend'`).
 */
export function impressionRows(requestId: string, userId: string, offset: number, items: readonly FeedItem[], at: number): Impression[] {
  return items.map((item, i) => ({
    requestId, userId, postId: item.postId, position: offset + i, source: item.source, score: item.score, policy: 'blend', propensity: 1, at,
  }));
}
