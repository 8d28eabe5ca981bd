/**
 * @module Ablation of the engagement ranker's text features (sentiment, offensive probability, topic match,
 * embedding similarity) on the demo synthetic network: the same ranker with and without them.
 *
 * Causal split: the ranker is trained on the events before the time cut (latest `--test` share of events after it;
 * every post and user is in the snapshot, so posts written after the cut exist without engagement) and its
 * features are read as of the cut. Held out: every (user, post) pair first met after the cut, labelled 1 when the
 * user liked, shared or commented on it. Reported: AUC of P(like) and of the blended score over those pairs, and
 * nDCG@10 per user of the blended score over that user's held-out pairs (what the second stage reorders), mean
 * over users with at least one positive and one negative. Text signals as the engine gives them: posts' sentiment
 * (VADER, what ingest stores), offensive probability (none on synthetic posts: 0), topics fitted on the snapshot's
 * posts, TF-IDF vectors of the interest profile.
 *
 * Usage: npm run bench -- ranker-text [--users N] [--epochs N] [--test 0.2]
 */
import { DatasetBuilder } from '../src/data/dataset-builder.js';
import type { Dataset } from '../src/data/dataset.js';
import type { Event } from '../src/data/schemas.js';
import { DEMO_NETWORK, generateNetwork } from '../src/data/synthetic/index.js';
import { rankerTextSignals } from '../src/engine/interest-profile.js';
import { fitPostTopics } from '../src/feed/trending-topics.js';
import { createEngagementRanker, rocAuc } from '../src/models/ranker/index.js';
import { machineLine, table } from './_machine.js';
import { arg, timed } from './ranker.js';

const POSITIVE = new Set(['like', 'share', 'comment']);

/** nDCG@k of one ranked list of binary labels. */
function ndcgAt(scores: readonly number[], labels: readonly number[], k: number): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
  let dcg = 0;
  order.slice(0, k).forEach((i, r) => { dcg += labels[i]! / Math.log2(r + 2); });
  const ideal = [...labels].sort((a, b) => b - a);
  let idcg = 0;
  ideal.slice(0, k).forEach((l, r) => { idcg += l / Math.log2(r + 2); });
  return idcg > 0 ? dcg / idcg : 0;
}

export async function run(args: string[]): Promise<void> {
  const users = Number(arg(args, '--users', String(DEMO_NETWORK.users)));
  const epochs = Number(arg(args, '--epochs', '8'));
  const testShare = Number(arg(args, '--test', '0.2'));
  console.log(`# Engagement ranker: text features ablation\n\n${machineLine()}\n`);
  const b = new DatasetBuilder();
  const events: Event[] = [];
  for (const batch of generateNetwork({ users, seed: DEMO_NETWORK.seed }).batches()) {
    for (const u of batch.users ?? []) b.addUser(u);
    for (const p of batch.posts ?? []) b.addPost(p);
    for (const f of batch.follows ?? []) b.addFollow(f);
    events.push(...(batch.events ?? []));
  }
  events.sort((x, y) => Number(x.timestamp) - Number(y.timestamp));
  const cut = Number(events[Math.floor(events.length * (1 - testShare))]!.timestamp);
  for (const e of events) if (Number(e.timestamp) < cut) b.addEvent(e);
  const data: Dataset = b.build();
  // Held-out pairs: first met after the cut; label 1 when engaged.
  const pairs = new Map<string, { user: number; item: number; time: number; label: number }>();
  for (const e of events) {
    if (Number(e.timestamp) < cut || e.post === undefined) continue;
    const u = data.users.index(e.user), i = data.items.index(e.post);
    if (u < 0 || i < 0) continue;
    const key = `${u}:${i}`;
    const p = pairs.get(key) ?? { user: u, item: i, time: Number(e.timestamp), label: 0 };
    if (POSITIVE.has(e.type)) p.label = 1;
    pairs.set(key, p);
  }
  const held = [...pairs.values()];
  console.log(`Synthetic network: ${users} users (seed ${DEMO_NETWORK.seed}), ${data.items.size} posts; ${data.log.user.length} events before the cut, ${held.length} held-out pairs after it (${held.filter((p) => p.label === 1).length} positive).\n`);
  const topicsRun = await timed(async () => fitPostTopics(data, { seed: 42 }));
  const text = rankerTextSignals(data, topicsRun.value);
  const rows: (string | number)[][] = [];
  for (const withText of [false, true]) {
    const ranker = createEngagementRanker({ epochs, batchSize: 512, learningRate: 5e-3, seed: 1, textFeatures: withText }, { text: () => text });
    const fit = await timed(() => ranker.fit(data, { holdoutFraction: 0 }));
    const examples = held.map((p) => ({ user: p.user, item: p.item, time: p.time }));
    const like = ranker.predict(examples).like;
    const score = ranker.score(examples);
    const labels = Float32Array.from(held, (p) => p.label);
    const byUser = new Map<number, number[]>();
    held.forEach((p, k) => { let l = byUser.get(p.user); if (!l) byUser.set(p.user, (l = [])); l.push(k); });
    let sum = 0, n = 0;
    for (const ks of byUser.values()) {
      const ls = ks.map((k) => labels[k]!);
      if (!ls.includes(1) || !ls.includes(0)) continue;
      sum += ndcgAt(ks.map((k) => score[k]!), ls, 10);
      n++;
    }
    rows.push([withText ? 'with text features' : 'without text features', fit.value.trainExamples, fit.wall.toFixed(1), fit.cpu.toFixed(1), rocAuc(like, labels), rocAuc(score, labels), sum / Math.max(1, n), n]);
  }
  console.log(`Topics: ${topicsRun.value.k} (NMF on all ${data.items.size} posts, ${topicsRun.wall.toFixed(1)} s wall, ${topicsRun.cpu.toFixed(1)} s CPU).\n`);
  console.log(`## Held-out engagement after the cut (${epochs} epochs, batch 512)\n`);
  console.log(table(['ranker', 'train ex.', 'fit wall s', 'fit CPU s', 'AUC P(like)', 'AUC blended score', 'nDCG@10 per user', 'users'], rows));
}
