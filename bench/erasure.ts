/**
 * @module Erasure latency with the default feed (in-network, rp3beta, popular/trending, fresh; rp3beta for similar
 * posts) on the synthetic network: `engine.eraseUser` from the call to its answer (the store erasure, then every
 * serving model unlearning the user and the set published again), the unlearning alone, and the time until the
 * unlearned set is saved as a new version (older ones deleted). Target: ≤ 5 s for count-based models at 100,000
 * users.
 *
 * Usage: `npm run bench -- erasure [sizes…] [check] [snapshot]`, sizes like `10000` or `100000x3` (users, then
 * simulated days; the generator's default 30 days give ~100 events a user). Three users are erased per size: the
 * most active, a median one, and the author with the most posts. `check` also fits rp3beta and trending again on
 * the unlearned snapshot and reports the largest difference from the unlearned models (0 = exact). Training runs
 * without the validation carve and without background models (they are trained again after an erasure, in the
 * background, and do not hold up the answer).
 *
 * `snapshot` measures the unlearning alone, without a store: the network is generated straight into a Dataset, the
 * default feed's models (in-network, rp3beta, popular/trending) are fitted on it, and each erasure is
 * `datasetWithout` plus every model's `forget`. Writing 100,000 users into SQLite (one transaction through the
 * Store's validated writes) takes longer than a run has; the store's own share of an erasure is the one transaction
 * of deletes measured by the full mode at 10,000 users.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { machineLine, table } from './_machine.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import { openStore } from '../src/storage/open-store.js';
import { createEngine } from '../src/engine/index.js';
import type { Dataset } from '../src/data/dataset.js';
import type { Recommender } from '../src/models/recommender.js';
import { Rp3betaRecommender } from '../src/models/rp3beta/rp3beta.js';
import { PopularRecommender } from '../src/models/popular/popular.js';
import { generateNetwork } from '../src/data/synthetic/generate-network.js';
import { DatasetBuilder } from '../src/data/dataset-builder.js';
import { datasetWithout } from '../src/data/dataset-without.js';
import type { Event } from '../src/data/schemas.js';
import { removalOf } from '../src/engine/unlearn.js';
import { createModel } from '../src/models/registry.js';
import { registerBuiltinModels } from '../src/models/builtin.js';

interface Size {
  users: number;
  days: number;
}

function parseSize(s: string): Size {
  const [u, d] = s.split('x');
  return { users: Number(u), days: d ? Number(d) : 30 };
}

/** The most active user, a median one, and the author with the most posts (distinct). */
function pickUsers(data: Dataset): { id: string; why: string }[] {
  const m = data.interactions;
  const degree = (u: number): number => m.indptr[u + 1]! - m.indptr[u]!;
  const order = Array.from({ length: m.rows }, (_, u) => u).filter((u) => degree(u) > 0).sort((a, b) => degree(b) - degree(a) || a - b);
  const posts = new Int32Array(data.users.size);
  for (const a of data.itemAuthors) if (a >= 0) posts[a]!++;
  const picked: { id: string; why: string }[] = [];
  const add = (u: number, why: string): void => {
    if (!picked.some((p) => p.id === data.users.id(u))) picked.push({ id: data.users.id(u), why: `${why} (${degree(u)} interactions, ${posts[u]} posts)` });
  };
  add(order[0]!, 'most active');
  add(order[Math.floor(order.length / 2)]!, 'median');
  let author = 0;
  for (let u = 1; u < posts.length; u++) if (posts[u]! > posts[author]!) author = u;
  add(author, 'top author');
  return picked;
}

/** Largest |a − b| over the scores two models give a sample of users (k = every item). */
function maxScoreDiff(a: Recommender, b: Recommender, data: Dataset, users: number): number {
  let worst = 0;
  const step = Math.max(1, Math.floor(data.users.size / users));
  for (let u = 0; u < data.users.size; u += step) {
    const x = new Map(a.recommend(u, { k: 500, excludeSeen: false }).map((r) => [r.item, r.score]));
    for (const r of b.recommend(u, { k: 500, excludeSeen: false })) worst = Math.max(worst, Math.abs((x.get(r.item) ?? Infinity) - r.score));
  }
  return worst;
}

async function runSize(size: Size, check: boolean): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-erasure-'));
  const unlearnSeconds: number[] = [];
  const logger = pino({ level: 'info' }, {
    write(line: string) {
      const o = JSON.parse(line) as { msg?: string; seconds?: number };
      if (o.msg === 'erased users unlearned' && o.seconds !== undefined) unlearnSeconds.push(o.seconds);
    },
  });
  try {
    const store = await openStore(`sqlite://${join(dir, 'resonate.db')}`);
    let t0 = performance.now();
    const generated = await generateToStore(store, { users: size.users, days: size.days, seed: 42 });
    const generateS = (performance.now() - t0) / 1000;
    const engine = await createEngine({ store, logger, overrides: { models: { dir: join(dir, 'models'), validate: false } } });
    t0 = performance.now();
    const report = await engine.train({ secondary: false });
    const trainS = (performance.now() - t0) / 1000;
    console.log(`${size.users} users × ${size.days} days: ${generated.summary.posts} posts, ${generated.summary.follows} follows, ${generated.summary.events} events (${report.interactions} interactions) generated in ${generateS.toFixed(1)} s; trained in ${trainS.toFixed(1)} s (load ${loadavg()[0]!.toFixed(2)})`);
    const rows: string[][] = [];
    for (const { id, why } of pickUsers(engine.dataset!)) {
      const load = loadavg()[0]!.toFixed(2);
      t0 = performance.now();
      const summary = await engine.eraseUser(id, { actor: 'bench' });
      const answerS = (performance.now() - t0) / 1000;
      await engine.secondaryTraining();
      const savedS = (performance.now() - t0) / 1000;
      const stats = await engine.stats();
      rows.push([
        `${size.users.toLocaleString('en')} × ${size.days} d`, `${id}: ${why}`,
        String(summary.events), String(summary.posts), String(summary.follows),
        (unlearnSeconds.at(-1) ?? NaN).toFixed(2), answerS.toFixed(2), savedS.toFixed(2), stats.retraining, load,
      ]);
      console.log(rows.at(-1)!.join(' | '));
    }
    if (check) {
      const data = engine.dataset!;
      for (const [Model, key] of [[Rp3betaRecommender, 'rp3beta'], [PopularRecommender, 'popular/trending']] as const) {
        const served = engine.models.get(key)!;
        const fresh = key === 'rp3beta' ? new Rp3betaRecommender(served.params as Record<string, unknown>) : new PopularRecommender('popular/trending', served.params as Record<string, unknown>);
        await fresh.fit(data);
        console.log(`check ${Model.name}: largest score difference unlearned vs fitted on the unlearned snapshot, 200 users: ${maxScoreDiff(served, fresh, data, 200)}`);
      }
    }
    await engine.close();
    await store.close();
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU seconds (user + system, every thread of the process) since `from`. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1e6;
}

