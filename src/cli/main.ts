/**
 * @module The `resonate` command line: start, serve, import, generate, train, recommend, models, stats, eval, ope, simulate, tune, text, privacy, keys, users, migrate, experiments, bluesky, backup, restore.
 */
import { CommanderError } from 'commander';
import { isResonateError } from '../core/errors.js';
import { programFor } from './program.js';

export { buildProgram } from './program.js';

export async function main(argv: string[] = process.argv): Promise<void> {
  const program = (await programFor(argv)).exitOverride();
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
