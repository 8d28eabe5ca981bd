/**
 * @module `resonate train` and `resonate recommend`.
 */
import type { Command } from 'commander';
import { createProgressBar } from '../../core/progress.js';
import { engineFrom, printJson } from '../shared.js';

export function registerModelCommands(program: Command): void {
  program
    .command('train')
    .description('build the dataset from the store and fit the configured models (saved under models.dir)')
    .action(async (_opts: unknown, cmd: Command) => {
      const engine = await engineFrom(cmd);
      const bar = createProgressBar('train');
      try {
        const report = await engine.train({ progress: bar.report });
        await engine.secondaryTraining();
        bar.stop();
        const stats = await engine.stats();
        printJson({ ...report, ranker: stats.ranker, behavior: stats.behavior });
      } finally {
        bar.stop();
        await engine.close();
      }
    });

  program
    .command('recommend')
    .description("a user's feed (or one model's top-k)")
    .requiredOption('--user <id>', 'user id')
    .option('-k, --k <n>', 'how many', '10')
    .option('--model <id>', 'one model instead of the blended feed')
    .action(async (opts: { user: string; k: string; model?: string }, cmd: Command) => {
      const engine = await engineFrom(cmd);
      try {
        await engine.train({ save: false, secondary: false });
        if (opts.model) printJson(await engine.recommend(opts.user, { k: Number(opts.k), model: opts.model }));
        else printJson((await engine.feed(opts.user, { pageSize: Number(opts.k) })).items);
      } finally {
        await engine.close();
      }
    });
}
