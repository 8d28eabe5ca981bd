/**
 * @module `resonate eval`: offline evaluation of models on a dataset with a standard protocol.
 */
import type { Command } from 'commander';
import { createError } from '../../core/errors.js';
import { createProgressBar } from '../../core/progress.js';
import { loadEvaluationData } from '../../eval/load-data.js';
import { parseModelList, runEvaluation, runFollowEvaluation, runRatingEvaluation, writeRatingReport, writeReport, type EvaluationResult, type Protocol } from '../../eval/index.js';
import { feedModel } from '../../engine/feed-model.js';
import { applyRecipe } from '../../engine/recipe.js';
import { loadPostTexts } from '../../eval/search/load-posts.js';
import { runSearchEvaluation, type SearchModelSpec } from '../../eval/search/run-search-evaluation.js';
import { configFrom } from '../shared.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateReplyRanking, REPLY_MODEL_IDS, replyPairsFromSpec, splitPairs, type ReplyModelId } from '../../eval/replies/reply-ranking.js';

const PROTOCOLS: readonly Protocol[] = ['msr', 'loo', 'temporal'];
const TASKS = ['items', 'follow', 'search', 'rating', 'replies'] as const;

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description('evaluate models offline: resonate eval --data movielens:../shared/data/ml-100k --protocol msr --models all')
    .requiredOption('--data <format:path>', 'dataset as <import format>:<path>, e.g. movielens:../shared/data/ml-100k or interactions:file.tsv')
    .option('--task <task>', `what to evaluate: ${TASKS.join(' | ')} (follow: who-to-follow link prediction, 20 % of follows hidden; models follow/common-neighbours, follow/adamic-adar, follow/personalized-pagerank, follow/salsa, follow/embedding, follow/default; search: the hashtag task on posts given as text:FILE (one per line), tweets-csv: or jsonl:, models search/bm25, search/vector, search/hybrid; rating: explicit-rating prediction with k-fold cross-validation, RMSE/MAE/MSE; models rating/baseline, rating/svd, rating/svdpp, rating/knn-baseline, rating/autorec, rating/blend; replies: 1-of-100 reply ranking on 20 % held-out (post, reply) pairs, --data synthetic[:users] or customer-care:<folder>, models replies/dual-encoder, replies/bm25, replies/tfidf)`, 'items')
    .option('--protocol <p>', `split protocol: ${PROTOCOLS.join(' | ')}`, 'msr')
    .option('--models <ids>', 'comma-separated model ids, "all", "feed" (the whole engine as configured by --config, as the API serves it; in a model file {"id": "feed", "params": {"feed": {...}, "models": {...}}} lays a recipe over the config), or JSON model files (*.json: a spec {id, params, label} or an array), e.g. feed,ease,configs/ml-100k-blend.json', 'all')
    .option('-k, --k <n>', 'cut-off for ranking metrics (default 10, 20 with --task follow)')
    .option('--folds <n>', 'with --task rating: k of k-fold cross-validation (random folds drawn from --seed)', '5')
    .option('--seed <n>', 'with --task rating: seed of the folds and of the models\' fits', '42')
    .option('--seeds <n>', 'number of seeds (random splits and model inits); mean ± std reported', '1')
    .option('--sampled-negatives <n>', 'rank each test item among n sampled unseen items (SASRec protocol) instead of the full catalogue')
    .option('--validation', 'fit on and score the validation carve of the training part (the same protocol applied to it) instead of the test part: for choosing a configuration')
    .option('--out <dir>', 'report folder', 'reports/latest')
    .action(async (opts: { data: string; task: string; protocol: string; models: string; k?: string; seeds: string; sampledNegatives?: string; validation?: boolean; out: string; folds: string; seed: string }, cmd: Command) => {
      if (!(TASKS as readonly string[]).includes(opts.task)) throw createError('UNKNOWN_OPTION', { kind: 'task', name: opts.task, expected: TASKS.join(', ') });
      if (!PROTOCOLS.includes(opts.protocol as Protocol)) throw createError('UNKNOWN_OPTION', { kind: 'protocol', name: opts.protocol, expected: PROTOCOLS.join(', ') });
      const config = configFrom(cmd);
      if (opts.task === 'rating') return evalRatings(opts, config);
      if (opts.task === 'replies') return evalReplies(opts);
      const follow = opts.task === 'follow';
      const k = Number(opts.k ?? (follow ? 20 : 10));
      const bar = createProgressBar('eval');
      try {
        const result: EvaluationResult = opts.task === 'search' ? await runSearchEvaluation({
          texts: await loadPostTexts(opts.data),
          models: opts.models === 'all' ? 'all' : (parseModelList(opts.models) as SearchModelSpec[]),
          k,
          seeds: Number(opts.seeds),
          part: opts.validation ? 'validation' : 'test',
          progress: bar.report,
        }) : follow ? await runFollowEvaluation({
          data: await loadEvaluationData(opts.data, config.weights, undefined, 'follows'),
          models: opts.models === 'all' ? 'all' : opts.models.split(',').map((m) => m.trim()).filter(Boolean),
          k,
          seeds: Number(opts.seeds),
          part: opts.validation ? 'validation' : 'test',
          progress: bar.report,
        }) : await runEvaluation({
          data: await loadEvaluationData(opts.data, config.weights, undefined, 'interactions'),
          protocol: opts.protocol as Protocol,
          models: opts.models === 'all' ? 'all' : parseModelList(opts.models),
          k,
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
          const metrics = Object.entries(m.metrics).filter(([name]) => name.endsWith(`@${k}`)).map(([name, v]) => `${name} ${v.toFixed(4)}`).join('  ');
          console.log(`${(m.label ?? m.id).padEnd(28)} ${metrics}  fit ${m.fitSeconds.toFixed(2)} s`);
        }
        console.log(`report written to ${opts.out}/ (result.json, report.md, charts)`);
      } finally {
        bar.stop();
      }
    });
}

