/**
 * @module Ingest from a NATS JetStream subject, beside HTTP batches. A durable pull consumer fetches messages in
 * batches; each message is one write batch — `{ "kind": "events" | "users" | "posts" | "follows", "rows": [...] }`,
 * or an array of events, or one event — written through the engine's ingest path (same validation, same
 * idempotency: events are deduplicated by id, the other rows are upserts). A message is acknowledged only after the
 * store committed it, so a consumer killed before its acknowledgement has the message delivered again (after
 * `ackWaitSeconds`) and the second write stores nothing new. Consecutive messages of one kind are written as one
 * batch; when that batch is refused, each message is written alone so that only the bad ones are refused. A
 * malformed or refused message (not JSON, another shape, a validation error) is counted and terminated, never
 * delivered again; a store that is busy or unreachable gets the messages back with a delay (`nak`).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, jetstream, jetstreamManager, type Consumer, type JsMsg } from '@nats-io/jetstream';
import { createError, ResonateError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { ROW_KINDS, type RowKind } from '../data/validate.js';
import type { WriteSummary } from '../storage/store.js';

export interface NatsIngestOptions {
  url: string;
  stream: string;
  subject: string;
  /** The durable consumer's name (several `resonate ingest` processes with one name share the messages). */
  durable?: string;
  /** Messages fetched per round. */
  batch?: number;
  /** Seconds the server waits for an acknowledgement before delivering a message again. */
  ackWaitSeconds?: number;
  /** Rows written per store transaction at most (`server.maxBatch`). */
  maxRows: number;
  /** The ingest path (the engine's `ingest`). */
  ingest: (kind: RowKind, rows: unknown[]) => Promise<WriteSummary>;
  logger: Logger;
}

export interface NatsIngestStats {
  /** Messages acknowledged after their write. */
  messages: number;
  /** Rows written (as the store counted them: inserted or updated). */
  rows: number;
  /** Events that were stored already (a redelivery, or the same event sent twice): nothing written for them. */
  duplicateEvents: number;
  /** Messages terminated as malformed or refused. */
  malformed: number;
  /** Messages handed back for a later delivery (store busy or unreachable). */
  retried: number;
  /** Messages that arrived as a redelivery. */
  redelivered: number;
}

/** Seconds a message waits before it is delivered again after a transient store failure. */
const RETRY_DELAY_MS = 2_000;

interface Parsed {
  msg: JsMsg;
  kind: RowKind;
  rows: unknown[];
}

/** The write batch a message carries, or the reason it is malformed. */
export function parseMessage(data: Uint8Array): { kind: RowKind; rows: unknown[] } | { problem: string } {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch (e) {
    return { problem: `not UTF-8 JSON (${(e as Error).message})` };
  }
  if (Array.isArray(body)) return { kind: 'events', rows: body };
  if (body === null || typeof body !== 'object') return { problem: 'expected an object or an array' };
  const o = body as Record<string, unknown>;
  if (!('kind' in o) && !('rows' in o)) return { kind: 'events', rows: [o] };
  if (typeof o.kind !== 'string' || !(ROW_KINDS as readonly string[]).includes(o.kind)) return { problem: `kind: expected one of ${ROW_KINDS.join(', ')}` };
  if (!Array.isArray(o.rows)) return { problem: 'rows: expected an array' };
  return { kind: o.kind as RowKind, rows: o.rows };
}

/** A failure that may pass if the same write is tried later (the store, not the message). */
function transient(e: unknown): boolean {
  return !(e instanceof ResonateError) || e.statusCode >= 500;
}

export class NatsIngester {
  readonly stats: NatsIngestStats = { messages: 0, rows: 0, duplicateEvents: 0, malformed: 0, retried: 0, redelivered: 0 };
  private stopped = false;
  private running: Promise<void> | undefined;

  private constructor(private readonly nc: NatsConnection, private readonly consumer: Consumer, private readonly o: NatsIngestOptions) {}

