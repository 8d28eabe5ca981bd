/**
 * @module Negative feedback at once, on the synthetic network with the default feed: for random users, mute (or
 * block, or mute a word of) an author on their first feed page, then read every list on the next request (feed first
 * page, a later page of the list ranked before the action, the Following feed, who-to-follow) and count the cases
 * where nothing the rules hide appears (target 100 %). Also the cost of the rules: feed and Following-feed latency and
 * CPU per request before and after each user holds 20 muted accounts, 20 muted words and 50 show-less signals.
 *
 * Usage: `npm run bench -- social-safety [users] [cases]` (default 2000 users, 200 cases).
 */
import { loadavg } from 'node:os';
import { machineLine, table } from './_machine.js';
import { createRng } from '../src/core/rng.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import { openStore } from '../src/storage/open-store.js';
import { createEngine, type Engine } from '../src/engine/index.js';
import { hidesPost } from '../src/feed/safety.js';

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

async function timed(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number }> {
  const t = performance.now(), c = process.cpuUsage();
  await fn();
  const d = process.cpuUsage(c);
  return { ms: performance.now() - t, cpuMs: (d.user + d.system) / 1000 };
}

async function latency(engine: Engine, users: string[]): Promise<string[][]> {
  const rows: string[][] = [];
  for (const [name, fn] of [['feed (first page, ranked)', (u: string) => engine.feed(u)], ['following feed', (u: string) => engine.followingFeed(u)]] as const) {
    const ms: number[] = [], cpu: number[] = [];
    for (const u of users) {
      const r = await timed(() => fn(u));
      ms.push(r.ms);
      cpu.push(r.cpuMs);
    }
    rows.push([name, quantile(ms, 0.5).toFixed(2), quantile(ms, 0.99).toFixed(2), quantile(cpu, 0.5).toFixed(2)]);
  }
  return rows;
}

export async function run(args: string[]): Promise<void> {
  const nUsers = Number(args[0] ?? 2000), nCases = Number(args[1] ?? 200);
  console.log(machineLine());
  console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const store = await openStore('sqlite://:memory:');
  await generateToStore(store, { users: nUsers, seed: 3 });
  let clock = Date.now();
  const engine = await createEngine({ store, clock: () => clock, overrides: { models: { ranker: false, behavior: false, validate: false }, feed: { materializeUsers: 0, cacheTtlSeconds: 0 } } });
  await engine.train({ save: false });
  const rng = createRng(5);
  const ids = (await engine.store.existingUsers(Array.from({ length: nUsers }, (_, k) => `u${k}`))).size > 0 ? Array.from({ length: nUsers }, (_, k) => `u${k}`) : engine.dataset!.users.ids();
  const sample = Array.from({ length: 100 }, () => ids[rng.int(ids.length)]!);

  const before = await latency(engine, sample);

  let cases = 0, honoured = 0, aimed = 0, seq = 0;
  const act = (e: Record<string, unknown>): Promise<unknown> => engine.ingest('events', [{ ...e, id: `bench-${seq++}`, timestamp: (clock += 1000) }]);
  for (let c = 0; c < nCases; c++) {
    const viewer = ids[rng.int(ids.length)]!;
    const page = await engine.feed(viewer, { pageSize: 10 });
    const shown = page.items.filter((i) => i.post.author !== viewer);
    if (shown.length === 0) continue;
    aimed++;
    const pick = shown[rng.int(shown.length)]!;
    const kind = rng.int(3);
    if (kind === 0) await act({ user: viewer, type: 'mute', target_user: pick.post.author });
    else if (kind === 1) await act({ user: viewer, type: 'block', target_user: pick.post.author });
    else await act({ user: viewer, type: 'mute', text: pick.post.tags[0] ? `#${pick.post.tags[0]}` : pick.post.text.split(/\s+/)[0]! });
    const rules = await engine.safety(viewer);
    const items = [...(await engine.feed(viewer, { pageSize: 10 })).items, ...(page.nextCursor ? (await engine.feed(viewer, { cursor: page.nextCursor })).items : []), ...(await engine.followingFeed(viewer)).items];
    const wtf = await engine.whoToFollow(viewer, { limit: 20 });
    const bad = items.some((i) => hidesPost(rules, i.post)) || wtf.some((s) => rules.hiddenAuthors.has(s.userId));
    cases++;
    if (!bad) honoured++;
  }

  // Every sampled user holds 20 muted accounts, 20 muted words and 50 show-less signals.
  const posts = engine.dataset!.items.ids();
  for (const u of new Set(sample)) {
    const events: Record<string, unknown>[] = [];
    for (let k = 0; k < 20; k++) events.push({ user: u, type: 'mute', target_user: ids[rng.int(ids.length)]! });
    for (let k = 0; k < 20; k++) events.push({ user: u, type: 'mute', text: `word${k}` });
    for (let k = 0; k < 50; k++) events.push({ user: u, type: 'show_less', post: posts[rng.int(posts.length)]!, text: 'popular/trending' });
    await engine.ingest('events', events.filter((e) => e.target_user !== u).map((e) => ({ ...e, id: `bench-${seq++}`, timestamp: (clock += 10) })));
  }
  const after = await latency(engine, sample);

  console.log(`\nnegative feedback honoured on the next request: ${honoured} / ${cases} cases (${((100 * honoured) / Math.max(1, cases)).toFixed(1)} %), ${aimed} aimed at an author just shown; ${nUsers} users`);
  console.log(`\n${table(['request (100 random users)', 'p50 ms', 'p99 ms', 'p50 CPU ms'], [...before.map((r) => [`${r[0]}, no rules`, ...r.slice(1)]), ...after.map((r) => [`${r[0]}, 20 mutes + 20 words + 50 show-less`, ...r.slice(1)])])}`);
  await engine.close();
}
