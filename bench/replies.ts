/**
 * @module Smart replies: 1-of-100 ranking accuracy (the true reply among 99 random other replies) of the dual
 * encoder against BM25 and TF-IDF cosine, on held-out pairs of the synthetic network's reply threads (planted
 * answer-word relation, `replyRate` 0.3) and of the Twitter customer-care conversations (client turn → next agent
 * turn; 5 folds, every pair tested once), with CPU time per model.
 *
 * Usage: `npm run bench -- replies [--users 2000]`
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReplyPair } from '../src/compose/reply-encoder.js';
import { customerCarePairs, evaluateReplyRanking, splitPairs, syntheticReplyPairs, type ReplyRankingResult } from '../src/eval/replies/reply-ranking.js';
import { dataDir, hasData, machineLine, table } from './_machine.js';

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

export async function run(args: string[]): Promise<void> {
  const at = args.indexOf('--users');
  const users = at >= 0 ? Number(args[at + 1]) : 2000;
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
  console.log(`\nload average after: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}
