/**
 * @module The cold feed path in process (no HTTP): `engine.feed` for many users with materialization and the
 * first-page cache off, so every call ranks afresh; prints the CPU time per ranking. With `--digest <file>` it
 * writes each user's first two pages (ids, sources, explanations, scores) as JSON; with `--check <file>` it
 * compares them with such a file and fails on any difference (the equivalence check of an optimisation on the
 * demo network, run before and after with the same arguments). The engine's clock is fixed, so runs agree.
 *
 * Usage: `npm run bench -- feed-cold [users=2000] [rankings=1000] [--db <sqlite file>] [--digest <file>] [--check <file>]`.
 * `--db` keeps the generated network in that file and reuses it on the next run (generation takes a while).
 * For a CPU profile: `node --cpu-prof --import tsx bench/run.ts feed-cold …`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import { machineLine } from './_machine.js';

/** The fixed clock: half a day after the demo network's 30 simulated days (it starts 2024-01-01). */
const CLOCK = Date.UTC(2024, 0, 31, 12);

function option(args: string[], name: string): string | undefined {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const positional = args.filter((a, k) => !a.startsWith('--') && !(k > 0 && args[k - 1]!.startsWith('--')));
  const users = Number(positional[0] ?? 2000);
  const rankings = Number(positional[1] ?? 1000);
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-feed-cold-'));
  const dbFile = option(args, '--db') ?? join(dir, 'bench.db');
  const dbUrl = `sqlite://${dbFile}`;
  if (!existsSync(dbFile)) {
    const gen = await createEngine({ overrides: { store: { url: dbUrl } } });
    await generateToStore(gen.store, { users, seed: 42 });
    await gen.close();
  }
  const feed = { materializeUsers: 0, cacheTtlSeconds: 0 };
  const engine = await createEngine({ clock: () => CLOCK, overrides: { store: { url: dbUrl }, models: { dir: join(dir, 'models') }, feed, impressions: { enabled: false } } });
  await engine.train({ save: false });
  await engine.secondaryTraining();
  const d = engine.dataset!;
  const ids = Array.from({ length: Math.min(1000, d.users.size) }, (_, i) => d.users.id((i * 7919) % d.users.size));
  const digest: Record<string, unknown> = {};
  // Warm-up: JIT and the per-snapshot state (fresh pool, profiles), not measured.
  for (const id of ids.slice(0, 50)) await engine.feed(id);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < rankings; r++) {
    const id = ids[r % ids.length]!;
    const first = await engine.feed(id);
    if (r < ids.length && (args.includes('--digest') || args.includes('--check'))) {
      const second = first.nextCursor ? await engine.feed(id, { cursor: first.nextCursor }) : { items: [] };
      digest[id] = [first, second].map((p) => p.items.map((it) => [it.postId, it.sources.join(','), it.explanation, it.score]));
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  await engine.close();
  if (!option(args, '--db')) rmSync(dir, { recursive: true, force: true });
  const digestCalls = args.includes('--digest') || args.includes('--check') ? Math.min(rankings, ids.length) : 0;
  const calls = rankings + digestCalls;
  console.log(`\n## Cold feed path in process (${machineLine()})\n`);
  console.log(`${users} users, ${calls} rankings (${digestCalls} of them second pages): ${((cpu.user + cpu.system) / 1000 / calls).toFixed(2)} ms CPU per ranking, ${(wall / calls).toFixed(2)} ms wall per ranking`);
  const out = option(args, '--digest');
  if (out) writeFileSync(out, JSON.stringify(digest));
  const check = option(args, '--check');
  if (check) {
    const expected = JSON.parse(readFileSync(check, 'utf8')) as Record<string, unknown>;
    const differ = Object.keys(expected).filter((id) => JSON.stringify(expected[id]) !== JSON.stringify(digest[id]));
    console.log(differ.length === 0 ? `identical pages for ${Object.keys(expected).length} users` : `DIFFERENT pages for ${differ.length} users, e.g. ${differ.slice(0, 5).join(', ')}`);
    if (differ.length > 0) process.exitCode = 1;
  }
}
