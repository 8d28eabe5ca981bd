/**
 * @module Benchmark of the graph and retrieval recommenders: speed (two-tower training examples/s, top-10
 * retrieval latency through the usearch index vs exact scoring, LightGCN epoch time with a PyTorch peer) and
 * quality (`quality <data> <models…>`: nDCG@10 and friends on MovieLens 100k or Last.fm HetRec under the
 * `msr` protocol, 3 seeds).
 *
 *   npx tsx -e "import('./bench/neural-retrieval.ts').then(m => m.run([]))"                 # speed
 *   npx tsx -e "import('./bench/neural-retrieval.ts').then(m => m.run(['quality', 'ml-100k', 'lightgcn']))"
 *   npx tsx -e "import('./bench/neural-retrieval.ts').then(m => m.run(['peer', 'ml-100k', '3']))"         # vs PyTorch
 *   (`['peer', <data>, <seeds>, <epochs>]`; default 30 epochs)
 */
import { execSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { evaluateRankings } from '../src/eval/metrics/evaluate-rankings.js';
import { recommendLists } from '../src/eval/recommend-lists.js';
import { mean, runEvaluation, sampleStd, seedList, type ModelSpec } from '../src/eval/run-evaluation.js';
import { makeSplit } from '../src/eval/splits/make-split.js';
import { testUsers } from '../src/eval/splits/pairs.js';
import type { Csr } from '../src/math/csr.js';
import { registerBuiltinModels } from '../src/models/builtin.js';
import { createRng } from '../src/core/rng.js';
import { topK } from '../src/math/top-k.js';
import { LightgcnRecommender } from '../src/models/graph/lightgcn.js';
import { buildItemIndex } from '../src/models/two-tower/item-index.js';
import { TwoTowerRecommender } from '../src/models/two-tower/two-tower.js';

registerBuiltinModels();

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.RESONATE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/** Quality runs: the settings each model is evaluated with (see docs/benchmarks.md for why). */
export const QUALITY_MODELS: Record<string, ModelSpec[]> = {
  // MSR Recommenders' lightgcn notebook: 3 layers, d 64, λ 1e-4, batch 1024, lr 0.005, 50 epochs, no early stop.
  lightgcn: [{ id: 'graph/lightgcn', label: 'lightgcn (msr settings)', params: { batchSize: 1024, learningRate: 0.005, epochs: 50, validationFraction: 0 } }],
  'lightgcn-social': [
    { id: 'graph/lightgcn', label: 'lightgcn', params: { batchSize: 2048, learningRate: 0.005, epochs: 40, validationFraction: 0 } },
    { id: 'graph/lightgcn', label: 'lightgcn + friends', params: { batchSize: 2048, learningRate: 0.005, epochs: 40, validationFraction: 0, socialEdges: true } },
  ],
  // Budget settings for a machine shared at load ~27 on 2 cores (see docs/benchmarks.md).
  'lightgcn-fast': [{ id: 'graph/lightgcn', label: 'lightgcn (batch 2048, lr 0.01, 30 epochs)', params: { batchSize: 2048, learningRate: 0.01, epochs: 30, validationFraction: 0 } }],
  'lightgcn-social-fast': [
    { id: 'graph/lightgcn', label: 'lightgcn d32', params: { factors: 32, batchSize: 2048, learningRate: 0.01, epochs: 15, validationFraction: 0 } },
    { id: 'graph/lightgcn', label: 'lightgcn d32 + friends', params: { factors: 32, batchSize: 2048, learningRate: 0.01, epochs: 15, validationFraction: 0, socialEdges: true } },
  ],
  // The ml-100k `lightgcn-fast` settings (d 64, lr 0.01, 30 epochs) with and without friend edges.
  'lightgcn-social-d64': [
    { id: 'graph/lightgcn', label: 'lightgcn d64', params: { batchSize: 2048, learningRate: 0.01, epochs: 30, validationFraction: 0 } },
    { id: 'graph/lightgcn', label: 'lightgcn d64 + friends', params: { batchSize: 2048, learningRate: 0.01, epochs: 30, validationFraction: 0, socialEdges: true } },
  ],
  'neural-fast': [
    { id: 'neural/two-tower', label: 'two-tower (10 epochs, early stop)', params: { epochs: 10 } },
    { id: 'neural/neumf', label: 'neumf (10 epochs, early stop)', params: { epochs: 10 } },
  ],
  neumf: [{ id: 'neural/neumf', label: 'neumf' }],
  'two-tower': [{ id: 'neural/two-tower', label: 'two-tower' }],
  'two-tower-neumf': [{ id: 'neural/two-tower', label: 'two-tower' }, { id: 'neural/neumf', label: 'neumf' }],
  dot: [{ id: 'mf/bpr' }, { id: 'mf/ials' }],
};

const DATA: Record<string, string> = {
  'ml-100k': `movielens:${path.join(dataDir, 'ml-100k')}`,
  lastfm: `lastfm-hetrec:${path.join(dataDir, 'hetrec2011-lastfm-2k')}`,
};

export function machine(): string {
  let commit = 'unknown';
  try { commit = execSync('git rev-parse --short HEAD', { cwd: repoRoot }).toString().trim(); } catch { /* not a checkout */ }
  return `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, ${new Date().toISOString()}, commit ${commit}, load ${os.loadavg()[0]!.toFixed(1)}`;
}

async function quality(dataName: string, set: string, seeds: number): Promise<void> {
  const spec = DATA[dataName];
  const models = QUALITY_MODELS[set];
  if (!spec || !models) throw new Error(`quality: unknown data "${dataName}" or model set "${set}"`);
  const data = await loadEvaluationData(spec);
  const c0 = process.cpuUsage(), t0 = performance.now();
  const result = await runEvaluation({ data, protocol: 'msr', models, k: 10, seeds, beyondAccuracy: false, progress: () => {} });
  const cpu = process.cpuUsage(c0);
  const rows = result.models.map((m) => ({
    label: m.label ?? m.id,
    ndcg: m.metrics['ndcg@10'], ndcgStd: m.std['ndcg@10'],
    map: m.metrics['map@10'], precision: m.metrics['precision@10'], recall: m.metrics['recall@10'],
    fitSeconds: m.fitSeconds,
  }));
  console.log(`\n### ${dataName}: ${set} (msr split, ${seeds} seeds)\n\n${machine()}; wall ${((performance.now() - t0) / 1000).toFixed(0)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s\n`);
  console.log('| model | nDCG@10 (± sd) | MAP@10 | P@10 | R@10 | fit s |\n|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${r.ndcg?.toFixed(4)} ± ${r.ndcgStd?.toFixed(4)} | ${r.map?.toFixed(4)} | ${r.precision?.toFixed(4)} | ${r.recall?.toFixed(4)} | ${r.fitSeconds.toFixed(1)} |`);
  writeFileSync(path.join(os.tmpdir(), `neural-quality-${dataName}-${set}.json`), JSON.stringify(result, null, 1));
}

/** Settings of the LightGCN-vs-PyTorch run: `lightgcn-fast` (d 64, K 3, λ 1e-4, batch 2048, lr 0.01, 30 epochs). */
const PEER_SETTINGS = { factors: 64, layers: 3, regularization: 1e-4, batchSize: 2048, learningRate: 0.01, epochs: 30 } as const;

/** "user item" lines of a users × items matrix. */
function edgeLines(m: Csr): string {
  const lines: string[] = [];
  for (let u = 0; u < m.rows; u++) for (let q = m.indptr[u]!; q < m.indptr[u + 1]!; q++) lines.push(`${u} ${m.indices[q]!}`);
  return lines.join('\n');
}

/**
 * graph/lightgcn and the PyTorch peer on the same `msr` split per seed, same settings, each single-threaded
 * (ours is): nDCG@10 and friends scored by the same code from each side's top-10 unseen items, and seconds per
 * epoch (ours: fit ÷ epochs; the peer's: mean epoch, sampling included on both sides).
 */
async function peerQuality(dataName: string, seeds: number, epochs: number = PEER_SETTINGS.epochs): Promise<void> {
  const spec = DATA[dataName];
  if (!spec) throw new Error(`peer: unknown data "${dataName}"`);
  const data = await loadEvaluationData(spec);
  const k = 10, e = epochs;
  type Row = { ndcg: number; map: number; precision: number; recall: number; epochWall: number; epochCpu: number };
  const ours: Row[] = [], theirs: Row[] = [];
  let torchVersion = '?';
  const c0 = process.cpuUsage(), t0 = performance.now(), load0 = os.loadavg()[0]!;
  for (const seed of seedList(seeds)) {
    const split = makeSplit(data, 'msr', seed, {}, false);
    const users = testUsers(split.test, split.train.interactions);
    const relevant = Array.from(users, (u) => new Set<number>(split.test.indices.subarray(split.test.indptr[u]!, split.test.indptr[u + 1]!)));
    const score = (lists: Int32Array[]) => evaluateRankings({ lists, relevant, ks: [k] });
    const model = new LightgcnRecommender({ ...PEER_SETTINGS, epochs: e, validationFraction: 0 });
    const fit = await timed(() => model.fit(split.train, { seed }));
    const m = score(recommendLists(model, users, k));
    ours.push({ ndcg: m['ndcg@10']!, map: m['map@10']!, precision: m['precision@10']!, recall: m['recall@10']!, epochWall: fit.wall / e, epochCpu: fit.cpu / e });
    const edgesPath = path.join(os.tmpdir(), `lightgcn-edges-${process.pid}-${seed}.txt`), topPath = `${edgesPath}.top`;
    writeFileSync(edgesPath, edgeLines(split.train.interactions));
    const p = PEER_SETTINGS;
    const out = execSync(
      `/usr/bin/python3 ${path.join(repoRoot, 'bench/peers/lightgcn_torch.py')} ${edgesPath} ${e} 1 --lr ${p.learningRate} --batch ${p.batchSize} ` +
        `--dim ${p.factors} --layers ${p.layers} --reg ${p.regularization} --users ${data.users.size} --items ${data.items.size} --seed ${seed} --topk ${topPath} --k ${k}`,
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 24 },
    );
    const peer = JSON.parse(out.trim().split('\n').pop()!) as { torch: string; wallMean: number; cpuMean: number };
    torchVersion = peer.torch;
    const top = new Map<number, Int32Array>();
    for (const line of readFileSync(topPath, 'utf8').trim().split('\n')) {
      const [u, ...items] = line.split(' ').map(Number);
      top.set(u!, Int32Array.from(items));
    }
    const pm = score(Array.from(users, (u) => top.get(u) ?? new Int32Array(0)));
    theirs.push({ ndcg: pm['ndcg@10']!, map: pm['map@10']!, precision: pm['precision@10']!, recall: pm['recall@10']!, epochWall: peer.wallMean, epochCpu: peer.cpuMean });
    rmSync(edgesPath, { force: true });
    rmSync(topPath, { force: true });
    console.error(`seed ${seed}: ours nDCG ${ours.at(-1)!.ndcg.toFixed(4)}, torch ${theirs.at(-1)!.ndcg.toFixed(4)}`);
  }
  const cpu = process.cpuUsage(c0);
  const ms = (rows: Row[], key: keyof Row, digits = 4) => `${mean(rows.map((r) => r[key])).toFixed(digits)} ± ${sampleStd(rows.map((r) => r[key])).toFixed(digits)}`;
  console.log(`\n### ${dataName}: graph/lightgcn vs PyTorch ${torchVersion} (msr split, ${seeds} seeds, d 64, K 3, batch 2048, lr 0.01, ${e} epochs, 1 thread each)\n`);
  console.log(`${machine()} (load at start ${load0.toFixed(1)}); wall ${((performance.now() - t0) / 1000).toFixed(0)} s, CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s\n`);
  console.log('| implementation | nDCG@10 (± sd) | MAP@10 | P@10 | R@10 | s per epoch, wall | s per epoch, CPU |\n|---|---|---|---|---|---|---|');
  for (const [label, rows] of [['graph/lightgcn (TypeScript)', ours], [`PyTorch ${torchVersion} peer`, theirs]] as const) {
    console.log(`| ${label} | ${ms(rows, 'ndcg')} | ${ms(rows, 'map')} | ${ms(rows, 'precision')} | ${ms(rows, 'recall')} | ${ms(rows, 'epochWall', 2)} | ${ms(rows, 'epochCpu', 2)} |`);
  }
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === 'peer') {
    await peerQuality(args[1] ?? 'ml-100k', Number(args[2] ?? 3), args[3] === undefined ? undefined : Number(args[3]));
    return;
  }
  if (args[0] === 'quality') {
    await quality(args[1] ?? 'ml-100k', args[2] ?? 'lightgcn', Number(args[3] ?? 3));
    return;
  }
  await speed(args);
}

