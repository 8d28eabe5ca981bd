/**
 * @module Scaling: dataset build, item-kNN and iALS fit time and peak memory on the synthetic social network at
 * 10k, 100k and 1M users. Each (size, model) runs in its own child process so its peak RSS is its own.
 *
 * `npm run bench -- scaling [sizes…]` (default 10000 100000 1000000). The network at scale keeps the demo's
 * per-user rates except posts (1 per user) and the period (7 days), so the catalogue grows with the users and
 * the largest run fits in memory: about 23 positive events per user.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { DatasetBuilder } from '../src/data/dataset-builder.js';
import { generateNetwork } from '../src/data/synthetic/index.js';
import { createModel } from '../src/models/registry.js';
import { registerBuiltinModels } from '../src/models/builtin.js';
import { renderSvg } from '../src/eval/report/charts.js';
import { machineLine, table } from './_machine.js';

registerBuiltinModels();

interface Row {
  users: number;
  phase: string;
  seconds: number;
  cpuSeconds: number;
  peakMiB: number;
  items: number;
  interactions: number;
}

const MODELS: Record<string, { id: string; params: Record<string, unknown> }> = {
  'item-knn': { id: 'item-knn/cosine', params: {} },
  // Fewer iterations than the quality runs: the per-iteration cost is what scales; 3 keeps 1M users in minutes.
  ials: { id: 'mf/ials', params: { factors: 64, iterations: 3 } },
};

async function child(users: number, phase: string): Promise<Row> {
  const build0 = performance.now();
  const b = new DatasetBuilder();
  const net = generateNetwork({ users, seed: 42, postsPerUser: 1, days: 7 });
  for (const batch of net.batches()) {
    for (const u of batch.users ?? []) b.addUser(u);
    for (const p of batch.posts ?? []) b.addPost(p);
    for (const f of batch.follows ?? []) b.addFollow(f);
    for (const e of batch.events ?? []) b.addEvent(e);
  }
  const data = b.build();
  const buildSeconds = (performance.now() - build0) / 1000;
  const interactions = data.interactions.indptr[data.users.size]!;
  if (phase === 'build') {
    const cpu = process.cpuUsage();
    return { users, phase, seconds: buildSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMiB: process.resourceUsage().maxRSS / 1024, items: data.items.size, interactions };
  }
  const spec = MODELS[phase]!;
  const model = createModel(spec.id, spec.params);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await model.fit(data, { seed: 42 });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { users, phase: spec.id, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, peakMiB: process.resourceUsage().maxRSS / 1024, items: data.items.size, interactions };
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') {
    const row = await child(Number(args[1]), args[2]!);
    process.stdout.write(JSON.stringify(row) + '\n');
    return;
  }
  const sizes = args.length ? args.map(Number) : [10_000, 100_000, 1_000_000];
  const self = fileURLToPath(import.meta.url);
  const rows: Row[] = [];
  for (const users of sizes) {
    for (const phase of ['build', ...Object.keys(MODELS)]) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=20000', self, '--child', String(users), phase], { encoding: 'utf8', maxBuffer: 1 << 20 });
      const row = JSON.parse(out.trim().split('\n').at(-1)!) as Row;
      rows.push(row);
      console.error(`${users} users, ${row.phase}: ${row.seconds.toFixed(1)} s, peak ${row.peakMiB.toFixed(0)} MiB`);
    }
  }
  console.log(`\n## Scaling (${machineLine()})\n`);
  console.log(table(['users', 'items', 'interactions', 'phase', 'wall s', 'CPU s', 'peak RSS MiB'], rows.map((r) => [r.users, r.items, r.interactions, r.phase === 'build' ? 'generate + dataset build' : `fit ${r.phase}`, r.seconds, r.cpuSeconds, Math.round(r.peakMiB)])));
  const spec = (field: 'seconds' | 'peakMiB', title: string): TopLevelSpec => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 360,
    height: 220,
    data: { values: rows.map((r) => ({ users: r.users, phase: r.phase === 'build' ? 'generate + build' : r.phase, value: r[field] })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'users', type: 'quantitative', scale: { type: 'log' }, title: 'users' },
      y: { field: 'value', type: 'quantitative', scale: { type: 'log' }, title: field === 'seconds' ? 'seconds' : 'peak RSS (MiB)' },
      color: { field: 'phase', type: 'nominal' },
    },
  });
  mkdirSync('docs/img', { recursive: true });
  writeFileSync('docs/img/scaling-time.svg', await renderSvg(spec('seconds', 'Fit time vs users')));
  writeFileSync('docs/img/scaling-memory.svg', await renderSvg(spec('peakMiB', 'Peak memory vs users')));
  console.log('\ncharts: docs/img/scaling-time.svg, docs/img/scaling-memory.svg');
}

if (process.argv[2] === '--child') await run(process.argv.slice(2));