  /** Connects, checks the stream, and creates (or updates) the durable consumer on the subject. */
  static async open(o: NatsIngestOptions): Promise<NatsIngester> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: o.url, name: 'resonate-ingest', maxReconnectAttempts: -1 });
    } catch (e) {
      throw createError('BUS_UNAVAILABLE', { url: o.url, problem: `cannot connect (${(e as Error).message})` });
    }
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.info(o.stream).catch(() => {
        throw createError('BUS_UNAVAILABLE', { url: o.url, problem: `no stream named ${o.stream}` });
      });
      const durable = o.durable ?? 'resonate-ingest';
      await jsm.consumers.add(o.stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: o.subject, ack_wait: (o.ackWaitSeconds ?? 30) * 1e9, max_ack_pending: 10_000 });
      const consumer = await jetstream(nc).consumers.get(o.stream, durable);
      return new NatsIngester(nc, consumer, o);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** Consumes until `stop`; resolves when the last round is written and acknowledged. */
  run(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  private async loop(): Promise<void> {
    const batch = this.o.batch ?? 500;
    while (!this.stopped) {
      const got: JsMsg[] = [];
      try {
        const messages = await this.consumer.fetch({ max_messages: batch, expires: 1000 });
        for await (const m of messages) got.push(m);
      } catch (err) {
        if (this.stopped) break;
        this.o.logger.warn({ err }, 'fetching from NATS failed; trying again');
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      if (got.length > 0) await this.handle(got);
    }
  }

  /** Writes one round of messages in order, consecutive messages of one kind together. */
  async handle(msgs: readonly JsMsg[]): Promise<void> {
    // A slow write (a cold start, a busy store) must not outlast the ack wait: the round says it is still working.
    const keepAlive = setInterval(() => msgs.forEach((m) => m.working()), ((this.o.ackWaitSeconds ?? 30) * 1000) / 3);
    try {
      await this.handleRound(msgs);
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async handleRound(msgs: readonly JsMsg[]): Promise<void> {
    const parsed: Parsed[] = [];
    for (const msg of msgs) {
      if (msg.info.redelivered) this.stats.redelivered++;
      const p = parseMessage(msg.data);
      if ('problem' in p) this.refuse(msg, p.problem);
      else parsed.push({ msg, ...p });
    }
    let group: Parsed[] = [];
    let rows = 0;
    for (const p of parsed) {
      if (group.length > 0 && (p.kind !== group[0]!.kind || rows + p.rows.length > this.o.maxRows)) {
        await this.writeGroup(group);
        group = [];
        rows = 0;
      }
      group.push(p);
      rows += p.rows.length;
    }
    if (group.length > 0) await this.writeGroup(group);
  }

  private async writeGroup(group: readonly Parsed[]): Promise<void> {
    try {
      const summary = await this.o.ingest(group[0]!.kind, group.flatMap((p) => p.rows));
      this.acked(group, summary);
    } catch (e) {
      if (transient(e)) return this.retry(group, e);
      // One message spoiled the batch: write each alone, refusing only the ones that fail.
      if (group.length === 1) return this.refuse(group[0]!.msg, (e as Error).message);
      for (const p of group) await this.writeGroup([p]);
    }
  }

  private acked(group: readonly Parsed[], summary: WriteSummary): void {
    // Acknowledged only now: the store has committed the rows.
    for (const p of group) p.msg.ack();
    this.stats.messages += group.length;
    this.stats.rows += summary.users + summary.posts + summary.follows + summary.unfollows + summary.events;
    this.stats.duplicateEvents += summary.duplicateEvents;
  }

  private retry(group: readonly Parsed[], e: unknown): void {
    this.o.logger.warn({ err: e, messages: group.length }, 'store write failed; the messages are delivered again later');
    for (const p of group) p.msg.nak(RETRY_DELAY_MS);
    this.stats.retried += group.length;
  }

  private refuse(msg: JsMsg, problem: string): void {
    this.stats.malformed++;
    this.o.logger.warn({ subject: msg.subject, seq: msg.seq, problem }, 'NATS message refused and terminated');
    // Without a reason: a server that does not know "+TERM <reason>" delivers the message again (seen in testing).
    msg.term();
  }

  /** Stops fetching, waits for the round under way, flushes the acknowledgements and closes the connection. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.nc.flush().catch(() => undefined);
    await this.nc.close();
  }

  /** Closes the connection at once without acknowledging the round under way (tests: a consumer that died). */
  async abandon(): Promise<void> {
    this.stopped = true;
    await this.nc.close();
  }
}
