/**
 * @module Off-policy evaluation on the Open Bandit Dataset (small release): from the uniform-random logs of a
 * campaign, estimate the click rate of the Bernoulli Thompson sampling policy (as an `obd:` policy: its empirical
 * action shares per position) and compare with that policy's on-policy mean click. Two views per campaign:
 * (1) the full log: every estimator's estimate, 95 % bootstrap interval and relative error; (2) the Open Bandit
 * Pipeline's protocol (`examples/obd`): relative error over `runs` bootstrap samples of the log, the reward model
 * refitted (3-fold cross-fitting) on each, mean ± std; and (3) how DM, DR and SNDR move with the reward model's
 * ridge penalty.
 *
 *   npm run bench -- ope [obd-dir] [runs]     (obd-dir holds random/<campaign>.csv and bts/<campaign>.csv)
 */
import { join } from 'node:path';
import { createRng } from '../src/core/rng.js';
import { ESTIMATORS, readLog, resolvePolicy, runOpe, type LoggedRow } from '../src/eval/ope/index.js';
import { dataDir, machineLine, table } from './_machine.js';

const CAMPAIGNS = ['men', 'women'];

function resample(rows: readonly LoggedRow[], seed: number): LoggedRow[] {
  const rng = createRng(seed);
  return Array.from({ length: rows.length }, () => rows[rng.int(rows.length)]!);
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export async function run(args: string[]): Promise<void> {
  const dir = args[0] ?? join(dataDir(), 'open-bandit-dataset');
  const runs = Number(args[1] ?? 30);
  console.log(machineLine());
  for (const campaign of CAMPAIGNS) {
    const started = performance.now();
    const log = await readLog(`obd:${join(dir, 'random', `${campaign}.csv`)}`);
    const policy = resolvePolicy(`obd:${join(dir, 'bts', `${campaign}.csv`)}`, log.rows);
    const truth = policy.onPolicy!;
    const { result } = runOpe(log, policy, { resamples: 1000, seed: 42, folds: 3, l2: 1 });
    console.log(`\n### ${campaign}: ${result.rows} random-policy rows (logged click rate ${result.loggedValue.toFixed(5)}), Bernoulli TS on-policy click rate ${truth.toFixed(5)}`);
    console.log(`weights: mean ${result.weights.mean.toFixed(3)}, max ${result.weights.max.toFixed(2)}, effective sample size ${result.weights.effectiveSampleSize.toFixed(0)}\n`);
    console.log(table(['estimator', 'estimate', '95 % interval', 'relative error', 'interval covers truth'], ESTIMATORS.map((e) => {
      const r = result.estimators[e];
      return [e, r.value.toFixed(5), `[${r.ci[0].toFixed(5)}, ${r.ci[1].toFixed(5)}]`, pct(r.relativeError!), r.ci[0] <= truth && truth <= r.ci[1] ? 'yes' : 'no'];
    })));
    const errors = Object.fromEntries(ESTIMATORS.map((e) => [e, [] as number[]]));
    for (let b = 0; b < runs; b++) {
      const { result: rb } = runOpe({ source: log.source, rows: resample(log.rows, b) }, policy, { resamples: 1, seed: 42 + b, folds: 3, l2: 1 });
      for (const e of ESTIMATORS) errors[e]!.push(rb.estimators[e].relativeError!);
    }
    console.log(`\nrelative error over ${runs} bootstrap samples of the log (reward model refitted on each), mean ± std:\n`);
    console.log(table(['estimator', 'mean', 'std'], ESTIMATORS.map((e) => {
      const xs = errors[e]!, mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1));
      return [e, mean.toFixed(4), sd.toFixed(4)];
    })));
    console.log('\nsensitivity of the model-based estimators to the reward model\'s ridge penalty λ (full log; a check, not a selection — λ = 1 is the default):\n');
    console.log(table(['λ', 'dm', 'dr', 'sndr', 'dm relative error', 'dr relative error'], [0.01, 0.1, 1, 10].map((l2) => {
      const e = runOpe(log, policy, { resamples: 1, seed: 42, folds: 3, l2 }).result.estimators;
      return [String(l2), e.dm.value.toFixed(5), e.dr.value.toFixed(5), e.sndr.value.toFixed(5), pct(e.dm.relativeError!), pct(e.dr.relativeError!)];
    })));
    console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
}
