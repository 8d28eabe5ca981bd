/**
 * @module Who-to-follow: link prediction on the Last.fm friendships (HetRec 2011) with the networkx peer on the
 * same splits, then serving latency on a synthetic follow graph of about 1,000,000 edges.
 *
 * Usage: npm run bench -- who-to-follow [--seeds 3] [--users 34000] [--requests 2000] [--skip-lastfm] [--skip-latency]
 * 1. Last.fm: `resonate eval --task follow` (20 % of friendships hidden, both directions together, seeds 42…),
 *    every follow model; for each seed the split is written to a folder that bench/peers/follow_networkx.py reads,
 *    so networkx's common neighbours, Adamic–Adar and personalized PageRank score the same hidden edges.
 * 2. Latency: the synthetic network's follow graph (its latent graph, no events: interest similarity is off),
 *    `follow/default` built on it (graph, spectral vectors, ranker trained on hidden edges), then `--requests`
 *    suggestions of 20 for random users with at least one follow, after 200 warm-up requests; p50/p99/max, the
 *    bytes of the graph structures (both directions and the degrees) and of the user vectors, and the process RSS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRng } from '../src/core/rng.js';
import { generateNetwork } from '../src/data/synthetic/index.js';
import { loadEvaluationData } from '../src/eval/load-data.js';
import { followSplit, runFollowEvaluation } from '../src/eval/follow/run-follow-evaluation.js';
import { createWhoToFollow, followGraphFromEdges, graphBytes, socialSignalsOf } from '../src/social/index.js';
import { dataDir, hasData, machineLine, python, table } from './_machine.js';

const K = 20;
const HEURISTICS = ['follow/common-neighbours', 'follow/adamic-adar', 'follow/personalized-pagerank', 'follow/salsa'];

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1]! : fallback;
}

const i32 = (a: ArrayLike<number>): Buffer => Buffer.from(Int32Array.from(a).buffer);
const load = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, '');

export async function run(args: string[]): Promise<void> {
  console.log(`# Who-to-follow\n\n${machineLine()}\n`);
  if (!args.includes('--skip-lastfm')) await lastfm(Number(arg(args, '--seeds', '3')));
  if (!args.includes('--skip-latency')) latency(Number(arg(args, '--users', '34000')), Number(arg(args, '--requests', '2000')));
}

async function lastfm(nSeeds: number): Promise<void> {
  const folder = 'hetrec2011-lastfm-2k';
  if (!hasData(folder)) return console.log(`Last.fm skipped: ${folder} not in ${dataDir()}\n`);
  console.log(`## Last.fm friendships: 20 % hidden, ${nSeeds} seeds, k = ${K} (load ${load()})\n`);
  const data = await loadEvaluationData(`lastfm-hetrec:${resolve(dataDir(), folder)}`, undefined, undefined, 'follows');
  const result = await runFollowEvaluation({ data, models: 'all', k: K, seeds: nSeeds });
  const pm = (m: (typeof result.models)[number], key: string): string => `${m.metrics[key]!.toFixed(4)} ± ${m.std[key]!.toFixed(4)}`;
  const rows: (string | number)[][] = result.models.map((m) => ['resonate', m.id, pm(m, `recall@${K}`), pm(m, `ndcg@${K}`), pm(m, `mrr@${K}`), m.fitSeconds.toFixed(2), m.recommendSeconds.toFixed(2)]);
  rows.push(...peer(data, result.seeds));
  console.log(`${result.evaluatedUsers.toFixed(0)} users evaluated per seed; ${result.data.interactions} follow edges.\n`);
  console.log(table(['library', 'model', `recall@${K}`, `nDCG@${K}`, `MRR@${K}`, 'fit s', 'suggest s'], rows));
  const of = (id: string, key: string): number => result.models.find((m) => m.id === id)!.metrics[key]!;
  for (const key of [`recall@${K}`, `ndcg@${K}`]) {
    const best = HEURISTICS.reduce((a, b) => (of(b, key) > of(a, key) ? b : a));
    console.log(`\nfollow/default ÷ best heuristic (${best}) on ${key}: ${(of('follow/default', key) / of(best, key)).toFixed(3)}×`);
  }
  console.log('');
}

/** networkx on each seed's split (written to a folder), averaged over seeds. */
function peer(data: Parameters<typeof socialSignalsOf>[0], seeds: readonly number[]): (string | number)[][] {
  // The first Python that imports networkx and scipy: the one on PATH, then Debian's.
  const py = ['python3', python()].find((p) => p !== undefined && spawnSync(p, ['-c', 'import networkx, scipy'], { encoding: 'utf8' }).status === 0);
  if (!py) return [['networkx', 'skipped: no python3 with networkx and scipy', '', '', '', '', '']];
  const version = spawnSync(py, ['-c', 'import networkx; print(networkx.__version__)'], { encoding: 'utf8' }).stdout.trim();
  console.log(`networkx ${version} (${py})\n`);
  const graph = socialSignalsOf(data).graph;
  const sums = new Map<string, { recall: number[]; ndcg: number[]; mrr: number[]; seconds: number[] }>();
  for (const seed of seeds) {
    const split = followSplit(graph, 0.2, seed);
    const dir = mkdtempSync(join(tmpdir(), 'wtf-split-'));
    mkdirSync(dir, { recursive: true });
    const src: number[] = [], dst: number[] = [];
    for (let u = 0; u < split.train.n; u++) {
      for (let p = split.train.out.indptr[u]!; p < split.train.out.indptr[u + 1]!; p++) {
        src.push(u);
        dst.push(split.train.out.indices[p]!);
      }
    }
    const indptr = [0];
    const indices: number[] = [];
    for (const rel of split.relevant) {
      indices.push(...[...rel].sort((a, b) => a - b));
      indptr.push(indices.length);
    }
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ users: split.train.n, seed }));
    writeFileSync(join(dir, 'train_src.i32'), i32(src));
    writeFileSync(join(dir, 'train_dst.i32'), i32(dst));
    writeFileSync(join(dir, 'users.i32'), i32(split.users));
    writeFileSync(join(dir, 'hidden_indptr.i32'), i32(indptr));
    writeFileSync(join(dir, 'hidden_indices.i32'), i32(indices));
    const out = execFileSync(py, [resolve('bench/peers/follow_networkx.py'), dir, String(K)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    for (const line of out.trim().split('\n')) {
      const r = JSON.parse(line) as { method: string; recall: number; ndcg: number; mrr: number; seconds: number };
      const s = sums.get(r.method) ?? { recall: [], ndcg: [], mrr: [], seconds: [] };
      s.recall.push(r.recall);
      s.ndcg.push(r.ndcg);
      s.mrr.push(r.mrr);
      s.seconds.push(r.seconds);
      sums.set(r.method, s);
    }
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const std = (v: number[]): number => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
  const pm = (v: number[]): string => `${mean(v).toFixed(4)} ± ${std(v).toFixed(4)}`;
  return [...sums].map(([method, s]) => ['networkx', method, pm(s.recall), pm(s.ndcg), pm(s.mrr), '–', mean(s.seconds).toFixed(2)]);
}

function latency(users: number, requests: number): void {
  console.log(`## Latency: synthetic follow graph, ${users} users (load ${load()})\n`);
  const g = generateNetwork({ users, seed: 42 }).latent.follows;
  const from = new Int32Array(g.indices.length);
  for (let u = 0; u < users; u++) from.fill(u, g.indptr[u]!, g.indptr[u + 1]!);
  const t0 = performance.now();
  const graph = followGraphFromEdges(users, from, g.indices);
  const graphSeconds = (performance.now() - t0) / 1000;
  const wtf = createWhoToFollow({ graph }, 42);
  const rng = createRng(7);
  const viewers: number[] = [];
  while (viewers.length < requests + 200) {
    const u = rng.int(users);
    if (graph.out.indptr[u + 1]! > graph.out.indptr[u]!) viewers.push(u);
  }
  // Wall time and this process's CPU time per request: on a shared machine the wall time includes waiting for a core.
  const times: number[] = [], cpu: number[] = [];
  viewers.forEach((u, i) => {
    const t = performance.now(), c = process.cpuUsage();
    const s = wtf.suggest(u, 20);
    const used = process.cpuUsage(c), ms = performance.now() - t;
    if (s.length === 0) throw new Error(`no suggestion for user ${u}`);
    if (i >= 200) {
      times.push(ms);
      cpu.push((used.user + used.system) / 1000);
    }
  });
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const q = (p: number, v = times): number => v[Math.min(v.length - 1, Math.floor(p * v.length))]!;
  const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
  console.log(table(['users', 'edges', 'graph build s', 'who-to-follow build s', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'CPU p50 ms', 'CPU p99 ms', 'graph MiB', 'vectors MiB', 'process RSS MiB'], [[
    users, wtf.stats.edges, graphSeconds.toFixed(2), wtf.stats.buildSeconds.toFixed(1), times.length, q(0.5).toFixed(2), q(0.99).toFixed(2), times[times.length - 1]!.toFixed(2), q(0.5, cpu).toFixed(2), q(0.99, cpu).toFixed(2),
    mb(graphBytes(graph)), mb(wtf.stats.vectorBytes), mb(process.memoryUsage().rss),
  ]]));
  console.log(`\nload after: ${load()}\n`);
}
