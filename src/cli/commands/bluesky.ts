/**
 * @module `resonate bluesky ingest --jetstream URL`: Bluesky posts, likes, reposts, follows and blocks from a
 * Jetstream into the store, resumable from the cursor saved with the data (docs/bluesky.md). Progress (frames per
 * second, skipped frames, the cursor) on stderr every few seconds; the final counts as JSON on stdout.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { JETSTREAM_COLLECTIONS, type JetstreamCollection } from '../../bluesky/jetstream-mapping.js';
import { JetstreamIngester } from '../../bluesky/jetstream-ingester.js';
import { openStore } from '../../storage/open-store.js';
import { configFrom, printJson } from '../shared.js';

const PROGRESS_EVERY_MS = 5_000;

const list = (v: string | undefined): string[] | undefined => (v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter((s) => s !== ''));

export function registerBlueskyCommands(program: Command): void {
  const bluesky = program.command('bluesky').description('serve Resonate feeds to Bluesky (docs/bluesky.md)');
  bluesky
    .command('ingest')
    .description('subscribe to a Jetstream and write posts, likes, reposts, follows and blocks into the store, resuming from the saved cursor')
    .option('--jetstream <url>', 'Jetstream subscribe URL (default: bluesky.jetstream.url)')
    .option('--collections <list>', `comma-separated collections (default: all of ${JETSTREAM_COLLECTIONS.join(', ')})`)
    .option('--dids <list>', 'only these accounts (comma-separated DIDs)')
    .option('--languages <list>', 'only posts in these languages (comma-separated, e.g. en,pt)')
    .option('--batch-size <n>', 'frames per store transaction (default: bluesky.jetstream.batchSize)')
    .option('--idle-exit <seconds>', 'stop once the stream is idle this long (replays, backfills)')
    .action(async (opts: { jetstream?: string; collections?: string; dids?: string; languages?: string; batchSize?: string; idleExit?: string }, cmd: Command) => {
      const config = configFrom(cmd);
      const j = config.bluesky.jetstream;
      const collections = list(opts.collections) ?? j.collections;
      for (const c of collections) {
        if (!(JETSTREAM_COLLECTIONS as readonly string[]).includes(c)) throw createError('UNKNOWN_OPTION', { kind: 'collection', name: c, expected: JETSTREAM_COLLECTIONS.join(', ') });
      }
      const batchSize = opts.batchSize === undefined ? j.batchSize : Number(opts.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw createError('INVALID_INPUT', { field: '--batch-size', problem: `expected an integer from 1 to 10000, got ${JSON.stringify(opts.batchSize)}` });
      const idle = opts.idleExit === undefined ? undefined : Number(opts.idleExit);
      if (idle !== undefined && !(idle > 0)) throw createError('INVALID_INPUT', { field: '--idle-exit', problem: `expected a positive number of seconds, got ${JSON.stringify(opts.idleExit)}` });
      const url = opts.jetstream ?? j.url;
      if (!/^wss?:\/\//.test(url)) throw createError('INVALID_INPUT', { field: '--jetstream', problem: 'expected a ws:// or wss:// URL' });
      const logger = createLogger(config.log.level);
      const store = await openStore(config.store.url);
      const ingester = new JetstreamIngester({
        url, store, collections: collections as JetstreamCollection[], dids: list(opts.dids) ?? j.dids, languages: list(opts.languages) ?? j.languages,
        batchSize, maxBackoffMs: j.maxBackoffMs, ...(idle !== undefined ? { idleExitMs: idle * 1000 } : {}), logger,
      });
      let last = { frames: 0, at: Date.now() };
      const progress = setInterval(() => {
        const s = ingester.stats();
        const now = Date.now();
        process.stderr.write(`frames ${s.frames} (${Math.round(((s.frames - last.frames) * 1000) / (now - last.at))}/s), commits ${s.commits}, malformed ${s.malformed}, out of order ${s.outOfOrder}, skipped ${s.skippedRecords}, filtered ${s.filtered}, reconnects ${s.reconnects}, cursor ${s.cursor}\n`);
        last = { frames: s.frames, at: now };
      }, PROGRESS_EVERY_MS);
      progress.unref();
      const onSignal = (): void => void ingester.stop();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const stats = await ingester.run();
        printJson({ ...stats, framesPerSecond: stats.seconds > 0 ? Math.round(stats.frames / stats.seconds) : 0 });
      } finally {
        clearInterval(progress);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await store.close();
      }
    });
}
