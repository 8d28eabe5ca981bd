/**
 * @module `resonate tune`: hyperparameter search for one model (random search + successive halving) on a
 * validation split carved from the protocol's training part only, writing the best parameters (best.json) and a
 * report (report.md with every trial). `--test` then scores the tuned and the starting parameters once on the
 * test part, for the record; the search itself never sees it.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { createProgressBar } from '../../core/progress.js';
import { loadEvaluationData } from '../../eval/load-data.js';
import { dataFingerprint, runEvaluation, trialsMarkdown, tune, type Protocol, type SearchSpace } from '../../eval/index.js';
import { DEFAULT_SPACES, memberWeightSpace } from '../../eval/tuning/default-spaces.js';
import { getModelFactory } from '../../models/registry.js';
import { registerBuiltinModels } from '../../models/builtin.js';
import { configFrom } from '../shared.js';

registerBuiltinModels();

const PROTOCOLS: readonly Protocol[] = ['msr', 'loo', 'temporal'];

interface TuneCliOptions {
  data: string;
  model: string;
  space?: string;
  fixed?: string;
  budget: string;
  eta: string;
  halving: boolean;
  folds: string;
  validationRatio?: string;
  protocol: string;
  metric?: string;
  k: string;
  seed: string;
  test?: boolean;
  out: string;
}

/** JSON given inline or as `@file`. */
function jsonArg(value: string, flag: string): unknown {
  const text = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw createError('INVALID_INPUT', { field: flag, problem: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
  }
}

function count(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min)) throw createError('INVALID_INPUT', { field: flag, problem: `expected an integer ≥ ${min}, got ${value}` });
  return n;
}

/** The search space: --space, else a hybrid's member weights, else the model's default space. */
export function resolveSpace(model: string, space: unknown, fixed: Record<string, unknown>): SearchSpace {
  if (space !== undefined) {
    if (space === null || typeof space !== 'object' || Array.isArray(space)) throw createError('INVALID_INPUT', { field: '--space', problem: 'expected an object of parameter → {type, min, max | values}' });
    return space as SearchSpace;
  }
  if (Array.isArray(fixed.members)) return memberWeightSpace(fixed.members);
  const d = DEFAULT_SPACES[model];
  if (!d) throw createError('INVALID_INPUT', { field: '--space', problem: `no default search space for ${model}; give one, e.g. --space '{"factors":{"type":"int","min":16,"max":128,"log":true}}'` });
  return d;
}

