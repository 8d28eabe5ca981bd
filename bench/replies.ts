/**
 * @module Smart replies: 1-of-100 ranking accuracy (the true reply among 99 random other replies) of the dual
 * encoder against BM25 and TF-IDF cosine, on held-out pairs of the synthetic network's reply threads (planted
 * answer-word relation, `replyRate` 0.3) and of the Twitter customer-care conversations (client turn → next agent
 * turn; 5 folds, every pair tested once), with CPU time per model. With `--serve`: the route
 * `GET /v1/posts/{id}/reply-suggestions?user=…` under autocannon load (bench/_http-load.ts) on the synthetic network
 * with replies, after the suggester trained in the background.
 *
 * Usage: `npm run bench -- replies [--users 2000] [--serve [seconds]]`
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReplyPair } from '../src/compose/reply-encoder.js';
import { ReplySuggester } from '../src/compose/reply-suggester.js';
import { createRng } from '../src/core/rng.js';
import { customerCarePairs, evaluateReplyRanking, splitPairs, syntheticReplyPairs, type ReplyRankingResult } from '../src/eval/replies/reply-ranking.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';
import { createEngine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { load, serve } from './_http-load.js';

function rows(name: string, train: number, test: number, results: ReplyRankingResult[]): (string | number)[][] {
  return results.map((r) => [name, `${train} / ${test}`, r.model, (100 * r.accuracy).toFixed(1), r.fitCpuMs.toFixed(0), r.scoreCpuMs.toFixed(2)]);
}

/** k folds, each pair tested once; accuracies weighted by fold size. */
async function folds(pairs: readonly ReplyPair[], k: number): Promise<ReplyRankingResult[]> {
  const { train: shuffled } = splitPairs(pairs, 0, 7);
  const sums = new Map<string, ReplyRankingResult>();
  for (let f = 0; f < k; f++) {
    const test = shuffled.filter((_, i) => i % k === f), train = shuffled.filter((_, i) => i % k !== f);
    for (const r of await evaluateReplyRanking(train, test, { seed: 42 + f })) {
      const s = sums.get(r.model) ?? { ...r, accuracy: 0, n: 0, fitCpuMs: 0, scoreCpuMs: 0 };
      s.accuracy += r.accuracy * r.n; s.n += r.n; s.fitCpuMs += r.fitCpuMs; s.scoreCpuMs += r.scoreCpuMs * r.n;
      sums.set(r.model, s);
    }
  }
  return [...sums.values()].map((s) => ({ ...s, accuracy: s.accuracy / s.n, scoreCpuMs: s.scoreCpuMs / s.n }));
}

/** The served suggester fitted on `train`: share of held-out posts it answers with nothing, and of word salads of them. */
async function suppression(name: string, train: readonly ReplyPair[], test: readonly ReplyPair[]): Promise<(string | number)[]> {
  const s = await ReplySuggester.fit(train);
  const rng = createRng(9), words = test.flatMap((p) => p.post.split(/\s+/).filter(Boolean));
  const salads = test.map((p) => Array.from({ length: p.post.split(/\s+/).length }, () => words[rng.int(words.length)]!).join(' '));
  const share = (posts: readonly string[]): string => (100 * posts.filter((p) => s.suggest(p).suppressed !== undefined).length / posts.length).toFixed(1);
  return [name, s.responses.length, share(test.map((p) => p.post)), share(salads)];
}

/** The route under load: a synthetic network with replies, served after its background models trained. */
async function serveLoad(users: number, seconds: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-replies-'));
  const engine = await createEngine({ overrides: { store: { url: `sqlite://${join(dir, 'bench.db')}` }, models: { dir: join(dir, 'models') }, server: { rateLimit: { max: 10_000_000, timeWindowMs: 60_000 } } } });
  await generateToStore(engine.store, { users, seed: 42, replyRate: 0.3 });
  const t0 = process.cpuUsage();
  await engine.train({ save: false });
  await engine.secondaryTraining();
  const trainCpu = process.cpuUsage(t0);
  const stats = await engine.stats();
  const d = engine.dataset!;
  const ids = Array.from({ length: Math.min(1000, d.items.size) }, (_, i) => d.items.id((i * 7919) % d.items.size));
  const server = await serve(engine);
  const path = '/v1/posts/{id}/reply-suggestions?user=u1';
  await load(server.port, 2, ids, dir, 10, 0, path); // warm-up, not recorded
  const rows: (string | number)[][] = [];
  for (const connections of [1, 10]) {
    const r = await load(server.port, seconds, ids, dir, connections, 0, path);
    rows.push([connections, Math.round(r.requests.average), r.latency.p50, r.latency.p99, r.latency.max, r.non2xx, r.cpuMsPerRequest.toFixed(2), r.load]);
  }
  console.log(`\nroute load: ${users} users, suggester ${stats.replies}, train + background CPU ${((trainCpu.user + trainCpu.system) / 1e6).toFixed(0)} s\n`);
  console.log(table(['connections', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx', 'server CPU ms/req', 'load 1-min'], rows));
  await server.close();
  await engine.close();
}

export async function run(args: string[]): Promise<void> {
  const at = args.indexOf('--users');
  const users = at >= 0 ? Number(args[at + 1]) : 2000;
  const sv = args.indexOf('--serve');
  if (sv >= 0) {
    console.log(`\n## Smart replies route (${machineLine()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    return serveLoad(users, Number(args[sv + 1] ?? 10) || 10);
  }
  console.log(`\n## Smart replies (${machineLine()}, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')})\n`);
  const out: (string | number)[][] = [];
  const synthetic = syntheticReplyPairs({ users, seed: 42, replyRate: 0.3 });
  const { train, test } = splitPairs(synthetic, 0.2, 42);
  out.push(...rows(`synthetic ${users} users`, train.length, test.length, await evaluateReplyRanking(train, test)));
  if (hasData('twitter-customer-care')) {
    const care = customerCarePairs(join(resolve(dataDir(), 'twitter-customer-care'), 'dev.json'));
    out.push(...rows('customer care (5 folds)', Math.round(care.length * 0.8), care.length, await folds(care, 5)));
  } else console.log(`twitter-customer-care not found in ${dataDir()}; skipped`);
  console.log(table(['data', 'train / test pairs', 'model', '1-of-100 acc %', 'fit CPU ms', 'CPU ms per post'], out));
  const supp = [await suppression(`synthetic ${users} users`, train, test)];
  if (hasData('twitter-customer-care')) {
    const care = splitPairs(customerCarePairs(join(resolve(dataDir(), 'twitter-customer-care'), 'dev.json')), 0.2, 42);
    supp.push(await suppression('customer care (one 80/20 split)', care.train, care.test));
  }
  console.log(`\n${table(['data', 'responses', 'held-out posts suppressed %', 'word salads suppressed %'], supp)}`);
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
