/**
 * @module Sponsored slots over one simulated day on the synthetic network.
 *
 * The network is generated into an in-memory store; some posts are marked unsafe (the planted negative posts get
 * sentiment_score −0.8, 2 % of posts offensive 0.9); 10 % of users block the author of one creative. Eight
 * campaigns target the planted topics' words and hashtags with varied bids, budgets (some binding) and frequency
 * caps. Feed requests arrive uniformly over the UTC day (engine clock simulated); each sponsored item is clicked
 * with the planted probability (0.08 when the creative's topic is one of the viewer's main topics, else 0.01),
 * sent back as a `like` with the page's request id. One creative is taken down at noon.
 *
 * Measured: organic nDCG@10 of the blended page (sponsored items removed) against the ad-free page of the same
 * ranked list (relevance: the post's planted topic is one of the viewer's main topics), and violations of every
 * rule: spacing and first position, adjacency to unsafe posts, blocked authors, frequency caps, the daily budget
 * and its even pacing, labels, takedowns, and clicks leaking into the training dataset.
 *
 *   npm run bench -- sponsored [users=400] [requests=3000] [ranker|noranker]
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../src/core/config.js';
import { createRng } from '../src/core/rng.js';
import { datasetFromStore } from '../src/data/dataset-from-store.js';
import type { Event, Post } from '../src/data/schemas.js';
import { generateNetwork } from '../src/data/synthetic/index.js';
import { createEngine } from '../src/engine/index.js';
import { isUnsafe, pacedSpend } from '../src/feed/sponsored.js';
import type { HydratedItem } from '../src/feed/types.js';
import { machineLine, table } from './_machine.js';

const DAY = 86_400_000;
const PAGE = 20;
const SPONSORED = { firstPosition: 3, spacing: 6, reservePrice: 0.05, pacingSlack: 0.05, unsafeOffensiveAbove: 0.5, unsafeSentimentBelow: -0.5 };

function dcg(rels: readonly number[]): number {
  return rels.slice(0, 10).reduce((s, r, k) => s + r / Math.log2(k + 2), 0);
}

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 400), requests = Number(args[1] ?? 3000), useRanker = args[2] !== 'noranker';
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  console.log(machineLine());
  const network = generateNetwork({ users, seed: 3 });
  const truth = network.truth();
  let now = 0;
  const engine = await createEngine({
    config: configSchema.parse({
      store: { url: 'sqlite://:memory:' }, seed: 3,
      models: { dir: join(tmpdir(), `resonate-bench-sponsored-${process.pid}`), validate: false, ranker: useRanker, behavior: false, retrainEvery: 0, tuneSeconds: 0 },
      feed: { pageSize: PAGE, materializeUsers: 0, rankerWeight: useRanker ? 0.3 : 0 },
      impressions: { enabled: true }, sponsored: SPONSORED, log: { level: 'silent' },
    }),
    clock: () => now,
  });
  const rng = createRng(11);
  let last = 0;
  const allPosts: Post[] = [];
  await engine.store.transaction(async (tx) => {
    for (const batch of network.batches()) {
      for (const p of batch.posts ?? []) {
        const k = Number(p.id.slice(1));
        if (truth.postSentiment[k] === -1) p.features = { ...p.features, sentiment: 'negative', sentiment_score: -0.8 };
        else if (rng.next() < 0.02) p.features = { ...p.features, offensive: 0.9 };
        allPosts.push(p);
        last = Math.max(last, p.created_at);
      }
      for (const e of batch.events ?? []) last = Math.max(last, e.timestamp);
      await tx.write(batch);
    }
  });
  const dayStart = Math.ceil((last + 1) / DAY) * DAY;
  now = dayStart;
  await engine.train({ save: false });
  await engine.secondaryTraining();
  const setupSeconds = (performance.now() - t0) / 1000;

  // Campaigns: creatives are safe posts of eight topics, targeting that topic's words and hashtags.
  const safe = allPosts.filter((p) => !isUnsafe(p, SPONSORED));
  const campaigns: { id: string; creative: Post; topic: number; budget: number; cap: number }[] = [];
  for (let c = 0; c < 8; c++) {
    const topic = c % truth.topicCount;
    const creative = safe.filter((p) => truth.postTopic[Number(p.id.slice(1))] === topic)[rng.int(50)]!;
    const voc = truth.topics[topic]!;
    const budget = [0.5, 2, 5, 50][c % 4]!, cap = 2 + (c % 3);
    campaigns.push({ id: `camp${c}`, creative, topic, budget, cap });
    await engine.campaigns.create({ id: `camp${c}`, postId: creative.id, bid: 0.2 + 0.25 * c, dailyBudget: budget, frequencyCap: cap, startAt: dayStart, targeting: { topics: voc.words.slice(0, 5), hashtags: [...voc.hashtags] } });
  }
  // 10 % of users block the author of one creative.
  const blocked = new Map<string, string>();
  const blocks: Event[] = [];
  for (let u = 0; u < users; u++) {
    if (rng.next() >= 0.1) continue;
    const author = campaigns[rng.int(campaigns.length)]!.creative.author;
    if (author === `u${u}`) continue;
    blocked.set(`u${u}`, author);
    blocks.push({ id: `blk${u}`, user: `u${u}`, type: 'block', target_user: author, timestamp: dayStart });
  }
  await engine.ingest('events', blocks);

  const violations = { spacing: 0, adjacency: 0, blocked: 0, frequencyCap: 0, budget: 0, pacing: 0, label: 0, takedown: 0, trainingLeak: 0 };
  const seen = new Map<string, number>();
  const clicked: { user: string; post: string }[] = [];
  let ndcgBlended = 0, ndcgFree = 0, pages = 0, adsServed = 0, clicks = 0;
  const takenDown = campaigns[0]!.creative.id;
  let tookDown = false;
  const rel = (user: string, post: string): number => (truth.userTopics[Number(user.slice(1))]!.includes(truth.postTopic[Number(post.slice(1))]!) ? 1 : 0);
  for (let r = 0; r < requests; r++) {
    now = dayStart + Math.floor(((r + 0.5) / requests) * DAY);
    if (!tookDown && now >= dayStart + DAY / 2) {
      await engine.takeDown(takenDown, { reason: 'bench' });
      tookDown = true;
    }
    const user = `u${rng.int(users)}`;
    const page = await engine.feed(user, { pageSize: PAGE });
    const free = (await engine.recommend(user, { k: PAGE })).map((x) => x.postId);
    const organic = page.items.filter((i) => !i.sponsored).map((i) => i.postId);
    const ideal = dcg(free.map((p) => rel(user, p)).sort((a, b) => b - a));
    if (ideal > 0) {
      ndcgBlended += dcg(organic.map((p) => rel(user, p))) / ideal;
      ndcgFree += dcg(free.map((p) => rel(user, p))) / ideal;
      pages++;
    }
    checkPage(page.items, user, { blocked, seen, campaigns, violations, takenDown: tookDown ? takenDown : undefined });
    for (const it of page.items.filter((i) => i.sponsored)) {
      adsServed++;
      const c = campaigns.find((x) => x.id === it.sponsored!.campaign)!;
      const p = truth.userTopics[Number(user.slice(1))]!.includes(c.topic) ? 0.08 : 0.01;
      if (rng.next() < p) {
        clicks++;
        clicked.push({ user, post: it.postId });
        await engine.ingest('events', [{ id: `clk${r}-${it.postId}`, user, type: 'like', post: it.postId, request_id: page.requestId, timestamp: now }]);
      }
    }
  }
  await budgetChecks(engine, campaigns, dayStart, violations);
  // Clicks on sponsored impressions never reach the training dataset.
  const data = await datasetFromStore(engine.store);
  for (const { user, post } of clicked) {
    const u = data.users.index(user), i = data.items.index(post);
    if (u >= 0 && i >= 0 && leaked(data, u, i, dayStart)) violations.trainingLeak++;
  }
  const delivery = await engine.campaigns.delivery();
  await engine.close();
  const cpu = process.cpuUsage(cpu0);
  console.log(`\n${users} users, ${network.counts.posts} posts, ${requests} feed requests over one simulated day, page ${PAGE}; setup ${setupSeconds.toFixed(1)} s`);
  console.log(`click probability: ${JSON.stringify(engine.campaigns.predictions)} (ranker ${useRanker ? 'on' : 'off'})`);
  console.log(table(['campaign', 'budget', 'cap', 'impressions', 'clicks', 'spend', 'spend / budget'], delivery.map((d) => [d.campaign.id, d.campaign.dailyBudget, d.campaign.frequencyCap, d.totals.impressions, d.totals.clicks, d.totals.spend.toFixed(3), (d.totals.spend / d.campaign.dailyBudget).toFixed(3)])));
  console.log(`\nsponsored items served ${adsServed}, clicks ${clicks}; pages with a relevant post ${pages}`);
  console.log(`organic nDCG@10: blended ${(ndcgBlended / pages).toFixed(4)}, ad-free ${(ndcgFree / pages).toFixed(4)}, ratio ${(ndcgBlended / ndcgFree).toFixed(4)}`);
  console.log(`violations: ${JSON.stringify(violations)}`);
  console.log(`wall ${((performance.now() - t0) / 1000).toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
}

/** Whether the dataset's log holds a positive event of user u on item i during the simulated day (only sponsored clicks happened then). */
function leaked(data: Awaited<ReturnType<typeof datasetFromStore>>, u: number, i: number, dayStart: number): boolean {
  const { indptr, indices } = data.interactions;
  for (let k = indptr[u]!; k < indptr[u + 1]!; k++) if (indices[k] === i && data.interactionTimes[k]! >= dayStart) return true;
  return false;
}

