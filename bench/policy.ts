/**
 * @module Exploration policy throughput on one core: updates/s (one reward folded in) and decisions/s (one slot
 * chosen, propensity included) of every policy in src/policy. Multi-armed policies over 4 arms; contextual ones
 * over 4 arms with context dimension d (32 by default, as the target: LinUCB ≥ 50,000 updates/s at d = 32), a
 * decision offering 8 candidates per arm. Rates are per CPU second of this process (user + system), so a busy
 * shared machine slows them less than wall time; the load average is printed beside them.
 *
 * With `--feed N`, also the CPU time of one ranking (a user's whole ranked list, first page served) on the demo
 * network of N users with exploration off and with each policy at `every` 10 (d = 8: 4 fixed features + 4 sources).
 *
 *   npm run bench -- policy [--dim 32] [--seconds 1] [--feed 1000]
 */
import { loadavg } from 'node:os';
import type { PolicySpecInput } from '../src/core/config.js';
import { createRng } from '../src/core/rng.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { createEngine } from '../src/engine/index.js';
import { createFeed } from '../src/feed/create-feed.js';
import { createPolicy } from '../src/policy/create-policy.js';
import type { Policy } from '../src/policy/policy.js';
import { machineLine, table } from './_machine.js';

const ARMS = ['in-network', 'rp3beta', 'popular/trending', 'fresh'];
const OPTIONS_PER_ARM = 8;

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Runs `step` in batches until `seconds` of CPU time have passed; returns operations per CPU second and per wall second. */
function rate(seconds: number, batch: number, step: (i: number) => void): { cpu: number; wall: number } {
  for (let i = 0; i < batch; i++) step(i); // warm-up
  let n = 0;
  const c0 = cpuSeconds(), w0 = performance.now();
  while (cpuSeconds() - c0 < seconds) {
    for (let i = 0; i < batch; i++) step(n + i);
    n += batch;
  }
  return { cpu: n / (cpuSeconds() - c0), wall: (n * 1000) / (performance.now() - w0) };
}

function measure(spec: PolicySpecInput, dim: number, seconds: number): { policy: Policy; updates: { cpu: number; wall: number }; decisions: { cpu: number; wall: number }; options: number } {
  const policy = createPolicy(spec, { arms: ARMS, dim, seed: 1 });
  const rng = createRng(2);
  const contextual = policy.contextual;
  const n = contextual ? ARMS.length * OPTIONS_PER_ARM : ARMS.length;
  const d = Math.max(1, policy.dim);
  // A pool of contexts and rewards drawn up front: the loop measures the policy only.
  const POOL = 4096;
  const contexts = new Float64Array(POOL * d);
  for (let i = 0; i < contexts.length; i++) contexts[i] = rng.next();
  const rewards = Float64Array.from({ length: POOL }, () => (rng.next() < 0.2 ? 1 : 0));
  const arms = Int32Array.from({ length: n }, (_, i) => (contextual ? i % ARMS.length : i));
  const updates = rate(seconds, 1000, (i) => {
    const k = i % POOL;
    policy.update(k % ARMS.length, rewards[k]!, contextual ? contexts.subarray(k * d, (k + 1) * d) : undefined);
  });
  const offers = Array.from({ length: 64 }, (_, j) => ({ arms, contexts: contextual ? contexts.subarray(j * n * d, (j + 1) * n * d) : undefined }));
  // A decision follows each update for Thompson sampling (its propensity is remembered only until the next update).
  const decisions = rate(seconds, 10, (i) => {
    if (spec.id === 'thompson') policy.update(i % ARMS.length, rewards[i % POOL]!);
    policy.choose(offers[i % offers.length]!);
  });
  return { policy, updates, decisions, options: n };
}

/** CPU milliseconds per ranking of a first page, exploration off and with each policy, on the demo network. */
async function feedCost(users: number): Promise<void> {
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false, validate: false }, feed: { materializeUsers: 0 } } });
  await generateToStore(engine.store, { users, seed: 42 });
  await engine.train({ save: false });
  const dataset = engine.dataset!;
  const ids = Array.from({ length: Math.min(300, dataset.users.size) }, (_, i) => dataset.users.id((i * 7919) % dataset.users.size));
  const variants: [string, number, PolicySpecInput][] = [['off', 0, { id: 'thompson' }], ['thompson', 10, { id: 'thompson' }], ['epsilon-greedy', 10, { id: 'epsilon-greedy' }], ['linucb', 10, { id: 'linucb' }], ['lin-ts', 10, { id: 'lin-ts' }]];
  const rows: (string | number)[][] = [];
  for (const [name, every, policy] of variants) {
    const config = { feed: { ...engine.config.feed, cacheTtlSeconds: 0, exploration: { ...engine.config.feed.exploration, every, policy: policy as never } } };
    const feed = createFeed({ store: engine.store, dataset, models: Object.fromEntries(engine.models), config, sources: engine.plan.sources, similar: engine.plan.similar, weights: engine.config.weights });
    for (const id of ids.slice(0, 30)) await feed.page(id); // warm-up
    let marked = 0;
    const c0 = cpuSeconds();
    for (const id of ids) marked += (await feed.page(id)).items.filter((i) => i.exploration).length;
    rows.push([name, every, Math.round(((cpuSeconds() - c0) * 1e6) / ids.length) / 1000, marked / ids.length]);
  }
  await engine.close();
  console.log(`\ndemo network of ${users} users, ${ids.length} users' first pages, each ranked afresh`);
  console.log(table(['exploration', 'every', 'CPU ms / ranking', 'marked posts / first page'], rows));
}

export async function run(args: string[]): Promise<void> {
  const dim = arg(args, 'dim', 32);
  const seconds = arg(args, 'seconds', 1);
  console.log(machineLine());
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const specs: PolicySpecInput[] = [
    { id: 'epsilon-greedy' },
    { id: 'softmax' },
    { id: 'thompson' },
    { id: 'linucb' },
    { id: 'lin-ts' },
    { id: 'lin-ts', params: { propensityDraws: 20 } },
  ];
  const rows: (string | number)[][] = [];
  for (const spec of specs) {
    const r = measure(spec, dim, seconds);
    const name = spec.params ? `${spec.id} ${JSON.stringify(spec.params)}` : spec.id;
    rows.push([name, r.policy.dim || '—', ARMS.length, r.options, Math.round(r.updates.cpu), Math.round(r.updates.wall), Math.round(r.decisions.cpu), Math.round(r.decisions.wall)]);
  }
  console.log(table(['policy', 'd', 'arms', 'options / decision', 'updates / CPU s', 'updates / wall s', 'decisions / CPU s', 'decisions / wall s'], rows));
  const feedUsers = arg(args, 'feed', 0);
  if (feedUsers > 0) await feedCost(feedUsers);
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
