/**
 * @module Federated BPR (FedAvg) against centralized BPR on ml-100k, msr protocol (stratified 75/25 per item,
 * seed 42), nDCG@10 over the full catalogue: nDCG@10 by round, rounds to within 2 % of centralized, bytes per
 * client per round; with secure aggregation and with DP-FedAvg (ε from the RDP accountant).
 *
 *   npm run bench -- fedavg [--quick] [--only <config,...>] [--rounds N] [--factors F]
 */
import { resolve } from 'node:path';
import { makeSplit } from '../src/eval/splits/make-split.js';
import { testUsers } from '../src/eval/splits/pairs.js';
import { evaluateRankings } from '../src/eval/metrics/evaluate-rankings.js';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { rowIndices } from '../src/math/csr.js';
import { runFedAvg, trainCentralized, type FedAvgOptions, type TrainedState } from '../src/privacy/federated/index.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

interface Config {
  name: string;
  describe: string;
  rounds: number;
  options: Partial<FedAvgOptions> & Pick<FedAvgOptions, 'clientsPerRound' | 'localEpochs'>;
}

function flag(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  if (!hasData('ml-100k')) {
    console.log(`ml-100k not found under ${dataDir()}; skipping`);
    return;
  }
  const rounds = Number(flag(args, '--rounds') ?? (quick ? 30 : 100));
  const factors = Number(flag(args, '--factors') ?? (quick ? 16 : 64));
  const epochs = Number(flag(args, '--epochs') ?? (quick ? 30 : 100));
  const lr = Number(flag(args, '--lr') ?? 0.05);
  const reg = Number(flag(args, '--reg') ?? 0.01);
  const only = flag(args, '--only')?.split(',');
  console.log(machineLine());

  const data = await loadEvaluationData(`movielens:${resolve(dataDir(), 'ml-100k')}`);
  const split = makeSplit(data, 'msr', 42, {}, false);
  const train = split.train.interactions;
  const positives = Array.from({ length: train.rows }, (_, u) => rowIndices(train, u));
  const nItems = train.cols;
  const counts = new Int32Array(nItems);
  for (const i of train.indices) counts[i]!++;
  const negativePool = Int32Array.from(Array.from(counts.keys()).filter((i) => counts[i]! > 0));
  const users = testUsers(split.test, train);
  const relevant = Array.from(users, (u) => new Set<number>(rowIndices(split.test, u)));
  const clients = positives.filter((p) => p.length > 0).length;
  const ndcg = (state: TrainedState): number => evaluateRankings({ lists: Array.from(users, (u) => state.recommend(u, 10)), relevant, ks: [10] })['ndcg@10']!;
  const common = { positives, nItems, negativePool, factors, learningRate: lr, regularization: reg, bias: true, seed: 42 };
  console.log(`ml-100k msr: ${train.indices.length} training pairs, ${clients} clients, ${nItems} items, ${users.length} test users; BPR f ${factors}, lr ${lr}, λ ${reg}, item bias`);

  // Centralized reference: its plateau is the mean of its last 20 epochs (one epoch's value moves by ±0.005).
  const t0 = performance.now();
  const ndcgCurve: number[] = [];
  trainCentralized({ ...common, epochs, onEpoch: (e, s) => { ndcgCurve.push(ndcg(s)); if (e % 10 === 0) console.log(`centralized epoch ${e}: nDCG@10 ${ndcgCurve.at(-1)!.toFixed(4)}`); } });
  const centralSeconds = (performance.now() - t0) / 1000;
  const best = Math.max(...ndcgCurve), bestEpoch = ndcgCurve.indexOf(best) + 1;

  const central = ndcgCurve.slice(-20);
  const plateau = central.reduce((x, y) => x + y, 0) / central.length;
  const target = 0.98 * plateau;
  console.log(`centralized: nDCG@10 ${plateau.toFixed(4)} (mean of its last ${central.length} epochs; best ${best.toFixed(4)} at epoch ${bestEpoch}), ${centralSeconds.toFixed(1)} s; target ${target.toFixed(4)}`);

  const all = clients, tenth = Math.round(clients / 10);
  const dpRounds = rounds;
  const secureRounds = Math.min(rounds, quick ? 10 : 20);
  const dp = (noiseMultiplier: number): FedAvgOptions['dp'] => ({ clipNorm: 0.5, noiseMultiplier, delta: 1e-4 });
  const configs: Config[] = [
    { name: 'all-e1', describe: `all ${all} clients, 1 local epoch, uniform weights, η_s = K/2, sparse`, rounds, options: { clientsPerRound: all, localEpochs: 1, weighting: 'uniform', serverLearningRate: all / 2 } },
    { name: 'all-e1-examples', describe: `all ${all} clients, 1 local epoch, example-count weights, η_s = K/2, sparse`, rounds, options: { clientsPerRound: all, localEpochs: 1, weighting: 'examples', serverLearningRate: all / 2 } },
    { name: 'tenth-e5', describe: `${tenth} clients a round, 5 local epochs, uniform weights, η_s = m/2, sparse`, rounds, options: { clientsPerRound: tenth, localEpochs: 5, weighting: 'uniform', serverLearningRate: tenth / 2 } },
    { name: 'tenth-e5-dense', describe: 'the same, dense updates', rounds: secureRounds, options: { clientsPerRound: tenth, localEpochs: 5, weighting: 'uniform', serverLearningRate: tenth / 2, transport: 'dense' } },
    { name: 'tenth-e5-secure', describe: 'the same, secure aggregation (16 mask neighbours)', rounds: secureRounds, options: { clientsPerRound: tenth, localEpochs: 5, weighting: 'uniform', serverLearningRate: tenth / 2, transport: 'dense', secureAggregation: { neighbours: 16 } } },
    { name: 'dp-clip', describe: `Poisson q = ${tenth}/${all}, 5 local epochs, clip S = 0.5, no noise, η_s = 20`, rounds: dpRounds, options: { clientsPerRound: tenth, localEpochs: 5, serverLearningRate: 20, transport: 'dense', dp: dp(0) } },
    { name: 'dp-1', describe: `the same with noise σ = 1 (δ = 1e-4)`, rounds: dpRounds, options: { clientsPerRound: tenth, localEpochs: 5, serverLearningRate: 20, transport: 'dense', dp: dp(1) } },
  ];
  const rows: (string | number)[][] = [];
  const curves: { name: string; curve: number[] }[] = [];
  for (const c of configs) {
    if (only && !only.includes(c.name)) continue;
    const t0 = performance.now();
    const curve: number[] = [];
    let bytes = 0, epsilon: number | undefined;
    const result = runFedAvg({
      ...common, rounds: c.rounds, ...c.options,
      onRound: (r, s) => {
        curve.push(ndcg(s));
        bytes += r.bytesPerClient;
        epsilon = r.epsilon;
        if ((r.round + 1) % 10 === 0) console.log(`${c.name} round ${r.round + 1}: nDCG@10 ${curve.at(-1)!.toFixed(4)}`);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const hit = curve.findIndex((v) => v >= target);
    const last = curve.slice(-10);
    const lastMean = last.reduce((x, y) => x + y, 0) / last.length;
    const at = (r: number): string => (curve.length >= r ? curve[r - 1]!.toFixed(4) : '');
    rows.push([
      c.describe, c.rounds, at(10), at(20), at(50), at(100), lastMean.toFixed(4), `${((lastMean / plateau - 1) * 100).toFixed(1)} %`,
      hit < 0 ? `not in ${c.rounds}` : hit + 1, (bytes / result.rounds.length / 1024).toFixed(1), epsilon === undefined ? '' : epsilon.toFixed(2), (seconds / c.rounds).toFixed(2),
    ]);
    curves.push({ name: c.name, curve });
    console.log(`${c.name}: last-10 mean ${lastMean.toFixed(4)}, target reached at round ${hit < 0 ? '—' : hit + 1}, ${seconds.toFixed(1)} s`);
  }
  console.log(`\ncentralized BPR (same f, lr, λ, initialisation): nDCG@10 ${plateau.toFixed(4)} over its last ${central.length} of ${epochs} epochs (best ${best.toFixed(4)}, epoch ${bestEpoch}); target 98 % = ${target.toFixed(4)}\n`);
  console.log(table(['FedAvg setting', 'rounds', 'nDCG@10 r10', 'r20', 'r50', 'r100', 'last 10 rounds', 'vs centralized', 'first round ≥ target', 'KiB sent / client / round', 'ε', 's / round'], rows));
  console.log('\nnDCG@10 by round (every 5th):');
  for (const { name, curve } of curves) console.log(`${name}: ${curve.filter((_, i) => (i + 1) % 5 === 0).map((v) => v.toFixed(3)).join(' ')}`);
}
