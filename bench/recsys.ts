/**
 * @module Benchmark of the classical recommenders: iALS fit time against a NumPy/SciPy peer running the same
 * conjugate-gradient iALS in the same run (ml-100k and Last.fm), EASE fit time and recommend throughput, with
 * nDCG@10 on the Microsoft Recommenders "msr" protocol next to every speed.
 *
 * Run: `npx tsx -e "import('./bench/recsys.ts').then(m => m.run([]))"` (or `npm run bench -- recsys`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdMap } from '../src/core/id-map.js';
import { createRng } from '../src/core/rng.js';
import { datasetFromInteractions } from '../src/data/dataset-builder.js';
import type { Dataset } from '../src/data/dataset.js';
import type { Recommender } from '../src/models/recommender.js';
import { createModel } from '../src/models/registry.js';
import '../src/models/index.js';

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

/** MovieLens 100k u.data: user, item, rating 1–5, unix seconds. */
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

/**
 * Per-user stratified split (the "msr" protocol of Microsoft Recommenders' python_stratified_split): each
 * user's rows are shuffled with a seeded RNG and the first round(ratio·n) go to training.
 */
export function stratifiedSplit(raw: RawRows, ratio = 0.75, seed = 42): Split {
  const byUser = new Map<string, number[]>();
  for (let k = 0; k < raw.user.length; k++) {
    let list = byUser.get(raw.user[k]!);
    if (!list) byUser.set(raw.user[k]!, (list = []));
    list.push(k);
  }
  const rng = createRng(seed);
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (const list of byUser.values()) {
    rng.shuffle(list);
    const cut = Math.round(ratio * list.length);
    for (let j = 0; j < list.length; j++) (j < cut ? trainRows : testRows).push(list[j]!);
  }
  trainRows.sort((a, b) => a - b);
  const users = new IdMap();
  const items = new IdMap();
  const u = new Int32Array(trainRows.length), it = new Int32Array(trainRows.length);
  const w = new Float32Array(trainRows.length), t = new Float64Array(trainRows.length);
  trainRows.forEach((k, j) => {
    u[j] = users.add(raw.user[k]!);
    it[j] = items.add(raw.item[k]!);
    w[j] = raw.weight[k]!;
    t[j] = raw.time[k]!;
  });
  const train = datasetFromInteractions({ users, items, user: u, item: it, weight: w, time: t });
  const test = new Map<number, Set<number>>();
  const testSize = new Map<number, number>();
  for (const k of testRows) {
    const ui = users.index(raw.user[k]!);
    if (ui < 0) continue;
    let s = test.get(ui);
    if (!s) test.set(ui, (s = new Set()));
    s.add(items.index(raw.item[k]!));
    testSize.set(ui, (testSize.get(ui) ?? 0) + 1);
  }
  return { train, test, testSize };
}

/** Carves a validation split out of a training dataset (same protocol), for tuning without touching test. */
export function validationSplit(train: Dataset, ratio = 0.75, seed = 7): Split {
  const m = train.interactions;
  const raw: RawRows = { user: [], item: [], weight: [], time: [] };
  for (let r = 0; r < m.rows; r++) {
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      raw.user.push(train.users.id(r));
      raw.item.push(train.items.id(m.indices[k]!));
      raw.weight.push(m.data[k]!);
      raw.time.push(train.interactionTimes[k]!);
    }
  }
  return stratifiedSplit(raw, ratio, seed);
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
export async function fitAndScore(id: string, params: Record<string, unknown>, split: Split, seed = 42): Promise<{ model: Recommender; seconds: number; ndcg: number }> {
  const model = createModel(id, params);
  const t0 = performance.now();
  await model.fit(split.train, { seed });
  const seconds = (performance.now() - t0) / 1000;
  return { model, seconds, ndcg: ndcgAtK(model, split) };
}

export async function run(_args: string[]): Promise<void> {
  void execFileSync; void spawnSync; void existsSync; void mkdtempSync; void rmSync; void writeFileSync; void os;
  throw new Error('recsys bench: not written yet');
}