export function registerTuneCommand(program: Command): void {
  program
    .command('tune')
    .description('tune a model\'s hyperparameters on a validation split: resonate tune --data movielens:../shared/data/ml-100k --model mf/ials')
    .requiredOption('--data <format:path>', 'dataset as <import format>:<path>, e.g. movielens:../shared/data/ml-100k')
    .requiredOption('--model <id>', 'registered model id, e.g. ease, mf/ials, hybrid/score-fusion')
    .option('--space <json|@file>', 'search space {param: {type: int|float, min, max, log?} | {type: choice, values}}; dotted paths reach nested params (members.0.weight); default: the model\'s own, or every member weight of a hybrid')
    .option('--fixed <json|@file>', 'parameters held fixed (a hybrid\'s members go here)', '{}')
    .option('--budget <n>', 'random configurations', '27')
    .option('--eta <n>', 'successive-halving reduction factor', '3')
    .option('--no-halving', 'plain random search, every configuration at full resource')
    .option('--folds <n>', 'validation splits to average the objective over', '1')
    .option('--validation-ratio <r>', 'msr: share of each item\'s training pairs the validation carve fits on (default 0.75, as the test split)')
    .option('--protocol <p>', `split protocol: ${PROTOCOLS.join(' | ')}`, 'msr')
    .option('--metric <name>', 'objective (default ndcg@k)')
    .option('-k, --k <n>', 'cut-off for ranking metrics', '10')
    .option('--seed <n>', 'seed of the split, the validation carve and the search', '42')
    .option('--test', 'after tuning, score the tuned and the starting parameters once on the test part')
    .option('--out <dir>', 'report folder', 'reports/tune')
    .action(async (opts: TuneCliOptions, cmd: Command) => {
      if (!PROTOCOLS.includes(opts.protocol as Protocol)) throw createError('UNKNOWN_OPTION', { kind: 'protocol', name: opts.protocol, expected: PROTOCOLS.join(', ') });
      getModelFactory(opts.model); // MODEL_UNKNOWN before any loading
      const fixed = jsonArg(opts.fixed ?? '{}', '--fixed');
      if (fixed === null || typeof fixed !== 'object' || Array.isArray(fixed)) throw createError('INVALID_INPUT', { field: '--fixed', problem: 'expected a JSON object of parameters' });
      const fixedParams = fixed as Record<string, unknown>;
      const space = resolveSpace(opts.model, opts.space === undefined ? undefined : jsonArg(opts.space, '--space'), fixedParams);
      const k = count(opts.k, '--k', 1), seed = count(opts.seed, '--seed', 0);
      const protocol = opts.protocol as Protocol;
      const config = configFrom(cmd);
      const bar = createProgressBar('tune');
      try {
        const data = await loadEvaluationData(opts.data, config.weights);
        const t0 = performance.now();
        const res = await tune({
          data, modelId: opts.model, space, fixed: fixedParams, protocol, k, seed, metric: opts.metric,
          budget: count(opts.budget, '--budget', 1), eta: Number(opts.eta), halving: opts.halving, folds: count(opts.folds, '--folds', 1),
          validationRatio: opts.validationRatio === undefined ? undefined : Number(opts.validationRatio),
          progress: bar.report,
        });
        const seconds = (performance.now() - t0) / 1000;
        bar.stop();
        let test: { tuned: Record<string, number>; start: Record<string, number> } | undefined;
        if (opts.test) {
          const check = await runEvaluation({
            data, protocol, k, seeds: [seed], beyondAccuracy: false, auc: false,
            models: [{ id: opts.model, label: 'tuned', params: res.best.params }, { id: opts.model, label: 'start', params: fixedParams }],
          });
          test = { tuned: check.models[0]!.metrics, start: check.models[1]!.metrics };
        }
        // best.json is a model spec (`id`, `params`) that `resonate eval --models`, `models.train` and
        // `feed.sources` read as it is; what the search measured rides along under `tuning`.
        const tuning = {
          metric: res.metric,
          validationScore: res.best.score,
          protocol, seed, folds: res.validation.folds, ...(res.validation.ratio === undefined ? {} : { validationRatio: res.validation.ratio }), k,
          data: { spec: opts.data, fingerprint: dataFingerprint(data) },
          trials: res.trials.length,
          seconds,
          ...(test ? { test } : {}),
        };
        const best = { id: opts.model, params: res.best.params, about: `tuned by resonate tune on ${opts.data}`, tuning };
        mkdirSync(opts.out, { recursive: true });
        writeFileSync(path.join(opts.out, 'best.json'), JSON.stringify(best, null, 2) + '\n');
        const lines = [
          `# Tuning ${opts.model}`,
          '',
          `Data \`${opts.data}\` (fingerprint ${tuning.data.fingerprint.slice(0, 12)}), protocol ${protocol}, seed ${seed}. Objective ${res.metric} on ` +
            `${res.validation.folds} validation split(s) carved from the training part${res.validation.ratio === undefined ? '' : ` (each keeping ${res.validation.ratio} of every item's training pairs to fit on)`} (${res.validation.users} validation users); the test part is not used by the search.`,
          `Random search over ${count(opts.budget, '--budget', 1)} configurations${opts.halving ? ` with successive halving (η = ${opts.eta}, resource: ${res.resource})` : ''}: ${res.trials.length} trials in ${seconds.toFixed(1)} s.`,
          '',
          `Best on validation: ${res.metric} ${res.best.score.toFixed(4)} with`,
          '',
          '```json',
          JSON.stringify(res.best.params, null, 2),
          '```',
          '',
          ...(test ? [`Test part, scored once after tuning: ${res.metric} ${test.tuned[res.metric]?.toFixed(4) ?? '–'} tuned, ${test.start[res.metric]?.toFixed(4) ?? '–'} with the starting parameters.`, ''] : []),
          '## Trials',
          '',
          trialsMarkdown(res.trials, `val ${res.metric}`),
          '',
        ];
        writeFileSync(path.join(opts.out, 'report.md'), lines.join('\n'));
        console.log(`best ${res.metric} on validation ${res.best.score.toFixed(4)}: ${JSON.stringify(res.best.params)}`);
        if (test) console.log(`test ${res.metric}: tuned ${test.tuned[res.metric]?.toFixed(4)}, start ${test.start[res.metric]?.toFixed(4)}`);
        console.log(`written to ${opts.out}/ (best.json, report.md)`);
      } finally {
        bar.stop();
      }
    });
}
