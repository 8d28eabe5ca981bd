/**
 * @module Benchmark of the offline evaluation harness on real data: the Microsoft Recommenders protocol on
 * MovieLens 100k (stratified 75/25 per item, as the published notebook, k = 10, several seeds) with our numbers beside the published
 * ones, and SASRec's protocol (leave-last-one-out, 100 sampled negatives) on Amazon Video Games; plus what
 * the harness itself costs (split, scoring).
 *
 * Run: `npx tsx -e "import('./bench/eval-harness.ts').then(m => m.run([]))"` (or `npm run bench -- eval-harness`).
 * Args: `--seeds n` (default 3), `--models a,b` (default sar,ease,item-knn/cosine,popular/all-time),
 * `--out dir` to also write the reports, `--tune` to add a tuning run of mf/ials on ml-100k (validation carved
 * from the msr training part; the tuned and default parameters then scored once on the test part).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IdMap } from '../src/core/id-map.js';
import { datasetFromInteractions } from '../src/data/dataset-builder.js';
import type { Dataset } from '../src/data/dataset.js';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { evaluateRankings, makeSplit, runEvaluation, testUsers, trialsMarkdown, tune, writeReport, type EvaluationResult } from '../src/eval/index.js';
import { rowIndices } from '../src/math/csr.js';
import { modelIds } from '../src/models/registry.js';
import { registerBuiltinModels } from '../src/models/builtin.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

registerBuiltinModels();

/**
 * Microsoft Recommenders README, MovieLens 100k, k = 10, python_stratified_split(ratio 0.75, seed 42); their
 * MAP column is the pre-2024 `map_at_k` (÷ |relevant|), our `map-rel@10`.
 */
const PUBLISHED: Record<string, { map: number; ndcg: number; precision: number; recall: number }> = {
  sar: { map: 0.110591, ndcg: 0.382461, precision: 0.330753, recall: 0.176385 },
};

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** MovieLens 100k as `resonate eval --data movielens:…` loads it, so both draw the same msr splits. */
function loadMl100k(): Promise<Dataset> {
  return loadEvaluationData(`movielens:${path.join(dataDir(), 'ml-100k')}`);
}

/** SASRec's Video.txt: "user item" lines, each user's interactions in time order (line number = time). */
function loadVideo(): Dataset {
  const users = new IdMap(), items = new IdMap();
  const u: number[] = [], i: number[] = [], t: number[] = [];
  const lines = readFileSync(path.join(dataDir(), 'sasrec-video/Video.txt'), 'utf8').split('\n');
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (!line) continue;
    const [a, b] = line.split(' ');
    u.push(users.add(a!)); i.push(items.add(b!)); t.push(k);
  }
  return datasetFromInteractions({ users, items, user: u, item: i, time: t });
}

function f(x: number | undefined, d = 4): string {
  return x === undefined ? '–' : x.toFixed(d);
}

function resultRows(res: EvaluationResult, keys: string[]): string[][] {
  return res.models.map((m) => [m.id, ...keys.map((key) => (res.seeds.length > 1 ? `${f(m.metrics[key])} ± ${f(m.std[key])}` : f(m.metrics[key]))), f(m.fitSeconds, 2), f(m.recommendSeconds, 2)]);
}

