/**
 * @module Benchmark `search`: hybrid search latency on synthetic posts with the hashtag task's query mix.
 *
 * Usage: `npm run bench -- search [--posts 100000] [--seconds 20] [--connections 10]`. Posts are written into an
 * in-memory SQLite store (50 topics of 40 words each over a 5,000-word Zipf background, 8 words a post, a third
 * carrying their topic's hashtag); the search index is built (word2vec on the posts, usearch HNSW); the queries
 * are the hashtag task's (each hashtag's words, `src/search/hashtag-task.ts`) over the first 20,000 posts.
 * `connections` loops search in this process at once (default fusion, limit 20); it reports p50/p99 latency,
 * throughput, CPU per query, and the memory per post of a vector index of the same size (RSS growth).
 */
import { cpus, loadavg } from 'node:os';
import { createRng } from '../src/core/rng.js';
import type { Post } from '../src/data/schemas.js';
import { hashtagTask } from '../src/search/hashtag-task.js';
import { SearchService } from '../src/search/search-service.js';
import { VectorIndex } from '../src/search/vector-index.js';
import { openStore } from '../src/storage/open-store.js';
import { machineLine } from './_machine.js';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'pe', 'da', 'go', 'zu', 'ba', 'fi', 'ho', 'ja'];

function word(i: number): string {
  let s = '';
  for (let x = i + 16; x > 0; x = Math.floor(x / 16)) s += SYLLABLES[x % 16];
  return s;
}

function syntheticPosts(n: number, seed: number): Post[] {
  const rng = createRng(seed);
  const background = 5000, topics = 50, perTopic = 40;
  // Zipf background: inverse CDF over 1/rank weights.
  const cdf = new Float64Array(background);
  let acc = 0;
  for (let r = 0; r < background; r++) cdf[r] = acc += 1 / (r + 1);
  const zipf = (): number => {
    const u = rng.next() * acc;
    let lo = 0, hi = background - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const t0 = Date.UTC(2026, 0, 1);
  return Array.from({ length: n }, (_, i) => {
    const topic = Math.floor(rng.next() * topics);
    const words = Array.from({ length: 8 }, () => (rng.next() < 0.6 ? word(background + topic * perTopic + Math.floor(rng.next() * perTopic)) : word(zipf())));
    const tagWords = [word(background + topic * perTopic), word(background + topic * perTopic + 1)];
    const tag = rng.next() < 1 / 3 ? ` #${tagWords.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}` : '';
    return { id: `p${i}`, author: `u${i % 10_000}`, text: words.join(' ') + tag, created_at: t0 + i * 1000, tags: [] };
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function run(args: string[]): Promise<void> {
  const n = arg(args, 'posts', 100_000), seconds = arg(args, 'seconds', 20), connections = arg(args, 'connections', 10);
  console.log(machineLine());
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} on ${cpus().length} cores; ${n} posts, ${connections} connections, ${seconds} s`);
  const posts = syntheticPosts(n, 7);
  const queries = hashtagTask(posts.slice(0, 20_000).map((p) => p.text!)).queries.map((q) => q.text);
  const store = await openStore('sqlite://:memory:');
  let t = performance.now();
  await store.write({ users: Array.from({ length: 10_000 }, (_, i) => ({ id: `u${i}` })) });
  for (let i = 0; i < n; i += 5000) await store.write({ posts: posts.slice(i, i + 5000) });
  console.log(`store written in ${((performance.now() - t) / 1000).toFixed(1)} s; ${queries.length} queries`);
  const search = new SearchService(store, { seed: 1 });
  t = performance.now();
  const cpu0 = process.cpuUsage();
  await search.ready();
  const build = process.cpuUsage(cpu0);
  console.log(`index built in ${((performance.now() - t) / 1000).toFixed(1)} s (CPU ${((build.user + build.system) / 1e6).toFixed(1)} s): ${JSON.stringify(search.stats())}`);

  // Load: `connections` loops, each waiting for its answer before asking again.
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const cpu1 = process.cpuUsage();
  let next = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < end) {
      const q = queries[next++ % queries.length]!;
      const s = performance.now();
      await search.search({ q, limit: 20 });
      latencies.push(performance.now() - s);
    }
  }));
  const used = process.cpuUsage(cpu1);
  latencies.sort((a, b) => a - b);
  console.log(`queries ${latencies.length}, ${(latencies.length / seconds).toFixed(0)}/s; latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms; CPU per query ${((used.user + used.system) / 1000 / latencies.length).toFixed(2)} ms`);
  await store.close();

  // Memory of a vector index alone: random unit vectors, RSS before and after.
  const dim = 100;
  const vectors = new Float32Array(n * dim);
  const rng = createRng(3);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (vectors[r * dim + c] = rng.next() - 0.5) ** 2;
    for (let c = 0; c < dim; c++) vectors[r * dim + c]! /= Math.sqrt(s);
  }
  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  const index = new VectorIndex(dim);
  index.addMany(Array.from({ length: n }, (_, i) => i), vectors);
  const rss1 = process.memoryUsage().rss;
  console.log(`vector index memory: ${((rss1 - rss0) / n).toFixed(0)} B per post (RSS growth over ${index.size} vectors of ${dim} floats; the vector copy is ${dim * 4} B of it)`);
}
