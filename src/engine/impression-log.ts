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
import type { ServedPage } from '../data/impressions.js';
import type { Logger } from '../core/logger.js';
import type { ResonateConfig } from '../core/config.js';
import type { Store } from '../storage/store.js';

export interface ImpressionLogStats {
  /** Rows (served items) committed to the store by this process. */
  written: number;
  /** Rows waiting in memory or being written. */
  pending: number;
  /** Rows dropped because the store failed and the buffer was full. */
  dropped: number;
  /** Flushes that failed (the rows were kept for the next one). */
  failedFlushes: number;
}

export class ImpressionLog {
  private pending: ServedPage[] = [];
  private pendingRows = 0;
  private inFlight: Promise<void> | undefined;
  private inFlightRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly counts = { written: 0, dropped: 0, failedFlushes: 0 };
  private closed = false;

  constructor(
    private readonly store: Pick<Store, 'writeImpressions'>,
    private readonly config: ResonateConfig['impressions'],
    private readonly logger?: Logger,
  ) {}

  get enabled(): boolean {
    return this.config.enabled && !this.closed;
  }

  /** Buffers one served page; resolves at once unless the buffer is full. */
  async record(page: ServedPage): Promise<void> {
    const rows = page.items.length;
    if (!this.enabled || rows === 0) return;
    if (this.unsaved() + rows > this.config.bufferRows) {
      await this.flush();
      // The store refused the flush (or the page alone passes the bound): keep the bound, drop the page (counted).
      if (this.unsaved() + rows > this.config.bufferRows) {
        this.counts.dropped += rows;
        return;
      }
    }
    this.pending.push(page);
    this.pendingRows += rows;
    this.schedule();
  }

  /** Writes everything buffered; resolves when it is committed (or the attempt failed and the rows were kept). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.length === 0) return;
    const batch = this.pending, rows = this.pendingRows;
    this.pending = [];
    this.pendingRows = 0;
    this.inFlightRows = rows;
    this.inFlight = this.store
      .writeImpressions(batch)
      .then(() => {
        this.counts.written += rows;
      })
      .catch((err: unknown) => {
        this.counts.failedFlushes++;
        this.pending = batch.concat(this.pending);
        this.pendingRows += rows;
        this.logger?.warn({ err, rows }, 'impression log: flush failed; rows kept for the next one');
      })
      .finally(() => {
        this.inFlight = undefined;
        this.inFlightRows = 0;
      });
    await this.inFlight;
  }

  stats(): ImpressionLogStats {
    return { ...this.counts, pending: this.unsaved() };
  }

  /** Flushes and stops; later records are ignored. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
  }

  private unsaved(): number {
    return this.pendingRows + this.inFlightRows;
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
