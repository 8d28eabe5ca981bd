/**
 * @module `resonate train`, `resonate recommend` and `resonate models list | show | rollback | prune`.
 */
import { Option, type Command } from 'commander';
import { createProgressBar } from '../../core/progress.js';
import { createError } from '../../core/errors.js';
import { listVersions, pruneVersions, readManifest, setCurrentVersion, versionNumbers } from '../../engine/model-versions.js';
import type { Engine } from '../../engine/index.js';
import { createEngine } from '../../engine/index.js';
import { datasetFromStore } from '../../data/dataset-from-store.js';
import { createLogger } from '../../core/logger.js';
import { servedConfig, tuneRecipe, writeRecipe } from '../../engine/tune-recipe.js';
import { configFrom, engineFrom, printJson } from '../shared.js';

function versionArg(raw: string): number {
  const v = Number(raw.replace(/^v0*/, ''));
  if (!Number.isInteger(v) || v < 1) throw createError('INVALID_INPUT', { field: 'VERSION', problem: `expected a version number such as 3 or v000003, got ${JSON.stringify(raw)}` });
  return v;
}

/** Serves the saved version when one matches the config, else trains (without saving) for a one-off answer. */
async function loadOrTrain(engine: Engine): Promise<void> {
  if (!(await engine.load({ secondary: false }))) await engine.train({ save: false, secondary: false });
}

/**
 * Started by a serving process or a worker with an IPC channel (`trainInChild`): exit when that channel closes, so
 * a parent killed mid-training (kill -9) leaves no orphan that would publish a version after its job was retried.
 */
function exitWithParent(): (() => void) | undefined {
  if (!process.send) return undefined;
  process.channel?.unref();
  process.once('disconnect', () => process.exit(1));
  // A synchronous fit does not see the disconnect until it returns: the parent is checked again before the save.
  const parent = process.ppid;
  return () => {
    if (process.ppid !== parent) throw new Error('the process that started this training is gone; nothing is saved');
  };
}

