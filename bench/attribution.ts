/**
 * @module The cost of score attributions (`explain=full`) on the feed path, and their efficiency error. On the
 * demo network with the engagement ranker as second stage (`feed.rankerWeight` 0.5), pages are ranked per request
 * (no cache) for the same users with and without attributions, interleaved; the table gives CPU ms per page of
 * each, the difference, and the largest |baseline + Σ contributions − score| over every served item.
 *
 * Usage: `npm run bench -- attribution [users=2000] [requests=300]`
 */
import { loadavg } from 'node:os';
import { createEngine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/index.js';
import type { FeedItem } from '../src/feed/index.js';
import { machineLine, table } from './_machine.js';

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function run(args: string[]): Promise<void> {
  const users = Number(args[0] ?? 2000);
  const requests = Number(args[1] ?? 300);
  const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: true }, feed: { rankerWeight: 0.5, materializeUsers: 0, cacheTtlSeconds: 0 }, impressions: { enabled: false } } });
  await generateToStore(engine.store, { users, seed: 42 });
  await engine.train({ save: false });
  await engine.secondaryTraining();
  const d = engine.dataset!;
  const ids = Array.from({ length: requests }, (_, i) => d.users.id((i * 7919) % d.users.size));
  const spent = { plain: 0, full: 0 };
  let maxError = 0, items = 0, groups = 0;
  for (const id of ids) await engine.feed(id); // warm-up
  for (const id of ids) {
    for (const mode of ['plain', 'full'] as const) {
      const t0 = cpuMs();
      const page = await engine.feed(id, mode === 'full' ? { explain: 'full' } : {});
      spent[mode] += cpuMs() - t0;
      if (mode === 'full') for (const it of page.items as FeedItem[]) {
        const at = it.attribution!;
        maxError = Math.max(maxError, Math.abs(at.baseline + at.contributions.reduce((s, c) => s + c.value, 0) - it.score));
        items++;
        groups += at.contributions.length;
      }
    }
  }
  await engine.close();
  const per = (ms: number): number => ms / requests;
  console.log(`\n## Feed attributions (${machineLine()})\n`);
  console.log(`demo network: ${users} users; ${requests} users, one page of ${engine.config.feed.pageSize} each, ranked per request; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  console.log(table(['CPU ms/page plain', 'CPU ms/page explain=full', 'attribution ms/page', 'groups per item', 'max efficiency error'], [[per(spent.plain).toFixed(2), per(spent.full).toFixed(2), (per(spent.full) - per(spent.plain)).toFixed(2), (groups / Math.max(1, items)).toFixed(1), maxError.toExponential(1)]]));
}
