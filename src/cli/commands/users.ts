/**
 * @module `resonate users erase ID` and `resonate users export ID`: a user's data rights from the command line.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { dropVersionsBefore, versionNumbers } from '../../engine/model-versions.js';
import { engineFrom, printJson } from '../shared.js';

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description("a user's data: erase, export");
  users
    .command('erase <id>')
    .description('erase a user (posts, follows, events; replies to their posts with --replies delete), then train a model version without them and delete the older ones')
    .option('--replies <mode>', 'keep | delete replies by others to the erased posts', 'keep')
    .action(async (id: string, opts: { replies: string }, cmd: Command) => {
      if (opts.replies !== 'keep' && opts.replies !== 'delete') throw createError('INVALID_INPUT', { field: '--replies', problem: `expected keep or delete, got ${JSON.stringify(opts.replies)}` });
      const engine = await engineFrom(cmd);
      try {
        const erasedAt = Date.now();
        const summary = await engine.eraseUser(id, { replies: opts.replies, actor: 'cli' });
        const dir = engine.config.models.dir;
        let retrained: number | undefined;
        if (versionNumbers(dir).length > 0 && (await engine.store.counts()).posts > 0) retrained = (await engine.train({ secondary: false })).version;
        const dropped = dropVersionsBefore(dir, erasedAt);
        printJson({ ...summary, modelVersion: retrained ?? null, droppedVersions: dropped });
      } finally {
        await engine.close();
      }
    });
  users
    .command('export <id>')
    .description('everything stored about a user, as JSON on stdout (audited)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const engine = await engineFrom(cmd);
      try {
        printJson(await engine.exportUser(id, { actor: 'cli' }));
      } finally {
        await engine.close();
      }
    });
}
