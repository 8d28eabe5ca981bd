/**
 * NATS JetStream ingest against the machine's NATS (RESONATE_TEST_NATS_URL; skipped without it), on a stream of
 * its own deleted afterwards: messages are written through the ingest path and acknowledged; malformed and refused
 * messages are counted and terminated (not delivered again); a consumer that dies after the store commit and
 * before its acknowledgement has the message delivered again to the next one, and the store holds each event once.
 */
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine/index.js';
import { silentLogger } from '../core/logger.js';
import { eventually } from '../../test/fixtures/test-redis.js';
import type { RowKind } from '../data/validate.js';
import { NatsIngester, parseMessage } from './nats-ingest.js';

const NATS_URL = process.env.RESONATE_TEST_NATS_URL ?? '';

describe('parseMessage', () => {
  const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
  it('reads a batch, an array of events or one event; names what is malformed', () => {
    expect(parseMessage(enc({ kind: 'posts', rows: [{ id: 'p' }] }))).toEqual({ kind: 'posts', rows: [{ id: 'p' }] });
    expect(parseMessage(enc([{ id: 'e' }]))).toEqual({ kind: 'events', rows: [{ id: 'e' }] });
    expect(parseMessage(enc({ id: 'e', type: 'like' }))).toEqual({ kind: 'events', rows: [{ id: 'e', type: 'like' }] });
    expect(parseMessage(new TextEncoder().encode('{nope'))).toMatchObject({ problem: expect.stringMatching(/not UTF-8 JSON/) });
    expect(parseMessage(new Uint8Array([0xff, 0xfe]))).toMatchObject({ problem: expect.stringMatching(/not UTF-8 JSON/) });
    expect(parseMessage(enc({ kind: 'likes', rows: [] }))).toMatchObject({ problem: expect.stringMatching(/^kind:/) });
    expect(parseMessage(enc({ kind: 'events', rows: 3 }))).toMatchObject({ problem: 'rows: expected an array' });
    expect(parseMessage(enc(7))).toMatchObject({ problem: 'expected an object or an array' });
  });
});

describe.skipIf(NATS_URL === '')('NATS JetStream ingest', () => {
  const stream = `resonate_test_${randomBytes(4).toString('hex')}`;
  let nc: NatsConnection;
  let engine: Engine;
  const T = Date.parse('2026-01-02T00:00:00Z');
  const like = (id: string, post = 'p1'): Record<string, unknown> => ({ id, user: 'u1', type: 'like', post, timestamp: T });

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' } } });
    await engine.ingest('users', [{ id: 'u1' }, { id: 'u2' }]);
    await engine.ingest('posts', [{ id: 'p1', author: 'u2', text: 'hello', created_at: T }, { id: 'p2', author: 'u2', text: 'again', created_at: T }]);
  });

  afterAll(async () => {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
    await engine.close();
  });

  async function publish(subject: string, bodies: unknown[]): Promise<void> {
    const js = jetstream(nc);
    for (const b of bodies) await js.publish(subject, typeof b === 'string' ? b : JSON.stringify(b));
  }

  function ingester(subject: string, durable: string, ingest: (kind: RowKind, rows: unknown[]) => ReturnType<Engine['ingest']> = (k, r) => engine.ingest(k, r)): Promise<NatsIngester> {
    return NatsIngester.open({ url: NATS_URL, stream, subject, durable, batch: 50, ackWaitSeconds: 4, maxRows: 1000, ingest, logger: silentLogger });
  }

  async function storedEvents(): Promise<number> {
    return (await engine.store.counts()).events;
  }

  it('writes good messages, terminates malformed and refused ones, and none comes back', async () => {
    const subject = `${stream}.t1`;
    await publish(subject, [like('a1'), [like('a2'), like('a3')], '{nope', { kind: 'events', rows: [like('a4', 'no-such-post')] }, { kind: 'follows', rows: [{ follower: 'u1', followee: 'u2', created_at: T }] }, like('a5')]);
    const ing = await ingester(subject, 'c1');
    void ing.run();
    expect(await eventually(() => ing.stats.messages + ing.stats.malformed === 6, 15_000)).toBe(true);
    expect(ing.stats).toMatchObject({ messages: 4, malformed: 2, retried: 0 });
    expect(await storedEvents()).toBe(4);
    // Past the ack wait: nothing is delivered again (acknowledged or terminated).
    await new Promise((r) => setTimeout(r, 5000));
    expect(ing.stats.redelivered).toBe(0);
    await ing.close();
  }, 30_000);

  it('a consumer killed after the commit and before the ack: the message comes back, the store keeps one copy', async () => {
    const before = await storedEvents();
    const subject = `${stream}.t2`;
    await publish(subject, [[like('b1'), like('b2')], like('b3')]);
    let committed = 0;
    // The first consumer writes, then never returns (it is killed before acknowledging).
    const dying = await ingester(subject, 'c2', async (kind, rows) => {
      await engine.ingest(kind, rows);
      committed += rows.length;
      return new Promise(() => undefined);
    });
    void dying.run();
    expect(await eventually(() => committed === 3, 15_000)).toBe(true);
    await dying.abandon();
    expect(await storedEvents()).toBe(before + 3);
    const next = await ingester(subject, 'c2');
    void next.run();
    expect(await eventually(() => next.stats.messages === 2, 20_000)).toBe(true);
    expect(next.stats).toMatchObject({ redelivered: 2, duplicateEvents: 3, malformed: 0 });
    expect(await storedEvents()).toBe(before + 3);
    await next.close();
  }, 40_000);
});