/** Wall and CPU seconds of `fn`. */
async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function quantile(v: number[], q: number): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** p50/p99 (ms) of `fn` over `users`. */
function latency(users: number[], fn: (u: number) => unknown): { p50: number; p99: number } {
  const times: number[] = [];
  for (const u of users) {
    const t0 = performance.now();
    fn(u);
    times.push(performance.now() - t0);
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function speed(args: string[]): Promise<void> {
  const skipPeer = args.includes('--no-peer');
  const data = await loadEvaluationData(DATA['ml-100k']!);
  const nnz = data.interactions.indices.length;
  console.log(`## Graph and retrieval recommenders: speed\n\n${machine()}\nData: ml-100k, ${data.users.size} users × ${data.items.size} items, ${nnz} interactions (all as training).\n`);
  console.log('| measurement | wall | CPU | note |\n|---|---|---|---|');
  // LightGCN: one epoch at the paper's defaults (d 64, K 3, batch 2048): |R|/2048 batches, each a full propagation forward and back.
  const lg = new LightgcnRecommender({ epochs: 1, validationFraction: 0 });
  const lgT = await timed(() => lg.fit(data, { seed: 1 }));
  console.log(`| LightGCN epoch (d 64, K 3, batch 2048) | ${lgT.wall.toFixed(2)} s | ${lgT.cpu.toFixed(2)} s | ${Math.ceil(nnz / 2048)} batches, 6 spmm each |`);
  let peer: { wall: number; cpu: number; torch: string; threads: number } | undefined;
  if (!skipPeer) {
    const edgesPath = path.join(os.tmpdir(), `lightgcn-edges-${process.pid}.txt`);
    const m = data.interactions, lines: string[] = [];
    for (let u = 0; u < m.rows; u++) for (let q = m.indptr[u]!; q < m.indptr[u + 1]!; q++) lines.push(`${u} ${m.indices[q]!}`);
    writeFileSync(edgesPath, lines.join('\n'));
    try {
      const out = execSync(`/usr/bin/python3 ${path.join(repoRoot, 'bench/peers/lightgcn_torch.py')} ${edgesPath} 1 1`, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      peer = JSON.parse(out.trim().split('\n').pop()!) as typeof peer;
      console.log(`| PyTorch ${peer!.torch} LightGCN epoch (${peer!.threads} thread) | ${peer!.wall.toFixed(2)} s | ${peer!.cpu.toFixed(2)} s | ratio ours/torch: wall ${(lgT.wall / peer!.wall).toFixed(2)}×, CPU ${(lgT.cpu / peer!.cpu).toFixed(2)}× |`);
    } catch {
      console.log('| PyTorch LightGCN epoch | – | – | skipped: /usr/bin/python3 with torch not available |');
    }
  }
  // Two-tower: one epoch, every interaction one example (in-batch softmax, batch 512).
  const tt = new TwoTowerRecommender({ epochs: 1, validationFraction: 0 });
  const ttT = await timed(() => tt.fit(data, { seed: 1 }));
  console.log(`| two-tower epoch (batch 512, d 32) | ${ttT.wall.toFixed(2)} s | ${ttT.cpu.toFixed(2)} s | ${(nnz / ttT.wall).toFixed(0)} examples/s wall, ${(nnz / ttT.cpu).toFixed(0)} per CPU-s (incl. vectors of all users and items) |`);
  const users = Array.from({ length: Math.min(500, data.users.size) }, (_, u) => u);
  tt.retrieve(0, 10); // builds the index
  const ex = latency(users, (u) => tt.retrieve(u, 10, true));
  const ix = latency(users, (u) => tt.retrieve(u, 10));
  let agree = 0;
  for (const u of users) { const e = new Set(tt.retrieve(u, 10, true).map((r) => r.item)); agree += tt.retrieve(u, 10).filter((r) => e.has(r.item)).length; }
  console.log(`| top-10, exact scan of ${data.items.size} items | p50 ${ex.p50.toFixed(3)} ms, p99 ${ex.p99.toFixed(3)} ms | | |`);
  console.log(`| top-10, usearch HNSW (M 16, ef 64) | p50 ${ix.p50.toFixed(3)} ms, p99 ${ix.p99.toFixed(3)} ms | | recall@10 vs exact ${(agree / (10 * users.length)).toFixed(3)} |`);
  // A larger catalogue: 100 000 random unit vectors of 32 dims, exact scan vs index.
  const n = 100_000, D = 32, rng = createRng(5);
  const vecs = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < D; a++) { const x = rng.normal(); vecs[i * D + a] = x; s += x * x; }
    for (let a = 0; a < D; a++) vecs[i * D + a] = vecs[i * D + a]! / Math.sqrt(s);
  }
  const build = await timed(() => buildItemIndex(vecs, D));
  const index = build.value;
  const queries = Array.from({ length: 200 }, (_, q) => vecs.slice(q * D, (q + 1) * D));
  const scores = new Float32Array(n);
  const exactTop = (q: Float32Array) => {
    for (let i = 0; i < n; i++) { let s = 0; for (let a = 0; a < D; a++) s += q[a]! * vecs[i * D + a]!; scores[i] = s; }
    return topK(scores, 10).map((s) => s.index);
  };
  const qIdx = queries.map((_, k) => k);
  const ex2 = latency(qIdx, (k) => exactTop(queries[k]!));
  const ix2 = latency(qIdx, (k) => index.search(queries[k]!, 10));
  let agree2 = 0;
  for (const k of qIdx) { const e = new Set(exactTop(queries[k]!)); agree2 += Array.from(index.search(queries[k]!, 10).items).filter((i) => e.has(i)).length; }
  console.log(`| usearch build, 100 000 × 32 random unit vectors (1 thread) | ${build.wall.toFixed(2)} s | ${build.cpu.toFixed(2)} s | |`);
  console.log(`| top-10, exact scan of 100 000 | p50 ${ex2.p50.toFixed(2)} ms, p99 ${ex2.p99.toFixed(2)} ms | | |`);
  console.log(`| top-10, usearch HNSW of 100 000 | p50 ${ix2.p50.toFixed(3)} ms, p99 ${ix2.p99.toFixed(3)} ms | | recall@10 vs exact ${(agree2 / (10 * qIdx.length)).toFixed(3)} |`);
}
