/**
 * @module The Jetstream ingester (`resonate bluesky ingest`): a WebSocket subscription (plain `ws`, the JSON
 * protocol) to the wanted collections (and accounts), frames batched into store transactions that also save the
 * stream's `time_us` cursor, so the store always holds exactly the frames up to its cursor: after a crash (even
 * kill -9) the next run resumes from it, and frames replayed at the cursor's own time apply idempotently (posts
 * and follows are upserts, events are deduplicated by their AT-URI ids). A dropped connection is re-opened with
 * exponential backoff (with jitter) from the last frame received. Malformed frames, frames older than the last
 * one (out of order) and records that refer to what the store does not hold are counted and skipped.
 */
import WebSocket from 'ws';
import { isResonateError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../storage/store.js';
import { parseFrame, type CommitEvent } from './jetstream-frame.js';
import { mapCommits, type JetstreamCollection } from './jetstream-mapping.js';

export const CURSOR_KEY = 'jetstream:cursor';

export interface IngesterOptions {
  /** `wss://…/subscribe` (query parameters are added). */
  url: string;
  store: Store;
  collections: readonly JetstreamCollection[];
  /** Only these accounts (empty: all). */
  dids: readonly string[];
  languages: readonly string[];
  /** Frames per store transaction. */
  batchSize: number;
  maxBackoffMs: number;
  /** A batch smaller than `batchSize` is written after this many ms. */
  flushMs?: number;
  /** Stop once no frame arrived for this long (a replay or backfill); absent: run until `stop`. */
  idleExitMs?: number;
  logger?: Logger;
}

export interface IngestStats {
  /** Frames received. */
  frames: number;
  /** Commits written (as rows, retractions or deletions). */
  commits: number;
  malformed: number;
  outOfOrder: number;
  /** Records naming a post or follow the store does not hold, or that do not parse. */
  skippedRecords: number;
  /** Frames of accounts, collections or languages left out by the filters, and identity/account frames. */
  filtered: number;
  batches: number;
  reconnects: number;
  /** The committed cursor (time_us), 0 before the first. */
  cursor: number;
  /** Seconds since `run` started. */
  seconds: number;
}

const RETRYABLE = new Set(['STORE_BUSY', 'STORE_UNAVAILABLE']);

export class JetstreamIngester {
  private ws: WebSocket | undefined;
  private pending: CommitEvent[] = [];
  /** time_us of the last frame accepted (pending or committed). */
  private lastSeen = 0;
  private pendingCursor = 0;
  private committed = 0;
  private flushing: Promise<void> | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;
  private failure: unknown;
  private finish: (() => void) | undefined;
  private readonly wantedDids: Set<string>;
  private readonly wantedCollections: Set<string>;
  private started = 0;
  private readonly counts = { frames: 0, commits: 0, malformed: 0, outOfOrder: 0, skippedRecords: 0, filtered: 0, batches: 0, reconnects: 0 };

  constructor(private readonly o: IngesterOptions) {
    this.wantedDids = new Set(o.dids);
    this.wantedCollections = new Set(o.collections);
  }

  stats(): IngestStats {
    return { ...this.counts, cursor: this.committed, seconds: this.started === 0 ? 0 : (Date.now() - this.started) / 1000 };
  }

  /** Subscribes from the stored cursor; resolves when stopped (or the stream stayed idle for `idleExitMs`). */
  async run(): Promise<IngestStats> {
    this.started = Date.now();
    const stored = (await this.o.store.readState([CURSOR_KEY])).get(CURSOR_KEY);
    this.committed = this.lastSeen = this.pendingCursor = stored === undefined ? 0 : Number(stored);
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    this.connect();
    this.armIdle();
    await done;
    if (this.failure !== undefined) throw this.failure;
    return this.stats();
  }

  /** Closes the subscription and writes what is pending. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of [this.flushTimer, this.idleTimer, this.reconnectTimer]) if (t) clearTimeout(t);
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => {});
    this.ws?.terminate();
    try {
      await this.flush();
    } catch (e) {
      this.failure ??= e;
    }
    this.finish?.();
  }

  /** The subscription URL: wanted collections and accounts, and the cursor to resume from. */
  subscriptionUrl(): string {
    const url = new URL(this.o.url);
    for (const c of this.o.collections) url.searchParams.append('wantedCollections', c);
    for (const d of this.o.dids) url.searchParams.append('wantedDids', d);
    if (this.lastSeen > 0) url.searchParams.set('cursor', String(this.lastSeen));
    return url.toString();
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.subscriptionUrl(), { maxPayload: 4 * 1024 * 1024 });
    this.ws = ws;
    ws.on('message', (data: WebSocket.RawData) => this.onFrame(data));
    ws.on('error', (err) => this.o.logger?.warn({ err: { message: err.message } }, 'jetstream: connection error'));
    ws.on('close', () => {
      if (this.stopped || this.ws !== ws) return;
      this.counts.reconnects++;
      // Exponential backoff with jitter, reset by the first frame of a connection.
      const delay = Math.min(this.o.maxBackoffMs, 250 * 2 ** Math.min(this.attempt++, 20)) * (0.5 + Math.random() / 2);
      this.o.logger?.warn({ delayMs: Math.round(delay), cursor: this.lastSeen }, 'jetstream: disconnected; reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private armIdle(): void {
    if (this.o.idleExitMs === undefined || this.stopped) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.stop(), this.o.idleExitMs);
  }

  private onFrame(data: WebSocket.RawData): void {
    this.counts.frames++;
    this.attempt = 0;
    this.armIdle();
    const parsed = parseFrame(data.toString());
    if (!parsed.ok) {
      this.counts.malformed++;
      return;
    }
    const e = parsed.event;
    // Equal times replay idempotently (a resumed stream starts at the cursor's own time); earlier ones are skipped.
    if (e.time_us < this.lastSeen) {
      this.counts.outOfOrder++;
      return;
    }
    this.lastSeen = e.time_us;
    this.pendingCursor = e.time_us;
    if (e.kind !== 'commit' || !this.wantedCollections.has(e.commit.collection) || (this.wantedDids.size > 0 && !this.wantedDids.has(e.did))) {
      this.counts.filtered++;
    } else {
      this.pending.push(e);
    }
    if (this.pending.length >= this.o.batchSize) void this.flushSafely();
    else this.flushTimer ??= setTimeout(() => void this.flushSafely(), this.o.flushMs ?? 100);
    // Backpressure: stop reading while the store is behind by several batches.
    if (this.pending.length >= this.o.batchSize * 4) this.ws?.pause();
  }

  private async flushSafely(): Promise<void> {
    try {
      await this.flush();
    } catch (e) {
      this.failure ??= e;
      this.o.logger?.error({ err: e }, 'jetstream: a batch could not be written; stopping (the cursor stays before it)');
      await this.stop();
    }
  }

  /** Writes the pending commits and the cursor after them in one transaction; one flush at a time. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 && this.pendingCursor === this.committed) return;
    const commits = this.pending.splice(0, this.o.batchSize);
    // The cursor of this write: the last frame it covers, or the latest seen when it takes everything pending.
    const cursor = this.pending.length === 0 ? this.pendingCursor : commits[commits.length - 1]!.time_us;
    this.flushing = this.write(commits, cursor).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
    if (this.pending.length < this.o.batchSize * 4) this.ws?.resume();
    if (this.pending.length >= this.o.batchSize || (this.stopped && this.pending.length > 0)) await this.flush();
    else if (this.pending.length > 0 && !this.stopped) this.flushTimer ??= setTimeout(() => void this.flushSafely(), this.o.flushMs ?? 100);
  }

  private async write(commits: CommitEvent[], cursor: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const mapped = await mapCommits(commits, this.o.store, { languages: this.o.languages });
        await this.o.store.write({ ...mapped.batch, state: [...(mapped.batch.state ?? []), { key: CURSOR_KEY, value: String(cursor) }] });
        this.counts.skippedRecords += mapped.invalid + mapped.unknownReferences;
        this.counts.filtered += mapped.filtered;
        this.counts.commits += commits.length - mapped.invalid - mapped.unknownReferences - mapped.filtered;
        this.counts.batches++;
        this.committed = cursor;
        return;
      } catch (e) {
        if (!isResonateError(e) || !RETRYABLE.has(e.code) || attempt >= 10 || this.stopped) throw e;
        await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt)));
      }
    }
  }
}
