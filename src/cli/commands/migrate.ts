/**
 * @module `resonate migrate --from URL --to URL`: copies a store to another (SQLite ↔ PostgreSQL, or between two
 * of the same kind) and verifies it by counts and checksums; progress on stderr, the report as JSON on stdout.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { redactUrl } from '../../core/logger.js';
import { copyStore } from '../../storage/copy-store.js';
import { openStore } from '../../storage/open-store.js';
import type { Store } from '../../storage/store.js';
import { normaliseStoreUrl, printJson } from '../shared.js';

/** Least time between two progress lines. */
const PROGRESS_EVERY_MS = 1000;

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('copy every table of one store into another (e.g. sqlite://a.db to postgres://…), verified by counts and checksums')
    .requiredOption('--from <url>', 'source store URL (sqlite://path, postgres://…)')
    .requiredOption('--to <url>', 'target store URL; must be empty unless --force')
    .option('--force', 'copy into a target that already holds rows (e.g. to finish an interrupted copy)')
    .option('--batch <n>', 'rows per target transaction', '5000')
    .action(async (opts: { from: string; to: string; force?: boolean; batch: string }) => {
      const fromUrl = normaliseStoreUrl(opts.from), toUrl = normaliseStoreUrl(opts.to);
      if (fromUrl === toUrl) throw createError('INVALID_INPUT', { field: '--to', problem: 'is the same store as --from' });
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1) throw createError('INVALID_INPUT', { field: '--batch', problem: `expected a positive integer, got ${JSON.stringify(opts.batch)}` });
      const from = await openStore(fromUrl);
      let to: Store | undefined;
      try {
        to = await openStore(toUrl);
        let last = 0;
        const report = await copyStore(from, to, {
          force: opts.force === true,
          batchSize: batch,
          progress: (done, total, table) => {
            const now = Date.now();
            if (now - last < PROGRESS_EVERY_MS && done < total) return;
            last = now;
            process.stderr.write(`migrate: ${done}/${total} rows (${table ?? ''})\n`);
          },
        });
        process.stderr.write(`migrate: verified ${report.rows} rows in ${report.seconds.toFixed(1)} s\n`);
        printJson({ from: redactUrl(fromUrl), to: redactUrl(toUrl), ...report });
      } finally {
        await from.close();
        await to?.close();
      }
    });
}