interface PageChecks {
  blocked: Map<string, string>;
  seen: Map<string, number>;
  campaigns: { id: string; cap: number }[];
  violations: Record<string, number>;
  takenDown: string | undefined;
}

function checkPage(items: readonly HydratedItem[], user: string, c: PageChecks): void {
  let organicBefore = 0, lastAdAt = -1;
  items.forEach((it, k) => {
    if (!it.sponsored) {
      organicBefore++;
      return;
    }
    // First position, then at least `spacing` organic posts since the previous sponsored one.
    if (organicBefore < SPONSORED.firstPosition || (lastAdAt >= 0 && organicBefore - lastAdAt < SPONSORED.spacing)) c.violations.spacing!++;
    lastAdAt = organicBefore;
    for (const n of [items[k - 1], items[k + 1]]) if (n && (n.sponsored || isUnsafe(n.post, SPONSORED))) c.violations.adjacency!++;
    if (c.blocked.get(user) === it.post.author) c.violations.blocked!++;
    if (!it.explanation.startsWith('Sponsored') || !it.sponsored.reason) c.violations.label!++;
    if (it.postId === c.takenDown) c.violations.takedown!++;
    const key = `${user}\n${it.sponsored.campaign}`;
    const n = (c.seen.get(key) ?? 0) + 1;
    c.seen.set(key, n);
    if (n > c.campaigns.find((x) => x.id === it.sponsored!.campaign)!.cap) c.violations.frequencyCap!++;
  });
}

/** Spend never above the budget, and at every impression at most budget × (elapsed fraction + slack). */
async function budgetChecks(engine: Awaited<ReturnType<typeof createEngine>>, campaigns: readonly { id: string; budget: number }[], dayStart: number, v: Record<string, number>): Promise<void> {
  const rows = await engine.store.sponsoredImpressions({ since: dayStart });
  const spent = new Map<string, number>();
  for (const r of rows) {
    const s = (spent.get(r.campaignId) ?? 0) + r.cost;
    spent.set(r.campaignId, s);
    const budget = campaigns.find((c) => c.id === r.campaignId)!.budget;
    if (s > pacedSpend(budget, r.at, SPONSORED.pacingSlack) + 1e-9) v.pacing!++;
    if (s > budget + 1e-9) v.budget!++;
  }
}
