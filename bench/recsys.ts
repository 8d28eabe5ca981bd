/**
 * @module Benchmark of the classical recommenders: iALS fit time against a NumPy/SciPy peer running the same
 * conjugate-gradient iALS in the same run (ml-100k and Last.fm), EASE fit time and recommend throughput, with
 * nDCG@10 on the Microsoft Recommenders "msr" protocol next to every speed.
 *
 * Run: `npx tsx -e "import('./bench/recsys.ts').then(m => m.run([]))"` (or `npm run bench -- recsys`); `--quality` adds
 * both quality tables, `--only speed|ml-100k|lastfm` runs one part, `--seeds N`, `--match a,b` keeps the quality rows
 * whose label contains a or b.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdMap } from '../src/core/id-map.js';
import { datasetFromInteractions } from '../src/data/dataset-builder.js';
import type { Dataset } from '../src/data/dataset.js';
import type { Recommender } from '../src/models/recommender.js';
import { createModel, registerModel } from '../src/models/registry.js';
import { easeFactory } from '../src/models/ease/ease.js';
import { ialsFactory } from '../src/models/mf/ials.js';
import { bprFactory } from '../src/models/mf/bpr.js';
import { sarFactory } from '../src/models/sar/sar.js';
import { rankFusionFactory } from '../src/models/hybrid/rank-fusion.js';
import { scoreFusionFactory } from '../src/models/hybrid/score-fusion.js';
import { stackingFactory } from '../src/models/hybrid/stacking.js';
import { itemKnnFactories } from '../src/models/knn/item-knn.js';
import { userKnnFactory } from '../src/models/knn/user-knn.js';
import { allTimeFactory, trendingFactory } from '../src/models/popular/popular.js';
import { rp3betaFactory } from '../src/models/rp3beta/rp3beta.js';
import { timeWindowFactory } from '../src/models/time-window/time-window.js';
import { timeEaseFactory, timeKnnFactory } from '../src/models/time-proximity/time-proximity.js';
import { gfCfFactory } from '../src/models/graph/gf-cf.js';
import { makeSplit, parseModelFile, runEvaluation, type ModelSpec } from '../src/eval/index.js';
import { loadEvaluationData } from '../src/eval/load-data.js';

// Only the models this bench runs (importing every model would load the neural ones too).
for (const f of [easeFactory, ialsFactory, bprFactory, sarFactory, rankFusionFactory, scoreFusionFactory, userKnnFactory, ...itemKnnFactories,
  allTimeFactory, trendingFactory, rp3betaFactory, timeWindowFactory, timeKnnFactory, timeEaseFactory, gfCfFactory, stackingFactory]) registerModel(f);

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const dataDir = process.env.RESONATE_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/** Raw (user, item, weight, time) rows with external ids. */
export interface RawRows {
  user: string[];
  item: string[];
  weight: number[];
  /** Epoch ms. */
  time: number[];
}

/**
 * MovieLens 100k as `resonate eval --data movielens:<folder>` loads it (the movielens importer into an in-memory
 * store, then the Dataset): the same ids in the same order, so seed s draws the same msr split here and in the CLI,
 * and every number of the quality table can be reproduced with `resonate eval`.
 */
export function loadMl100kDataset(folder = path.join(dataDir, 'ml-100k')): Promise<Dataset> {
  return loadEvaluationData(`movielens:${folder}`);
}

/** MovieLens 100k u.data rows in file order (user, item, rating 1–5, unix seconds); the bench uses `loadMl100kDataset`. */
export function loadMl100k(file = path.join(dataDir, 'ml-100k/u.data')): RawRows {
  const rows: RawRows = { user: [], item: [], weight: [], time: [] };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [u, i, r, t] = line.split('\t');
    rows.user.push(u!);
    rows.item.push(i!);
    rows.weight.push(Number(r));
    rows.time.push(Number(t) * 1000);
  }
  return rows;
}

/** HetRec 2011 Last.fm user_artists.dat: user, artist, play count (no times: row order stands for time). */
export function loadLastfm(file = path.join(dataDir, 'hetrec2011-lastfm-2k/user_artists.dat')): RawRows {
  const rows: RawRows = { user: [], item: [], weight: [], time: [] };
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k]!.trim();
    if (!line) continue;
    const [u, i, w] = line.split('\t');
    rows.user.push(u!);
    rows.item.push(i!);
    rows.weight.push(Number(w));
    rows.time.push(k);
  }
  return rows;
}

