/**
 * @module DP-SGD step time against non-private training of the same model: mf/dp-bpr's step on MovieLens 100k
 * (943 users, 1682 items, all 100 000 ratings as positives), same Poisson-sampled user batches, same per-user
 * closed-form BPR gradients, same Adam on the item side.
 *
 * - non-private: every sampled user's gradient summed straight into one buffer, divided by the batch, Adam.
 * - DP-SGD: each user's rows read in place from the scratch (norm, then scaled into the float64 sum and cleared),
 *   clipped to C; Gaussian noise from node:crypto (Ziggurat) on every item coordinate; ÷ qN; Adam.
 *
 * Then neural/dp-two-tower's step against the non-private step of the same net and loss (defaults: 32-dim
 * embeddings, 32 positives a user, 64 shared uniform negatives), on the same visits:
 *
 * - non-private: one forward/backward of the batch's summed loss ÷ qN, Adam (lazy on the embedding tables).
 * - DP-SGD: one forward/backward per user (sparse table rows), clipped to C, summed; noise on every weight; Adam.
 *
 *   npm run bench -- dp-sgd [factors=32] [sampleRate=0.2] [steps=60] [towerSteps=8]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRng, type Rng } from '../src/core/rng.js';
import { userBprGradient } from '../src/models/mf/dp-bpr.js';
import { Adam } from '../src/nn/optim/adam.js';
import { Tensor } from '../src/nn/tensor.js';
import { DpSgd, poissonSample } from '../src/privacy/dp-sgd.js';
import { cryptoGaussian } from '../src/privacy/gaussian-noise.js';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { csrMap } from '../src/math/csr.js';
import { dpTwoTowerParamsSchema, DpTwoTowerNet, dpTwoTowerStep, drawVisit, visitLoss, type Visit } from '../src/models/two-tower/dp-two-tower.js';
import { buildFeatures } from '../src/models/two-tower/two-tower.js';
import { scale } from '../src/nn/ops/arithmetic.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

interface Data {
  nUsers: number;
  nItems: number;
  rows: Int32Array[];
}

function loadMl100k(): Data {
  const byUser = new Map<number, number[]>();
  let nUsers = 0, nItems = 0;
  for (const line of readFileSync(resolve(dataDir(), 'ml-100k/u.data'), 'utf8').split('\n')) {
    const [u, i] = line.split('\t').map(Number);
    if (u === undefined || i === undefined || !Number.isFinite(i)) continue;
    nUsers = Math.max(nUsers, u);
    nItems = Math.max(nItems, i);
    let r = byUser.get(u - 1);
    if (!r) byUser.set(u - 1, (r = []));
    r.push(i - 1);
  }
  return { nUsers, nItems, rows: Array.from({ length: nUsers }, (_, u) => Int32Array.from(byUser.get(u) ?? []).sort()) };
}

interface Trainer {
  step(batch: Int32Array): void;
}

function setup(data: Data, f: number, q: number, rng: Rng, privateStep: boolean): Trainer {
  const { nUsers, nItems, rows } = data;
  const p = Float32Array.from({ length: nUsers * f }, () => rng.normal() * 0.1);
  const itemFactors = new Tensor(Float32Array.from({ length: nItems * f }, () => rng.normal() * 0.1), [nItems, f], true);
  const itemBias = new Tensor(new Float32Array(nItems), [nItems, 1], true);
  const opt = new Adam([itemFactors, itemBias], { lr: 0.02 });
  const qf = itemFactors.data, b = itemBias.data;
  const gq = new Float32Array(nItems * f), gb = new Float32Array(nItems), gp = new Float32Array(f);
  const touched = new Int32Array(nItems), mark = new Uint8Array(nItems);
  const maxRow = Math.max(...rows.map((r) => r.length));
  const pos = new Int32Array(maxRow), neg = new Int32Array(maxRow);
  const dp = new DpSgd({ optimizer: opt, clip: 1, noiseMultiplier: 1, sampleRate: q, datasetSize: nUsers, delta: 1e-5, rng, noise: cryptoGaussian() });
  const triples = (u: number): number => {
    let n = 0;
    for (const i of rows[u]!) {
      pos[n] = i;
      neg[n++] = rng.int(nItems);
    }
    return n;
  };
  const userStep = (u: number): void => {
    for (let a = 0; a < f; a++) p[u * f + a] = p[u * f + a]! - 3 * gp[a]!;
  };
  if (!privateStep) {
    return {
      step(batch) {
        for (const u of batch) {
          // Scratch not cleared between users: the batch's gradient is summed in place.
          const n = triples(u);
          userBprGradient(p, qf, b, f, u, pos.subarray(0, n), neg.subarray(0, n), gq, gb, gp, touched, mark);
          userStep(u);
        }
        const inv = 1 / Math.max(1, batch.length);
        const g = itemFactors.ensureGrad(), g2 = itemBias.ensureGrad();
        for (let i = 0; i < g.length; i++) g[i] = gq[i]! * inv;
        for (let i = 0; i < g2.length; i++) g2[i] = gb[i]! * inv;
        gq.fill(0);
        gb.fill(0);
        mark.fill(0);
        opt.step();
      },
    };
  }
  return {
    step(batch) {
      for (const u of batch) {
        const n = triples(u);
        const k = userBprGradient(p, qf, b, f, u, pos.subarray(0, n), neg.subarray(0, n), gq, gb, gp, touched, mark);
        const ids = touched.subarray(0, k);
        dp.addExample([{ param: 0, ids, values: gq, scattered: true, clear: true }, { param: 1, ids, values: gb, scattered: true, clear: true }]);
        for (let r = 0; r < k; r++) mark[ids[r]!] = 0;
        userStep(u);
      }
      dp.finishStep();
    },
  };
}

export async function run(args: string[]): Promise<void> {
  const f = Number(args[0] ?? 32), q = Number(args[1] ?? 0.2), steps = Number(args[2] ?? 60);
  console.log(machineLine());
  if (!hasData('ml-100k/u.data')) {
    console.log(`no ml-100k under ${dataDir()}; skipped`);
    return;
  }
  const data = loadMl100k();
  // The same batches for both: drawn up front from one seed.
  const batchRng = createRng(7);
  const batches = Array.from({ length: steps }, () => poissonSample(data.nUsers, q, batchRng));
  const meanBatch = batches.reduce((s, b) => s + b.length, 0) / steps;
  const time = (privateStep: boolean): number => {
    const t = setup(data, f, q, createRng(1), privateStep);
    for (let s = 0; s < 5; s++) t.step(batches[s]!); // warm-up
    const start = process.hrtime.bigint();
    for (const batch of batches) t.step(batch);
    return Number(process.hrtime.bigint() - start) / 1e6 / steps;
  };
  // Alternate the two, five rounds, and keep each one's best, so a busy neighbour on the machine skews neither side alone.
  let plain = Infinity, priv = Infinity;
  for (let round = 0; round < 5; round++) {
    plain = Math.min(plain, time(false));
    priv = Math.min(priv, time(true));
  }
  await Promise.resolve();
  console.log(`\nmf/dp-bpr step on ml-100k: ${data.nUsers} users, ${data.nItems} items, f ${f}, q ${q} (mean batch ${meanBatch.toFixed(1)} users), ${steps} steps\n`);
  console.log(table(['training', 'ms / step', 'users / s'], [
    ['non-private (summed batch gradient, Adam)', plain, Math.round((meanBatch / plain) * 1000)],
    ['DP-SGD (per-user clip, noise on all item coordinates, Adam)', priv, Math.round((meanBatch / priv) * 1000)],
  ]));
  console.log(`\nDP-SGD / non-private step time: ${(priv / plain).toFixed(2)}×`);
  await twoTower(q, Number(args[3] ?? 8));
}

/** neural/dp-two-tower's DP-SGD step against the non-private step of the same net and loss, on the same visits. */
async function twoTower(q: number, steps: number): Promise<void> {
  const data = await loadEvaluationData(`movielens:${resolve(dataDir(), 'ml-100k')}`);
  const p = dpTwoTowerParamsSchema.parse({ sampleRate: q });
  const train = csrMap(data.interactions, () => 1);
  const f = buildFeatures(data, train, undefined, { ...p, maxFollowees: 0 });
  f.warm.fill(1);
  const rng = createRng(7), warm = 2;
  const visits: Visit[] = Array.from({ length: steps + warm }, () => {
    const negatives = Int32Array.from({ length: p.negatives }, () => rng.int(train.cols));
    return drawVisit(train, poissonSample(train.rows, q, rng), p.positivesPerVisit, negatives, rng);
  });
  const meanBatch = visits.reduce((acc, v) => acc + v.users.length, 0) / visits.length;
  const qN = q * train.rows;
  const time = (privateStep: boolean): number => {
    const net = new DpTwoTowerNet(train.rows, train.cols, p, createRng(1));
    const opt = new Adam(net.parameters(), { lr: p.learningRate });
    const dp = new DpSgd({ optimizer: opt, clip: 1, noiseMultiplier: 1, sampleRate: q, datasetSize: train.rows, delta: 1e-5, rng: createRng(2), noise: cryptoGaussian() });
    const step = (v: Visit): void => {
      if (privateStep) { dpTwoTowerStep(dp, net, f, p, train, v); return; }
      opt.zeroGrad();
      scale(visitLoss(net, f, p, train, v), 1 / qN).backward();
      opt.step();
    };
    for (let s = 0; s < warm; s++) step(visits[s]!);
    const start = process.hrtime.bigint();
    for (let s = warm; s < visits.length; s++) step(visits[s]!);
    return Number(process.hrtime.bigint() - start) / 1e6 / steps;
  };
  let plain = Infinity, priv = Infinity;
  for (let round = 0; round < 3; round++) {
    plain = Math.min(plain, time(false));
    priv = Math.min(priv, time(true));
  }
  const params = new DpTwoTowerNet(train.rows, train.cols, p, createRng(1)).parameters().reduce((acc, t) => acc + t.size, 0);
  console.log(`\nneural/dp-two-tower step on ml-100k: ${train.rows} users, ${train.cols} items, ${params} weights, q ${q} (mean batch ${meanBatch.toFixed(1)} users), ${p.positivesPerVisit} positives a user, ${p.negatives} negatives, ${steps} steps\n`);
  console.log(table(['training', 'ms / step', 'users / s'], [
    ['non-private (one backward of the summed batch loss, lazy Adam)', plain, Math.round((meanBatch / plain) * 1000)],
    ['DP-SGD (a backward per user, clip, noise on every weight, Adam)', priv, Math.round((meanBatch / priv) * 1000)],
  ]));
  console.log(`\nDP-SGD / non-private step time: ${(priv / plain).toFixed(2)}×`);
}