/** The unlearning alone on a generated snapshot (no store): see the module comment. */
async function runSnapshot(size: Size, check: boolean): Promise<string[][]> {
  let t0 = performance.now();
  const network = generateNetwork({ users: size.users, days: size.days, seed: 42 });
  const b = new DatasetBuilder();
  const events: Event[] = [];
  for (const batch of network.batches()) {
    for (const u of batch.users ?? []) b.addUser(u);
    for (const p of batch.posts ?? []) b.addPost(p);
    for (const f of batch.follows ?? []) b.addFollow(f);
    for (const f of batch.unfollows ?? []) b.removeFollow(f);
    for (const e of batch.events ?? []) events.push(e);
  }
  events.sort((x, y) => x.timestamp - y.timestamp);
  for (const e of events) b.addEvent(e);
  let data = b.build();
  const buildS = (performance.now() - t0) / 1000;
  const models = new Map<string, Recommender>();
  t0 = performance.now();
  for (const id of ['in-network', 'rp3beta', 'popular/trending']) {
    const m = createModel(id);
    await m.fit(data, { seed: 42 });
    models.set(id, m);
  }
  const fitS = (performance.now() - t0) / 1000;
  console.log(`${size.users} users × ${size.days} days (snapshot): ${data.items.size} posts, ${data.follows.indices.length} follows, ${events.length} events (${data.interactions.indices.length} interactions), built in ${buildS.toFixed(1)} s; in-network, rp3beta, trending fitted in ${fitS.toFixed(1)} s (load ${loadavg()[0]!.toFixed(2)})`);
  const rows: string[][] = [];
  for (const { id, why } of pickUsers(data)) {
    const load = loadavg()[0]!.toFixed(2);
    t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const removal = removalOf(data, [id]);
    const next = datasetWithout(data, removal);
    const withoutS = (performance.now() - t0) / 1000;
    const withoutCpu = cpuSeconds(cpu0);
    const perModel: string[] = [];
    for (const [key, m] of models) {
      const t1 = performance.now();
      const c1 = process.cpuUsage();
      m.forget!(next, removal);
      perModel.push(`${key} ${((performance.now() - t1) / 1000).toFixed(2)} (CPU ${cpuSeconds(c1).toFixed(2)})`);
    }
    const totalS = (performance.now() - t0) / 1000;
    const totalCpu = cpuSeconds(cpu0);
    rows.push([`${size.users.toLocaleString('en')} × ${size.days} d (snapshot)`, `${id}: ${why}`, `${removal.items.length} posts`, `${withoutS.toFixed(2)} (CPU ${withoutCpu.toFixed(2)})`, perModel.join(', '), totalS.toFixed(2), totalCpu.toFixed(2), load]);
    console.log(rows.at(-1)!.join(' | '));
    data = next;
  }
  if (check) {
    const fresh = new Rp3betaRecommender({});
    await fresh.fit(data);
    console.log(`check rp3beta: largest score difference unlearned vs fitted on the unlearned snapshot, 200 users: ${maxScoreDiff(models.get('rp3beta')!, fresh, data, 200)}`);
  }
  return rows;
}

export async function run(args: string[]): Promise<void> {
  const check = args.includes('check');
  if (args.includes('snapshot')) {
    registerBuiltinModels();
    const rows: string[][] = [];
    for (const s of args.filter((a) => /^\d+(x\d+)?$/.test(a)).map(parseSize)) rows.push(...(await runSnapshot(s, check)));
    console.log(`\n## Unlearning on the snapshot, default feed models (${machineLine()})\n`);
    console.log(table(['network', 'erased user', 'their posts', 'datasetWithout s', 'forget s per model', 'total s', 'total CPU s', 'load'], rows));
    return;
  }
  const sizes = args.filter((a) => /^\d+(x\d+)?$/.test(a)).map(parseSize);
  const rows: string[][] = [];
  for (const s of sizes.length ? sizes : [parseSize('10000'), parseSize('100000x3')]) rows.push(...(await runSize(s, check)));
  console.log(`\n## Erasure latency, default feed (${machineLine()})\n`);
  console.log(table(['network', 'erased user', 'events', 'posts', 'follows', 'unlearn s', 'eraseUser answered s', 'new version saved s', 'retraining', 'load'], rows));
}