export interface Split {
  train: Dataset;
  /** Per dense user index: the set of held-out dense item indices (items unseen in training get -1 and never match). */
  test: Map<number, Set<number>>;
  /** Size of each user's held-out set (counting items unknown to training). */
  testSize: Map<number, number>;
}

/** The msr split of src/eval (75/25 per item, as the published benchmark) of a dataset, with test sets by user. */
export function stratifiedSplit(data: Dataset, seed = 42): Split {
  const part = makeSplit(data, 'msr', seed, {}, false);
  const test = new Map<number, Set<number>>();
  const testSize = new Map<number, number>();
  const t = part.test, tr = part.train.interactions;
  for (let u = 0; u < t.rows; u++) {
    // Users with held-out items and training history, as the harness's warm users.
    if (t.indptr[u + 1] === t.indptr[u] || tr.indptr[u + 1] === tr.indptr[u]) continue;
    test.set(u, new Set(t.indices.subarray(t.indptr[u]!, t.indptr[u + 1]!)));
    testSize.set(u, t.indptr[u + 1]! - t.indptr[u]!);
  }
  return { train: part.train, test, testSize };
}

/** Raw rows as a Dataset (ids in order of appearance). */
export function datasetOf(raw: RawRows): Dataset {
  const users = new IdMap(), items = new IdMap();
  const u = Int32Array.from(raw.user, (x) => users.add(x)), it = Int32Array.from(raw.item, (x) => items.add(x));
  return datasetFromInteractions({ users, items, user: u, item: it, weight: raw.weight, time: raw.time });
}

/**
 * nDCG@k with binary relevance (Microsoft Recommenders' definition): DCG = Σ rel_r / log2(r + 1) over ranks
 * r = 1..k, IDCG over min(k, |test_u|) ideal hits, averaged over test users.
 */
export function ndcgAtK(model: Recommender, split: Split, k = 10): number {
  const users = [...split.test.keys()];
  const recs = model.recommend(users, { k });
  let total = 0;
  users.forEach((u, j) => {
    const rel = split.test.get(u)!;
    let dcg = 0;
    recs[j]!.forEach((r, rank) => {
      if (rel.has(r.item)) dcg += 1 / Math.log2(rank + 2);
    });
    let idcg = 0;
    const n = Math.min(k, split.testSize.get(u)!);
    for (let r = 0; r < n; r++) idcg += 1 / Math.log2(r + 2);
    total += dcg / idcg;
  });
  return total / users.length;
}

/** Fits a registered model on a split's training part; returns fit seconds and nDCG@10. */
export async function fitAndScore(id: string, params: Record<string, unknown>, split: Split, seed = 42): Promise<{ model: Recommender; seconds: number; cpuSeconds: number; ndcg: number }> {
  const model = createModel(id, params);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await model.fit(split.train, { seed });
  const seconds = (performance.now() - t0) / 1000;
  // CPU time of the whole process (worker threads included): what the fit costs whatever else runs.
  const c = process.cpuUsage(c0);
  return { model, seconds, cpuSeconds: (c.user + c.system) / 1e6, ndcg: ndcgAtK(model, split) };
}

/** Recorded bar (issue): implicit 0.7.3, 64 factors, 15 iterations, 2 threads, on this kind of machine. */
const IMPLICIT_SECONDS: Record<string, number> = { 'ml-100k': 0.24, 'lastfm': 0.56 };

interface PeerResult { fit_seconds: number; fit_cpu_seconds: number; ndcg10: number; threads: number }

/** Writes the confidences of the training matrix and the test sets where the NumPy peer reads them. */
function writePeerInput(dir: string, split: Split, conf: Float32Array): void {
  const m = split.train.interactions;
  const bin = (name: string, a: Int32Array | Float32Array): void => writeFileSync(path.join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ users: m.rows, items: m.cols }));
  bin('indptr.i32', m.indptr);
  bin('indices.i32', m.indices);
  bin('conf.f32', conf);
  const users = [...split.test.keys()];
  const tIndptr = new Int32Array(users.length + 1);
  const tItems: number[] = [];
  users.forEach((u, j) => {
    for (const i of split.test.get(u)!) if (i >= 0) tItems.push(i);
    tIndptr[j + 1] = tItems.length;
  });
  bin('test_users.i32', Int32Array.from(users));
  bin('test_indptr.i32', tIndptr);
  bin('test_items.i32', Int32Array.from(tItems));
  bin('test_sizes.i32', Int32Array.from(users, (u) => split.testSize.get(u)!));
}