export async function run(args: string[]): Promise<void> {
  const seeds = Number(arg(args, '--seeds') ?? 3);
  const wanted = (arg(args, '--models') ?? 'sar,ease,item-knn/cosine,popular/all-time').split(',').filter((id) => modelIds().includes(id));
  const out = arg(args, '--out');
  console.log(`## Offline evaluation harness\n\n${machineLine()}\n`);

  if (hasData('ml-100k') && wanted.length > 0) {
    const data = await loadMl100k();
    // Harness cost alone: one split, and scoring a fixed list per user.
    let t0 = performance.now();
    const split = makeSplit(data, 'msr', 42, {}, false);
    const splitMs = performance.now() - t0;
    const users = testUsers(split.test, split.train.interactions);
    const relevant = Array.from(users, (u) => new Set<number>(rowIndices(split.test, u)));
    const lists = Array.from(users, () => Int32Array.from({ length: 50 }, (_, j) => j));
    t0 = performance.now();
    evaluateRankings({ lists, relevant, ks: [1, 5, 10, 20, 50], beyond: { train: split.train.interactions, ks: [10] } });
    const scoreMs = performance.now() - t0;
    console.log(`### MovieLens 100k, protocol msr (python_stratified_split 0.75 per item), k = 10, seeds ${seeds} (42…)\n`);
    console.log(`Harness cost: msr split of ${data.interactions.indices.length} ratings ${splitMs.toFixed(0)} ms; scoring ${users.length} users' top-50 lists at k ∈ {1,5,10,20,50} + beyond-accuracy ${scoreMs.toFixed(0)} ms.\n`);
    const res = await runEvaluation({ data, protocol: 'msr', models: wanted, k: 10, seeds });
    const keys = ['precision@10', 'recall@10', 'ndcg@10', 'map-rel@10', 'map@10', 'auc', 'coverage@10'];
    const rows = resultRows(res, keys);
    for (const [id, p] of Object.entries(PUBLISHED)) rows.push([`${id} (Microsoft Recommenders, published)`, f(p.precision), f(p.recall), f(p.ndcg), f(p.map), '–', '–', '–', '–', '–']);
    console.log(table(['model', ...keys, 'fit s', 'recommend s'], rows));
    console.log(`\nSame protocol, different random draw (our PRNG is not NumPy's): differences within about a seed-to-seed std are split noise. AUC ranks the full catalogue per user.\n`);
    if (out) await writeReport(res, path.join(out, 'ml-100k-msr'));
  } else console.log('ml-100k not found or no model selected: skipped\n');

  if (args.includes('--tune') && hasData('ml-100k') && modelIds().includes('mf/ials')) {
    const data = await loadMl100k();
    const t0 = performance.now();
    const res = await tune({
      data, modelId: 'mf/ials', budget: 9, seed: 42, k: 10,
      space: {
        factors: { type: 'int', min: 16, max: 128, log: true },
        regularization: { type: 'float', min: 1e-3, max: 10, log: true },
        alpha: { type: 'float', min: 0.1, max: 10, log: true },
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`### Tuning mf/ials on MovieLens 100k (random search + successive halving, budget 9, η = 3)\n`);
    console.log(`Resource: ${res.resource}; validation users ${res.validation.users}; ${res.trials.length} trials in ${seconds.toFixed(1)} s. Best on validation: ${JSON.stringify(res.best.params)} → ndcg@10 ${res.best.score.toFixed(4)}.\n`);
    console.log(trialsMarkdown(res.trials, 'val ndcg@10'));
    const check = await runEvaluation({ data, protocol: 'msr', k: 10, seeds: 1, beyondAccuracy: false, auc: false,
      models: [{ id: 'mf/ials', label: 'mf/ials defaults' }, { id: 'mf/ials', label: 'mf/ials tuned', params: res.best.params }] });
    console.log('\nTest part (seed 42), scored once after tuning:\n');
    console.log(table(['model', 'ndcg@10', 'precision@10', 'fit s'], check.models.map((m) => [m.label ?? m.id, f(m.metrics['ndcg@10']), f(m.metrics['precision@10']), f(m.fitSeconds, 2)])));
    console.log('');
  }

  if (hasData('sasrec-video') && wanted.length > 0) {
    const data = loadVideo();
    const ids = wanted.filter((id) => id.startsWith('popular/') || id.startsWith('item-knn/'));
    const res = await runEvaluation({ data, protocol: 'loo', models: ids.length ? ids : ['popular/all-time'], k: 10, seeds: 1, sampledNegatives: 100, beyondAccuracy: false });
    console.log(`### Amazon Video Games (SASRec Video.txt), protocol loo, SAMPLED: 100 negatives per user, k = 10\n`);
    console.log(`${res.evaluatedUsers} test users.\n`);
    console.log(table(['model', 'hit@10', 'ndcg@10', 'auc', 'fit s', 'recommend s'], resultRows(res, ['hit@10', 'ndcg@10', 'auc'])));
    console.log('');
    if (out) await writeReport(res, path.join(out, 'video-loo-sampled'));
  } else console.log('sasrec-video not found or no model selected: skipped\n');
}
