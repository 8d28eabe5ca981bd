/**
 * @module `resonate import`, `resonate generate`, `resonate stats`.
 */
import type { Command } from 'commander';
import { createProgressBar } from '../../core/progress.js';
import { IMPORT_FORMATS } from '../../data/importers/types.js';
import { configFrom, engineFrom, printJson } from '../shared.js';

export function registerDataCommands(program: Command): void {
  program
    .command('import')
    .description(`import a file or folder into the store; formats: ${IMPORT_FORMATS.join(', ')}`)
    .argument('<format>', 'input format')
    .argument('<path>', 'file or folder')
    .option('--strict', 'abort on the first invalid row and write nothing (one transaction)')
    .option('--atomic', 'one transaction for the whole import; a running server gets STORE_BUSY for writes until it ends')
    .option('--delimiter <d>', 'column delimiter for interactions files (default: detected)')
    .option('--max-errors <n>', 'rejected rows to list (all are counted)', '20')
    .action(async (format: string, path: string, opts: { strict?: boolean; atomic?: boolean; delimiter?: string; maxErrors: string }, cmd: Command) => {
      const { importData, importSummary } = await import('../../data/importers/index.js');
      const engine = await engineFrom(cmd);
      const bar = createProgressBar(`import ${format}`);
      try {
        // Without --atomic/--strict an import into a database file commits every 5,000 rows (see ImportOptions.atomic).
        const atomic = opts.atomic === true ? true : undefined;
        const report = await importData(engine.store, format, path, { strict: opts.strict === true, atomic, delimiter: opts.delimiter, progress: bar.report });
        bar.stop();
        const shown = report.rejected.slice(0, Number(opts.maxErrors));
        for (const r of shown) console.error(`line ${r.line}: ${r.reason}`);
        if (report.rejectedCount > shown.length) console.error(`… and ${report.rejectedCount - shown.length} more rejected rows`);
        console.log(importSummary(report));
      } finally {
        bar.stop();
        await engine.close();
      }
    });

  program
    .command('generate')
    .description('generate a synthetic social network into the store (with its planted truth beside it)')
    .option('--users <n>', 'number of users', '2000')
    .option('--seed <s>', 'random seed', '42')
    .option('--truth <file>', 'where to write the planted truth (JSON)')
    .action(async (opts: { users: string; seed: string; truth?: string }, cmd: Command) => {
      const { generateToStore } = await import('../../data/synthetic/index.js');
      const engine = await engineFrom(cmd);
      const bar = createProgressBar('generate');
      try {
        const { summary, network } = await generateToStore(engine.store, { users: Number(opts.users), seed: Number(opts.seed) }, bar.report);
        bar.stop();
        if (opts.truth) network.writeTruth(opts.truth);
        console.log(`generated ${summary.users} users, ${summary.posts} posts, ${summary.follows} follows, ${summary.events} events${opts.truth ? `; planted truth in ${opts.truth}` : ''}`);
      } finally {
        bar.stop();
        await engine.close();
      }
    });

  program
    .command('stats')
    .description('counts of users, posts, follows and events in the store')
    .action(async (_opts: unknown, cmd: Command) => {
      // The store alone: counting rows needs no models.
      const { openStore } = await import('../../storage/open-store.js');
      const store = await openStore(configFrom(cmd).store.url);
      try {
        printJson(await store.counts());
      } finally {
        await store.close();
      }
    });
}
