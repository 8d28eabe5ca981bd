/**
 * @module Jetstream ingestion rate: `npm run bench -- bluesky-ingest [frames=200000] [batch=1000]`. A local
 * WebSocket server replays a synthetic Jetstream (posts, likes, reposts, follows, blocks, deletes, updates;
 * test/fixtures/jetstream.ts) as fast as it can; `JetstreamIngester` writes it into a SQLite file, each batch in
 * one transaction with its cursor. Reports frames/s (wall) and CPU ms per 1,000 frames; the replay server runs
 * in the same process, so the CPU figure includes sending the frames (an upper bound of the ingester's cost).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JetstreamIngester } from '../src/bluesky/jetstream-ingester.js';
import { JETSTREAM_COLLECTIONS } from '../src/bluesky/jetstream-mapping.js';
import { openStore } from '../src/storage/open-store.js';
import { jetstreamFrames, startReplayServer } from '../test/fixtures/jetstream.js';
import { machineLine, table } from './_machine.js';

export async function run(args: string[]): Promise<void> {
  const n = Number(args[0] ?? 200_000);
  const batchSize = Number(args[1] ?? 1000);
  const frames = jetstreamFrames(n, { users: Math.max(1000, Math.floor(n / 20)), seed: 7 });
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-jetstream-'));
  const store = await openStore(`sqlite://${join(dir, 'ingest.db')}`);
  const replay = await startReplayServer(frames, { chunk: 2000 });
  const before = loadavg()[0]!;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  try {
    const ingester = new JetstreamIngester({ url: replay.url, store, collections: JETSTREAM_COLLECTIONS, dids: [], languages: [], batchSize, maxBackoffMs: 1000, idleExitMs: 500 });
    const stats = await ingester.run();
    const seconds = (performance.now() - t0) / 1000 - 0.5; // the idle wait before stopping is not ingestion
    const used = process.cpuUsage(cpu);
    const counts = await store.counts();
    console.log(`\n## Jetstream ingestion into SQLite (${machineLine()})\n`);
    console.log(`${frames.length.toLocaleString('en-US')} frames replayed from a local WebSocket server; batches of ${batchSize}; store after: ${counts.users} users, ${counts.posts} posts, ${counts.follows} follows, ${counts.events} events\n`);
    console.log(table(['frames', 'commits written', 'skipped', 'batches', 'seconds', 'frames/s', 'CPU ms / 1,000 frames (incl. replay server)', 'load average'], [[
      stats.frames, stats.commits, stats.skippedRecords, stats.batches, seconds, Math.round(stats.frames / seconds).toLocaleString('en-US'),
      ((used.user + used.system) / 1000 / stats.frames) * 1000, `${before.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`,
    ]]));
  } finally {
    await replay.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