export function registerModelCommands(program: Command): void {
  program
    .command('train')
    .description('build the dataset from the store, fit the configured models and save them as a new model version')
    .option('--no-background', 'skip the background models (engagement ranker, behaviour, topics)')
    .option('--quiet', 'no progress bar')
    .option('--materialize', 'also precompute the first feed pages of the most active users (feed.materializeUsers); a serving process does this itself, so by default this process, which exits after training, does not')
    .addOption(new Option('--job-key <key>', 'the queued training job this run is (recorded in the version; nothing is saved when a version has it already)').hideHelp())
    .option('--tune <seconds>', 'first tune the feed recipe (source weights, member parameters) for up to SECONDS on a validation carve of the data; the tuned recipe is saved as <models.dir>/recipe.json only when it beats the untuned one on validation (default: models.tuneSeconds)')
    .action(async (opts: { background: boolean; quiet?: boolean; materialize?: boolean; tune?: string; jobKey?: string }, cmd: Command) => {
      const beforeSave = exitWithParent();
      const config = configFrom(cmd);
      const seconds = opts.tune === undefined ? config.models.tuneSeconds : Number(opts.tune);
      if (!(Number.isFinite(seconds) && seconds >= 0)) throw createError('INVALID_INPUT', { field: '--tune', problem: `expected a number of seconds ≥ 0, got ${opts.tune}` });
      let tuning: Record<string, unknown> | undefined;
      if (seconds > 0) {
        // The untuned recipe is the config as written (a previous recipe.json is not the starting point).
        const probe = await engineFrom(cmd);
        try {
          const result = await tuneRecipe({ data: await datasetFromStore(probe.store, config.weights), config, seconds });
          const path = writeRecipe(config, result);
          tuning = { kept: result.kept, metric: result.metric, validation: result.validation, trials: result.trials, seconds: result.seconds, ...(path ? { recipe: path } : {}) };
        } finally {
          await probe.close();
        }
      }
      // The served recipe (recipe.json over the config, see servedConfig) decides what is trained.
      const served = servedConfig(config);
      const feed = opts.materialize === true ? served.feed : { ...served.feed, materializeUsers: 0 };
      const engine = await createEngine({ config: { ...served, feed }, logger: createLogger(config.log.level) });
      const bar = opts.quiet ? undefined : createProgressBar('train');
      try {
        const report = await engine.train({ progress: bar?.report, secondary: opts.background, ...(opts.jobKey ? { jobKey: opts.jobKey } : {}), ...(beforeSave ? { beforeSave } : {}) });
        await engine.secondaryTraining();
        bar?.stop();
        const stats = await engine.stats();
        printJson({ ...report, ranker: stats.ranker, behavior: stats.behavior, ...(tuning ? { tuning } : {}) });
      } finally {
        bar?.stop();
        await engine.close();
      }
    });

  program
    .command('recommend')
    .description("a user's feed (or one model's top-k, or whom to follow), from the saved model version (trained now when there is none)")
    .requiredOption('--user <id>', 'user id')
    .option('-k, --k <n>', 'how many', '10')
    .option('--model <key>', 'one model (its label or id) instead of the blended feed')
    .option('--who-to-follow', 'accounts to follow instead of posts, each with its social proof')
    .action(async (opts: { user: string; k: string; model?: string; whoToFollow?: boolean }, cmd: Command) => {
      const engine = await engineFrom(cmd);
      try {
        await loadOrTrain(engine);
        if (opts.whoToFollow) printJson(await engine.whoToFollow(opts.user, { limit: Number(opts.k) }));
        else if (opts.model) printJson(await engine.recommend(opts.user, { k: Number(opts.k), model: opts.model }));
        else printJson((await engine.feed(opts.user, { pageSize: Number(opts.k) })).items.map(({ post: _post, ...item }) => item));
      } finally {
        await engine.close();
      }
    });

  const models = program.command('models').description('saved model versions: list, show, rollback, prune');
  models
    .command('list')
    .description('every saved version, newest first (* marks the one served)')
    .option('--json', 'as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const dir = configFrom(cmd).models.dir;
      const { versions, skipped, current } = listVersions(dir);
      if (opts.json) return printJson({ current: current ?? null, versions: versions.map(summary), skipped });
      if (versions.length === 0) console.log(`no model versions in ${dir} (run \`resonate train\`)`);
      for (const m of versions) {
        const s = summary(m);
        console.log(`${m.version === current ? '*' : ' '} v${m.version}  ${m.createdAt}  ${s.models.join(', ')}  (${s.data.users} users × ${s.data.items} posts, fit ${s.fitSeconds.toFixed(1)} s)`);
      }
      for (const s of skipped) console.log(`  v${s.version}  unreadable: ${s.problem}`);
    });
  models
    .command('show <version>')
    .description("one version's manifest: specs, data fingerprint, timings, validation metrics")
    .action((version: string, _opts: unknown, cmd: Command) => {
      printJson(readManifest(configFrom(cmd).models.dir, existing(configFrom(cmd).models.dir, versionArg(version))));
    });
  models
    .command('rollback <version>')
    .description('serve this version from the next start (a running server picks it up at its next load)')
    .action((version: string, _opts: unknown, cmd: Command) => {
      const dir = configFrom(cmd).models.dir;
      const v = existing(dir, versionArg(version));
      readManifest(dir, v);
      setCurrentVersion(dir, v);
      console.log(`v${v} is now the current version`);
    });
  models
    .command('prune')
    .description('delete old versions, keeping the newest N and the current one')
    .requiredOption('--keep <n>', 'versions to keep')
    .action((opts: { keep: string }, cmd: Command) => {
      const removed = pruneVersions(configFrom(cmd).models.dir, Number(opts.keep));
      console.log(removed.length === 0 ? 'nothing to prune' : `removed ${removed.map((v) => `v${v}`).join(', ')}`);
    });
}

function existing(dir: string, version: number): number {
  if (!versionNumbers(dir).includes(version)) throw createError('MODEL_VERSION_NOT_FOUND', { version: String(version), dir });
  return version;
}

function summary(m: ReturnType<typeof listVersions>['versions'][number]): { version: number; createdAt: string; models: string[]; data: { users: number; items: number }; fitSeconds: number } {
  return { version: m.version, createdAt: m.createdAt, models: m.models.map((x) => x.key), data: { users: m.data.users, items: m.data.items }, fitSeconds: m.timings.fitSeconds };
}
