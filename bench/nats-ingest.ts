/**
 * @module NATS JetStream ingest into each store: N `view` events published first (one event per message) on a
 * stream of its own, then consumed by `NatsIngester` through the engine's ingest path (validation, one store
 * write per round of messages, acknowledgements after the commit); events/s from the first fetch to the last
 * acknowledgement. The stream and the PostgreSQL schema are removed afterwards.
 *
 * Usage: `npm run bench -- nats-ingest [events=20000] [nats=nats://127.0.0.1:4222] [pg=postgres://postgres@127.0.0.1:5432/postgres]`
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuUsage } from 'node:process';
import pg from 'pg';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createEngine } from '../src/engine/index.js';
import { silentLogger } from '../src/core/logger.js';
import { NatsIngester } from '../src/bus/nats-ingest.js';
import { machineLine, table } from './_machine.js';

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 20_000);
  const natsUrl = args[1] ?? 'nats://127.0.0.1:4222';
  const pgUrl = args[2] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  console.log(machineLine());
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-nats-'));
  const schema = `bench_nats_${randomBytes(4).toString('hex')}`;
  const rows: (string | number)[][] = [];
  try {
    for (const [name, url] of [['sqlite', `sqlite://${join(dir, 'b.db')}`], ['postgres', `${pgUrl}${pgUrl.includes('?') ? '&' : '?'}schema=${schema}`]] as const) {
      const stream = `bench_${name}_${randomBytes(3).toString('hex')}`;
      await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
      const engine = await createEngine({ overrides: { store: { url }, impressions: { enabled: false } } });
      const users = Array.from({ length: 100 }, (_, i) => ({ id: `u${i}` }));
      await engine.ingest('users', users);
      await engine.ingest('posts', Array.from({ length: 200 }, (_, i) => ({ id: `p${i}`, author: `u${i % 100}`, text: `post ${i}`, created_at: Date.now() - 3_600_000 })));
      const js = jetstream(nc);
      const now = Date.now() - 60_000;
      const pubs: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        pubs.push(js.publish(`${stream}.events`, JSON.stringify({ id: `e${i}`, user: `u${i % 100}`, type: 'view', post: `p${(i * 7) % 200}`, timestamp: now + i })));
        if (pubs.length >= 1000) await Promise.all(pubs.splice(0));
      }
      await Promise.all(pubs);
      const ingester = await NatsIngester.open({ url: natsUrl, stream, subject: `${stream}.events`, durable: 'bench', batch: 1000, ackWaitSeconds: 60, maxRows: engine.config.server.maxBatch, ingest: (k, r) => engine.ingest(k, r), logger: silentLogger });
      const cpu0 = cpuUsage();
      const t0 = performance.now();
      void ingester.run();
      while (ingester.stats.messages < n) await new Promise((r) => setTimeout(r, 20));
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuUsage(cpu0);
      await ingester.close();
      const stored = (await engine.store.counts()).events;
      rows.push([name, n, stored, n / seconds, seconds, (cpu.user + cpu.system) / 1e6]);
      await engine.close();
      await jsm.streams.delete(stream);
    }
  } finally {
    await nc.close();
    rmSync(dir, { recursive: true, force: true });
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  }
  console.log(table(['store', 'messages', 'events stored', 'events/s', 'wall s', 'CPU s (this process)'], rows));
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
