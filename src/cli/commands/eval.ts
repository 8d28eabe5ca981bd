/**
 * @module `resonate eval`: offline evaluation of models on a dataset with a standard protocol.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { createProgressBar } from '../../core/progress.js';
import { loadEvaluationData } from '../../eval/load-data.js';
import { parseModelList, runEvaluation, writeReport, type Protocol } from '../../eval/index.js';
import { feedModel } from '../../engine/feed-model.js';
import { applyRecipe } from '../../engine/recipe.js';
import { configFrom } from '../shared.js';

const PROTOCOLS: readonly Protocol[] = ['msr', 'loo', 'temporal'];

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate models offline: resonate eval --data movielens:../shared/data/ml-100k --protocol msr --models all')
    .requiredOption('--data <format:path>', 'dataset as <import format>:<path>, e.g. movielens:../shared/data/ml-100k or interactions:file.tsv')
    .option('--protocol <p>', `split protocol: ${PROTOCOLS.join(' | ')}`, 'msr')
    .option('--models <ids>', 'comma-separated model ids, "all", "feed" (the whole engine as configured by --config, as the API serves it; in a model file {"id": "feed", "params": {"feed": {...}, "models": {...}}} lays a recipe over the config), or JSON model files (*.json: a spec {id, params, label} or an array), e.g. feed,ease,configs/ml-100k-blend.json', 'all')
    .option('-k, --k <n>', 'cut-off for ranking metrics', '10')
    .option('--seeds <n>', 'number of seeds (random splits and model inits); mean ± std reported', '1')
    .option('--sampled-negatives <n>', 'rank each test item among n sampled unseen items (SASRec protocol) instead of the full catalogue')
    .option('--validation', 'fit on and score the validation carve of the training part (the same protocol applied to it) instead of the test part: for choosing a configuration')
    .option('--out <dir>', 'report folder', 'reports/latest')
    .action(async (opts: { data: string; protocol: string; models: string; k: string; seeds: string; sampledNegatives?: string; validation?: boolean; out: string }, cmd: Command) => {
      if (!PROTOCOLS.includes(opts.protocol as Protocol)) throw createError('UNKNOWN_OPTION', { kind: 'protocol', name: opts.protocol, expected: PROTOCOLS.join(', ') });
      const config = configFrom(cmd);
      const bar = createProgressBar('eval');
      try {
        const data = await loadEvaluationData(opts.data, config.weights);
        const result = await runEvaluation({
          data,
          protocol: opts.protocol as Protocol,
          models: opts.models === 'all' ? 'all' : parseModelList(opts.models),
          k: Number(opts.k),
          seeds: Number(opts.seeds),
          sampledNegatives: opts.sampledNegatives === undefined ? undefined : Number(opts.sampledNegatives),
          progress: bar.report,
          part: opts.validation ? 'validation' : 'test',
          // A feed spec's params are a recipe ({feed?, models?}) laid over the config: recipes side by side.
          listModels: { feed: (context) => feedModel({ config: applyRecipe(config, context.params) })(context) },
        });
        bar.stop();
        await writeReport(result, opts.out);
        for (const m of result.models) {
          const metrics = Object.entries(m.metrics).filter(([name]) => name.endsWith(`@${opts.k}`)).map(([name, v]) => `${name} ${v.toFixed(4)}`).join('  ');
          console.log(`${(m.label ?? m.id).padEnd(28)} ${metrics}  fit ${m.fitSeconds.toFixed(2)} s`);
        }
        console.log(`report written to ${opts.out}/ (result.json, report.md, charts)`);
      } finally {
        bar.stop();
      }
    });
}
