/**
 * @module The command tree of `resonate`, loaded by need. Each module of `commands/` registers its verbs; importing
 * one pulls in what its verbs run (the engine, the API server, the evaluation lab), which costs about a second of
 * module loading. So the compiled CLI keeps an index of the verbs (`command-index.json`, written beside this file
 * by `scripts/transpile.mjs`): a run loads only the module of the verb it names, and the top-level help is drawn
 * from the index without loading any. Without the index (the TypeScript sources under tsx) every module loads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Help } from 'commander';

type Register = (program: Command) => void;

/** Every command module and its register function, in help order. */
const COMMAND_MODULES: Readonly<Record<string, () => Promise<Register>>> = {
  serve: async () => (await import('./commands/serve.js')).registerServeCommands,
  data: async () => (await import('./commands/data.js')).registerDataCommands,
  models: async () => (await import('./commands/models.js')).registerModelCommands,
  eval: async () => (await import('./commands/eval.js')).registerEvalCommand,
  ope: async () => (await import('./commands/ope.js')).registerOpeCommand,
  simulate: async () => (await import('./commands/simulate.js')).registerSimulateCommand,
  tune: async () => (await import('./commands/tune.js')).registerTuneCommand,
  text: async () => (await import('./commands/text.js')).registerTextCommands,
  privacy: async () => (await import('./commands/privacy.js')).registerPrivacyCommands,
  keys: async () => (await import('./commands/keys.js')).registerKeyCommands,
  users: async () => (await import('./commands/users.js')).registerUserCommands,
  migrate: async () => (await import('./commands/migrate.js')).registerMigrateCommand,
  experiments: async () => (await import('./commands/experiments.js')).registerExperimentCommands,
  bluesky: async () => (await import('./commands/bluesky.js')).registerBlueskyCommands,
  backup: async () => (await import('./commands/backup.js')).registerBackupCommands,
  worker: async () => (await import('./commands/worker.js')).registerWorkerCommand,
  ingest: async () => (await import('./commands/ingest.js')).registerIngestCommand,
};

/** One verb in the index: the module that registers it and what the top-level help shows of it. */
export interface IndexedCommand {
  name: string;
  module: string;
  /** As the help lists it, e.g. `import [options] <format> <path>`. */
  term: string;
  description: string;
}

const INDEX_FILE = join(dirname(fileURLToPath(import.meta.url)), 'command-index.json');
/** Global options that take a value (so the word after them is not the verb). */
const VALUE_OPTIONS = new Set(['-c', '--config', '--db']);

/** The program with its global options and no verbs. */
function rootProgram(): Command {
  return new Command()
    .name('resonate')
    .description('Personalized feeds, similar posts, trends and search for social apps, on your own servers.')
    .option('-c, --config <file>', 'configuration file (default: ./resonate.config.json when present)')
    .option('--db <url>', 'store URL (sqlite://path or postgres://…); overrides the config')
    .showHelpAfterError();
}

/** The whole program: every module loaded. */
export async function buildProgram(modules: readonly string[] = Object.keys(COMMAND_MODULES)): Promise<Command> {
  const program = rootProgram();
  for (const m of modules) (await COMMAND_MODULES[m]!())(program);
  return program;
}

/** The index of every verb (written at build time). */
export async function commandIndex(): Promise<IndexedCommand[]> {
  const help = new Help();
  const out: IndexedCommand[] = [];
  for (const module of Object.keys(COMMAND_MODULES)) {
    const program = await buildProgram([module]);
    for (const cmd of program.commands) out.push({ name: cmd.name(), module, term: help.subcommandTerm(cmd), description: help.subcommandDescription(cmd) });
  }
  return out;
}

function readIndex(): IndexedCommand[] | undefined {
  if (!existsSync(INDEX_FILE)) return undefined;
  return JSON.parse(readFileSync(INDEX_FILE, 'utf8')) as IndexedCommand[];
}

/** The verb an argument list names (`help <verb>` names that verb), skipping global options and their values. */
export function verbOf(args: readonly string[]): string | undefined {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The program for one run (`argv` as in process.argv): with the index, only the module of the verb named, or, when
 * none is named, the verbs as stubs that only show in the help; without it, everything.
 */
export async function programFor(argv: readonly string[], index = readIndex()): Promise<Command> {
  if (index === undefined) return buildProgram();
  const verb = verbOf(argv.slice(2));
  const entry = index.find((c) => c.name === verb);
  if (entry !== undefined) return buildProgram([entry.module]);
  // An unknown verb gets the full program, for commander's error and suggestions.
  if (verb !== undefined) return buildProgram();
  const program = rootProgram();
  for (const c of index) program.command(c.name).description(c.description);
  const terms = new Map(index.map((c) => [c.name, c.term]));
  const help = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? help.subcommandTerm(cmd) });
  return program;
}