/** `--task replies`: 1-of-100 ranking accuracy of the reply models on held-out pairs; writes result.json. */
async function evalReplies(opts: { data: string; models: string; seed: string; out: string }): Promise<void> {
  const models = opts.models === 'all' ? [...REPLY_MODEL_IDS] : opts.models.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of models) if (!(REPLY_MODEL_IDS as readonly string[]).includes(m)) throw createError('UNKNOWN_OPTION', { kind: 'reply model', name: m, expected: REPLY_MODEL_IDS.join(', ') });
  const seed = Number(opts.seed);
  const { train, test } = splitPairs(replyPairsFromSpec(opts.data), 0.2, seed);
  const results = await evaluateReplyRanking(train, test, { models: models as ReplyModelId[], seed });
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(join(opts.out, 'result.json'), `${JSON.stringify({ task: 'replies', data: opts.data, train: train.length, test: test.length, seed, models: results }, null, 2)}\n`);
  for (const r of results) console.log(`${r.model.padEnd(28)} 1-of-100 accuracy ${r.accuracy.toFixed(4)}  (${r.n} test pairs)  fit CPU ${(r.fitCpuMs / 1000).toFixed(2)} s`);
  console.log(`result written to ${opts.out}/result.json`);
}

/** `--task rating`: k-fold cross-validation of the rating models; prints RMSE and MAE per model. */
async function evalRatings(opts: { data: string; models: string; folds: string; seed: string; validation?: boolean; out: string }, config: ReturnType<typeof configFrom>): Promise<void> {
  const bar = createProgressBar('eval');
  try {
    const data = await loadEvaluationData(opts.data, config.weights);
    const result = await runRatingEvaluation({
      data,
      models: parseModelList(opts.models),
      folds: Number(opts.folds),
      seed: Number(opts.seed),
      part: opts.validation ? 'validation' : 'test',
      weights: config.weights,
      ...(config.ratings.scale ? { scale: config.ratings.scale } : {}),
      progress: bar.report,
    });
    bar.stop();
    await writeRatingReport(result, opts.out);
    for (const m of result.models) console.log(`${(m.label ?? m.id).padEnd(28)} rmse ${m.metrics.rmse.toFixed(4)}  mae ${m.metrics.mae.toFixed(4)}  fit ${m.fitSeconds.toFixed(2)} s/fold (CPU ${m.fitCpuSeconds.toFixed(2)} s)`);
    console.log(`report written to ${opts.out}/ (result.json, report.md)`);
  } finally {
    bar.stop();
  }
}
