/**
 * @module Benchmark of the synthetic social network (`resonate generate`): time, CPU and peak RSS by size.
 *
 * Each size runs in its own Node process so peak RSS (`process.resourceUsage().maxRSS`) belongs to it alone.
 * CPU seconds are reported beside wall time because the machine is shared (see the load average line).
 * There is no Python peer: no comparable generator exists to run on the same data.
 *
 * Usage: `npm run bench -- generate [sizes…]` with sizes like `2000 100000 1000000x3` (`x3` = 3 simulated days
 * instead of 30, to bound the run time at a million users; memory does not depend on the number of days).
 * Add `sqlite` to also time `generateToStore` into a SQLite file for the first size.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine, table } from './_machine.js';
import { generateNetwork } from '../src/data/synthetic/generate-network.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import { openStore } from '../src/storage/open-store.js';

interface Measure {
  users: number;
  days: number;
  mode: 'stream' | 'sqlite';
  posts: number;
  follows: number;
  events: number;
  latentS: number;
  streamS: number;
  truthS: number;
  cpuS: number;
  /** maxRSS after building the latent arrays, after streaming every batch, and at the end (truth written). */
  rssLatentMb: number;
  rssStreamMb: number;
  peakRssMb: number;
  truthMb: number;
}

const SEED = 42;

async function child(users: number, days: number, mode: 'stream' | 'sqlite'): Promise<Measure> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-generate-'));
  try {
    const maxRssMb = (): number => process.resourceUsage().maxRSS / 1024;
    let posts = 0, follows = 0, events = 0, latentS = 0, streamS = 0, rssLatentMb = 0;
    let network;
    if (mode === 'sqlite') {
      const store = await openStore(`sqlite://${join(dir, 'demo.db')}`);
      const result = await generateToStore(store, { users, days, seed: SEED });
      await store.close();
      network = result.network;
      events = result.summary.events;
      streamS = (performance.now() - t0) / 1000;
    } else {
      network = generateNetwork({ users, days, seed: SEED });
      latentS = (performance.now() - t0) / 1000;
      rssLatentMb = maxRssMb();
      const t1 = performance.now();
      for (const b of network.batches()) events += b.events?.length ?? 0;
      streamS = (performance.now() - t1) / 1000;
    }
    const rssStreamMb = maxRssMb();
    posts = network.counts.posts;
    follows = network.counts.follows;
    const t2 = performance.now();
    network.writeTruth(join(dir, 'truth.json'));
    const truthS = (performance.now() - t2) / 1000;
    const truthMb = (statSync(join(dir, 'truth.json')).size + statSync(join(dir, 'truth.theta.safetensors')).size) / 2 ** 20;
    const cpu = process.cpuUsage(cpu0);
    return {
      users, days, mode, posts, follows, events, latentS, streamS, truthS,
      cpuS: (cpu.user + cpu.system) / 1e6,
      rssLatentMb,
      rssStreamMb,
      peakRssMb: maxRssMb(),
      truthMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseSize(arg: string): { users: number; days: number } {
  const [u, d] = arg.split('x');
  return { users: Number(u), days: d === undefined ? 30 : Number(d) };
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') {
    const m = await child(Number(args[1]), Number(args[2]), args[3] === 'sqlite' ? 'sqlite' : 'stream');
    process.stdout.write(`${JSON.stringify(m)}\n`);
    return;
  }
  const withSqlite = args.includes('sqlite');
  const sizes = args.filter((a) => a !== 'sqlite').map(parseSize);
  if (sizes.length === 0) sizes.push({ users: 2000, days: 30 }, { users: 100_000, days: 30 });
  const self = fileURLToPath(import.meta.url);
  const runs: { users: number; days: number; mode: 'stream' | 'sqlite' }[] = sizes.map((s) => ({ ...s, mode: 'stream' }));
  if (withSqlite) runs.splice(1, 0, { ...sizes[0]!, mode: 'sqlite' });
  const results: Measure[] = [];
  for (const r of runs) {
    const script = `import(${JSON.stringify(self)}).then((m) => m.run(['--child', '${r.users}', '${r.days}', '${r.mode}']))`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
    results.push(JSON.parse(out.trim().split('\n').at(-1)!) as Measure);
    console.error(`done: ${r.users} users, ${r.days} days, ${r.mode}`);
  }
  console.log(`## Synthetic network generation\n\n${machineLine()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; seed ${SEED}\n`);
  console.log(
    table(
      ['users', 'days', 'mode', 'posts', 'follows', 'events', 'latent s', 'stream s', 'truth s', 'CPU s', 'rows/CPU s', 'max RSS MB: latent / +stream / +truth', 'truth MB'],
      results.map((m) => [
        m.users, m.days, m.mode === 'sqlite' ? 'into SQLite' : 'stream', m.posts, m.follows, m.events,
        m.mode === 'sqlite' ? '–' : m.latentS.toFixed(2), m.streamS.toFixed(2), m.truthS.toFixed(2), m.cpuS.toFixed(1),
        Math.round((m.users + m.posts + m.follows + m.events) / m.cpuS),
        `${m.mode === 'sqlite' ? '–' : Math.round(m.rssLatentMb)} / ${Math.round(m.rssStreamMb)} / ${Math.round(m.peakRssMb)}`,
        m.truthMb.toFixed(1),
      ]),
    ),
  );
}
