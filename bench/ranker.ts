/**
 * @module Engagement ranker (MMoE and shared-bottom) and behaviour predictor on the demo synthetic network
 * (2,000 users, seed 42): fit time (wall and CPU: the machine is shared; early stopping on the calibration slice may end before --epochs), held-out AUC and calibration per head,
 * the popularity baseline; next-action accuracy vs the majority class, churn AUC and ECE.
 *
 * Usage: npx tsx -e "import('./bench/ranker.ts').then(m => m.run([]))"   [--users N] [--epochs N] [--no-shared-bottom]
 * No Python peer: the metrics are against the known generating model and simple baselines.
 */
import { DatasetBuilder } from '../src/data/dataset-builder.js';
import { DEMO_NETWORK, generateNetwork } from '../src/data/synthetic/index.js';
import { createBehaviorPredictor } from '../src/models/behavior/index.js';
import { createEngagementRanker } from '../src/models/ranker/index.js';
import { machineLine, table } from './_machine.js';

export function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const t0 = performance.now(), c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

export async function run(args: string[]): Promise<void> {
  const users = Number(arg(args, '--users', String(DEMO_NETWORK.users)));
  const epochs = Number(arg(args, '--epochs', '8'));
  console.log(`# Engagement ranker and behaviour prediction\n\n${machineLine()}\n`);
  const build = await timed(async () => {
    const b = new DatasetBuilder();
    for (const batch of generateNetwork({ users, seed: DEMO_NETWORK.seed }).batches()) {
      for (const u of batch.users ?? []) b.addUser(u);
      for (const p of batch.posts ?? []) b.addPost(p);
      for (const f of batch.follows ?? []) b.addFollow(f);
      for (const e of batch.events ?? []) b.addEvent(e);
    }
    return b.build();
  });
  const data = build.value;
  console.log(`Synthetic network: ${users} users (seed ${DEMO_NETWORK.seed}), ${data.items.size} posts, ${data.log.user.length} logged events; built in ${build.wall.toFixed(1)} s.\n`);

  const variants = args.includes('--no-shared-bottom') ? [false] : [false, true];
  const rows: (string | number)[][] = [];
  const calib: (string | number)[][] = [];
  for (const sharedBottom of variants) {
    const name = sharedBottom ? 'shared-bottom' : 'MMoE (4 experts [64, 32])';
    const r = await timed(() => createEngagementRanker({ sharedBottom, epochs, batchSize: 512, learningRate: 5e-3, seed: 1 }).fit(data));
    const rep = r.value;
    rows.push([`${name}, best epoch ${rep.bestEpoch}/${rep.epochs}`, rep.trainExamples, rep.heldOutExamples, r.wall.toFixed(1), r.cpu.toFixed(1), rep.auc.like, rep.popularityAuc, rep.auc.share, rep.auc.comment, rep.auc.hide, rep.dwellRmse]);
    for (const t of ['like', 'share', 'comment', 'hide'] as const) calib.push([name, t, rep.calibration[t].predicted, rep.calibration[t].observed]);
  }
  console.log(`## Ranker (${epochs} epochs, batch 512; held out: latest 20% of exposures by time)\n`);
  console.log(table(['model', 'train ex.', 'held-out ex.', 'fit wall s', 'fit CPU s', 'AUC like', 'AUC like (popularity)', 'AUC share', 'AUC comment', 'AUC hide', 'dwell RMSE (ln s)'], rows));
  console.log('\nCalibration (held-out mean P vs observed rate):\n');
  console.log(table(['model', 'head', 'mean P', 'observed'], calib));

  const b = await timed(() => createBehaviorPredictor({ seed: 1 }).fit(data));
  const br = b.value;
  console.log('\n## Behaviour predictor (feature MLP; metrics on 15% held-out users, calibrated on another 15%)\n');
  console.log(table(
    ['fit wall s', 'fit CPU s', 'next-action ex.', 'accuracy', 'majority', 'next-action ECE', 'churn ex.', 'churn rate', 'churn AUC', 'churn ECE', 'T'],
    [[b.wall.toFixed(1), b.cpu.toFixed(1), br.nextActionExamples, br.nextActionAccuracy, br.majorityAccuracy, br.nextActionEce, br.churnExamples, br.churnRate, br.churnAuc, br.churnEce, br.temperature]],
  ));
}
