/**
 * @module Rating prediction on MovieLens 100k under Surprise's protocol (`cross_validate(algo, data, cv=5)`: 5 random
 * folds, RMSE and MAE of the held-out ratings), every rating model, beside Surprise's published table.
 *
 * Usage: npm run bench -- ratings [--models rating/svd,rating/svdpp] [--folds 5] [--seed 42]
 * The Surprise rows are its published numbers (README of scikit-surprise); the peer is run only when
 * `python3 -c "import surprise"` works, which it does not on the benchmark machine.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { parseModelList } from '../src/eval/model-list.js';
import { runRatingEvaluation } from '../src/eval/rating/run-rating-evaluation.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

/** Surprise's published ml-100k rows (5-fold cross-validation): RMSE, MAE. */
const SURPRISE: readonly [string, number, number][] = [
  ['SVD', 0.934, 0.737],
  ['SVD++', 0.920, 0.722],
  ['Slope One', 0.946, 0.743],
  ['NMF', 0.963, 0.758],
];

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
}

export async function run(args: string[]): Promise<void> {
  console.log(`# Rating prediction\n\n${machineLine()}\n`);
  if (!hasData('ml-100k')) return console.log(`skipped: ml-100k not in ${dataDir()}`);
  const load = execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, '');
  const folds = Number(arg(args, '--folds', '5'));
  console.log(`## MovieLens 100k, ${folds}-fold cross-validation (load ${load})\n`);
  const data = await loadEvaluationData(`movielens:${resolve(dataDir(), 'ml-100k')}`);
  const result = await runRatingEvaluation({ data, models: parseModelList(arg(args, '--models', 'all')), folds, seed: Number(arg(args, '--seed', '42')) });
  const rows: (string | number)[][] = result.models.map((m) => ['resonate', m.label ?? m.id, `${m.metrics.rmse.toFixed(4)} ± ${m.std.rmse.toFixed(4)}`, `${m.metrics.mae.toFixed(4)} ± ${m.std.mae.toFixed(4)}`, m.fitSeconds.toFixed(2), m.fitCpuSeconds.toFixed(2)]);
  rows.push(...SURPRISE.map(([name, r, a]) => ['Surprise (published)', name, r.toFixed(3), a.toFixed(3), '–', '–']));
  console.log(table(['library', 'model', 'RMSE', 'MAE', 'fit s / fold', 'fit CPU s / fold'], rows));
  const best = result.models.reduce((a, b) => (b.metrics.rmse < a.metrics.rmse ? b : a));
  console.log(`\nbest RMSE: ${best.id} ${best.metrics.rmse.toFixed(4)} (target ≤ 0.905)\n`);
}
