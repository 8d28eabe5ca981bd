/**
 * @module The `resonate` command line: start, serve, import, generate, train, recommend, models, stats, eval, ope, simulate, tune, text, privacy, keys, users, migrate, experiments, backup, restore.
 */
import { Command, CommanderError } from 'commander';
import { isResonateError } from '../core/errors.js';
import { registerDataCommands } from './commands/data.js';
import { registerServeCommands } from './commands/serve.js';
import { registerModelCommands } from './commands/models.js';
import { registerEvalCommand } from './commands/eval.js';
import { registerOpeCommand } from './commands/ope.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerTextCommands } from './commands/text.js';
import { registerTuneCommand } from './commands/tune.js';
import { registerPrivacyCommands } from './commands/privacy.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerUserCommands } from './commands/users.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerExperimentCommands } from './commands/experiments.js';
import { registerBackupCommands } from './commands/backup.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('resonate')
    .description('Personalized feeds, similar posts, trends and search for social apps, on your own servers.')
    .option('-c, --config <file>', 'configuration file (default: ./resonate.config.json when present)')
    .option('--db <url>', 'store URL (sqlite://path or postgres://…); overrides the config')
    .showHelpAfterError();
  registerServeCommands(program);
  registerDataCommands(program);
  registerModelCommands(program);
  registerEvalCommand(program);
  registerOpeCommand(program);
  registerSimulateCommand(program);
  registerTuneCommand(program);
  registerTextCommands(program);
  registerPrivacyCommands(program);
  registerKeyCommands(program);
  registerUserCommands(program);
  registerMigrateCommand(program);
  registerExperimentCommands(program);
  registerBackupCommands(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = buildProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    if (isResonateError(e)) {
      console.error(`error ${e.code}: ${e.message}`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /(?:cli[\\/]main\.[jt]s|resonate(?:\.js)?)$/.test(process.argv[1]);
if (invokedDirectly) await main();