function runPython(script: string, args: string[]): PeerResult | string {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return 'skipped: /usr/bin/python3 missing';
  const probe = spawnSync(python, ['-c', 'import numpy, scipy'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'skipped: numpy/scipy missing';
  const out = execFileSync(python, [path.join(repoRoot, 'bench/peers', script), ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as PeerResult;
}

function runPeer(dir: string, p: { factors: number; iterations: number; regularization: number; cgSteps: number }): PeerResult | string {
  return runPython('ials_numpy.py', [dir, String(p.factors), String(p.iterations), String(p.regularization), String(p.cgSteps), '42']);
}

/** Users per second for top-10 over all items, every user once. */
function throughput(model: Recommender, nUsers: number): number {
  const users = Array.from({ length: nUsers }, (_, u) => u);
  model.recommend(users.slice(0, 50), { k: 10 }); // warm-up
  const t0 = performance.now();
  model.recommend(users, { k: 10 });
  return nUsers / ((performance.now() - t0) / 1000);
}

/** Keeps rows whose item has at least `min` distinct users (EASE needs a dense n×n). */
function minItemUsers(raw: RawRows, min: number): RawRows {
  const users = new Map<string, Set<string>>();
  raw.item.forEach((i, k) => { let s = users.get(i); if (!s) users.set(i, (s = new Set())); s.add(raw.user[k]!); });
  const out: RawRows = { user: [], item: [], weight: [], time: [] };
  raw.item.forEach((i, k) => {
    if (users.get(i)!.size < min) return;
    out.user.push(raw.user[k]!); out.item.push(i); out.weight.push(raw.weight[k]!); out.time.push(raw.time[k]!);
  });
  return out;
}

/** Parameters of each bench dataset: iALS confidences suited to its weights. */
const IALS_PARAMS: Record<string, Record<string, unknown>> = {
  'ml-100k': { factors: 64, iterations: 15 },
  // Play counts run to six figures: log confidence keeps one fan from dominating (Hu et al. §4).
  lastfm: { factors: 64, iterations: 15, confidence: 'log', alpha: 10, epsilon: 10 },
};

/** Published Microsoft Recommenders MovieLens 100k numbers (README table, k = 10; MAP is ÷ |relevant|). */
const PUBLISHED_ML100K: Record<string, string> = {
  sar: 'SAR 0.3825', 'mf/bpr': 'Cornac BPR 0.4420', 'mf/ials': 'Spark ALS (explicit) 0.0442',
};
const PUBLISHED_OTHERS = 'BiVAE 0.4751, LightGCN 0.4198, NCF 0.3961';

/**
 * The ml-100k variants and the blend of the quality table, as `resonate eval --models configs/…json` reads them:
 * parameters, members and weights chosen on validation splits carved from the msr training part
 * (docs/benchmarks.md "Classical recommenders"; how each was chosen is in the file's `about`).
 */
export function ml100kConfigs(): { variants: ModelSpec[]; blend: ModelSpec[] } {
  const read = (name: string): ModelSpec[] => parseModelFile(readFileSync(path.join(repoRoot, 'configs', name), 'utf8'), `configs/${name}`);
  return { variants: read('ml-100k-variants.json'), blend: [...read('ml-100k-blend.json'), ...read('ml-100k-stacking.json')] };
}

/** The Last.fm hybrids: six members with equal weights, and stacked (weights learned by the model itself). */
function lastfmStacking(): ModelSpec[] {
  return parseModelFile(readFileSync(path.join(repoRoot, 'configs', 'lastfm-stacking.json'), 'utf8'), 'configs/lastfm-stacking.json');
}

/** The models of the quality tables (the tuned variants and the blend are ml-100k's). */
function qualityModels(dataset: 'ml-100k' | 'lastfm'): ModelSpec[] {
  const ials = IALS_PARAMS[dataset]!;
  const specs: ModelSpec[] = [
    { id: 'popular/all-time' },
    { id: 'popular/time-window' },
    { id: 'sar', label: 'sar (Jaccard, 30-day half-life: MS defaults)' },
    { id: 'item-knn/cosine' },
    { id: 'item-knn/bm25' },
    { id: 'user-knn/cosine' },
    { id: 'rp3beta' },
    { id: 'time-proximity/knn' },
    { id: 'mf/bpr', label: "mf/bpr (Cornac's setting: 200 f, 200 epochs, lr 0.01, λ 0.001)" },
  ];
  if (dataset === 'lastfm') specs.push({ id: 'mf/bpr', label: 'mf/bpr λ 0.01 (chosen on validation)', params: { regularization: 0.01 } });
  specs.push({ id: 'mf/ials', label: `mf/ials ${JSON.stringify(ials)}`, params: ials });
  // The dense item–item models fit B over the items with training users (minSupport 1): all 1 682 films of
  // ml-100k, the ≈ 6 950 artists of Last.fm that anyone listened to in the training part.
  specs.push({ id: 'ease', label: 'ease (λ 500)' }, { id: 'time-proximity/ease' }, { id: 'graph/gf-cf', label: 'graph/gf-cf (k 256, α 0.3: the paper\'s code)' });
  if (dataset === 'ml-100k') {
    const { variants, blend } = ml100kConfigs();
    specs.push(...variants, ...blend);
  } else {
    specs.push(...lastfmStacking());
  }
  return specs;
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** One quality table: every model over `seeds` msr splits, mean ± std. */
async function qualityTable(name: 'ml-100k' | 'lastfm', data: Dataset, seeds: number, match?: string): Promise<void> {
  const load = os.loadavg()[0]!.toFixed(1);
  const c0 = process.cpuUsage();
  // --match keeps the rows whose label or id contains one of its comma-separated words (a re-run of a few rows).
  const words = match?.split(',').filter((w) => w !== '');
  const rowName = (m: ModelSpec): string => (typeof m === 'string' ? m : m.label ?? m.id);
  const models = qualityModels(name).filter((m) => !words || words.some((w) => rowName(m).includes(w)));
  if (models.length === 0) throw new Error(`--match ${match}: no ${name} row matches`);
  const res = await runEvaluation({ data, protocol: 'msr', models, k: 10, seeds, beyondAccuracy: false, auc: false });
  const cpu = process.cpuUsage(c0);
  const f = (x: number | undefined, d = 4): string => (x === undefined ? '–' : x.toFixed(d));
  console.log(`\n### ${name}, msr (75/25 per item), k = 10, seeds ${res.seeds.join(', ')}; ${res.evaluatedUsers.toFixed(0)} test users; load average ${load} at start, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU-s in all\n`);
  console.log('| model | nDCG@10 | MAP (÷ relevant) | precision@10 | recall@10 | fit s (mean) | published |');
  console.log('|---|---|---|---|---|---|---|');
  for (const m of res.models) {
    const cell = (key: string): string => `${f(m.metrics[key])} ± ${f(m.std[key])}`;
    const published = name === 'ml-100k' ? (m.label?.startsWith('mf/bpr λ') ? '' : PUBLISHED_ML100K[m.id] ?? '') : '';
    console.log(`| ${m.label ?? m.id} | ${cell('ndcg@10')} | ${cell('map-rel@10')} | ${cell('precision@10')} | ${cell('recall@10')} | ${f(m.fitSeconds, 2)} | ${published} |`);
  }
  if (name === 'ml-100k') console.log(`\nPublished, other models: ${PUBLISHED_OTHERS}.`);
}

export async function run(args: string[]): Promise<void> {
  const quality = args.includes('--quality');
  const only = arg(args, '--only');
  const seeds = Number(arg(args, '--seeds') ?? 3);
  let commit = 'unknown';
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
  console.log(`## Classical recommenders — ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, commit ${commit}`);
  console.log('\nProtocol msr: 75/25 split per item (seed 42, as the published benchmark), nDCG@10 with binary relevance, seen items excluded.\n');
  // ml-100k through the CLI's loader (same splits as `resonate eval`); Last.fm from the raw play counts (the
  // lastfm-hetrec importer stores ln(1 + plays), which would change the iALS confidences of the speed table).
  const sets: Record<string, Dataset> = { 'ml-100k': await loadMl100kDataset(), lastfm: datasetOf(loadLastfm()) };
  console.log(`Load average at start: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} (${os.cpus().length} cores). "CPU s" is process CPU time, all threads.\n`);
  // Without --only: the speed tables, plus both quality tables with --quality; --only picks one part.
  const wanted = (part: string): boolean => (only === undefined ? part === 'speed' || quality : only === part);
  if (wanted('speed')) await speedTables(sets);
  if (wanted('ml-100k')) await qualityTable('ml-100k', sets['ml-100k']!, seeds, arg(args, '--match'));
  if (wanted('lastfm')) await qualityTable('lastfm', sets.lastfm!, seeds, arg(args, '--match'));
}

async function speedTables(sets: Record<string, Dataset>): Promise<void> {
  console.log('| dataset | model | fit (s) | CPU s | NumPy/SciPy peer (s) | peer CPU s | ratio ours/peer | implicit 0.7.3 recorded (s) | ours/implicit | nDCG@10 ours | nDCG@10 peer |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'resonate-recsys-'));
  const fitted: Record<string, { model: Recommender; nUsers: number }> = {};
  try {
    for (const [name, data] of Object.entries(sets)) {
      const split = stratifiedSplit(data);
      const params = IALS_PARAMS[name]!;
      const r = await fitAndScore('mf/ials', params, split);
      fitted[name] = { model: r.model, nUsers: split.train.users.size };
      const { confidences } = await import('../src/models/mf/ials.js');
      writePeerInput(tmp, split, confidences(split.train.interactions, r.model.params as never));
      const mp = r.model.params as { factors: number; iterations: number; regularization: number; cgSteps: number };
      const peer = runPeer(tmp, mp);
      const imp = IMPLICIT_SECONDS[name]!;
      const peerCells = typeof peer === 'string' ? [peer, '—', '—'] : [peer.fit_seconds.toFixed(2), peer.fit_cpu_seconds.toFixed(2), (r.seconds / peer.fit_seconds).toFixed(2)];
      const label = `mf/ials ${mp.factors}f × ${mp.iterations} it, ${(r.model.params as { threads: number }).threads || Math.min(os.availableParallelism(), 8)} threads`;
      console.log(`| ${name} | ${label} | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${peerCells[0]} | ${peerCells[1]} | ${peerCells[2]} | ${imp} | ${(r.seconds / imp).toFixed(2)} | ${r.ndcg.toFixed(4)} | ${typeof peer === 'string' ? '—' : peer.ndcg10.toFixed(4)} |`);
    }
    const easeSets: [string, Dataset][] = [['ml-100k', sets['ml-100k']!], ['lastfm (artists with ≥ 5 listeners)', datasetOf(minItemUsers(loadLastfm(), 5))]];
    for (const [name, data] of easeSets) {
      const split = stratifiedSplit(data);
      const r = await fitAndScore('ease', {}, split);
      writePeerInput(tmp, split, new Float32Array(split.train.interactions.data.length).fill(1));
      const peer = runPython('ease_numpy.py', [tmp, String((r.model.params as { lambda: number }).lambda)]);
      const cells = typeof peer === 'string' ? [peer, '—', '—', '—'] : [peer.fit_seconds.toFixed(2), peer.fit_cpu_seconds.toFixed(2), (r.seconds / peer.fit_seconds).toFixed(2), peer.ndcg10.toFixed(4)];
      console.log(`| ${name} | ease λ=500 (${split.train.items.size} items) | ${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${cells[0]} | ${cells[1]} | ${cells[2]} | — | — | ${r.ndcg.toFixed(4)} | ${cells[3]} |`);
      if (name === 'ml-100k') fitted['ease ml-100k'] = { model: r.model, nUsers: split.train.users.size };
    }
    console.log('\n| recommend top-10 over all items | users/s |');
    console.log('|---|---|');
    for (const [name, f] of Object.entries(fitted)) console.log(`| ${name.includes('ease') ? name : 'mf/ials ' + name} | ${Math.round(throughput(f.model, f.nUsers))} |`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
