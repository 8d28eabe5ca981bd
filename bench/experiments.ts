/**
 * @module Experiments' costs: the arm assignment on each feed request (HMAC-SHA-256 of the user id), and the report
 * over an impression log of `users` users × `pages` pages of 20 items (half the users in each arm, 5 % of the
 * items liked through their request id) in a SQLite store.
 *
 * Usage: `npm run bench -- experiments [users=5000] [pages=4]`
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../src/core/config.js';
import { createRng } from '../src/core/rng.js';
import type { ServedPage } from '../src/data/impressions.js';
import type { Event } from '../src/data/schemas.js';
import { assignArm, exposureAt } from '../src/experiments/assignment.js';
import { experimentReport } from '../src/experiments/report/index.js';
import { openStore } from '../src/storage/open-store.js';
import { machineLine, table } from './_machine.js';

const ITEMS = 20;

export async function run(args: string[]): Promise<void> {
  const users = Math.max(200, Number(args[0] ?? 5000));
  const pages = Number(args[1] ?? 4);
  console.log(machineLine());
  const start = Date.now() - 7 * 86_400_000;
  const { experiments } = validateConfig({ experiments: [{ name: 'bench', start: new Date(start).toISOString(), arms: [{ name: 'control', share: 0.5 }, { name: 'treatment', share: 0.5 }] }] });

  const calls = 1_000_000;
  const t0 = performance.now();
  let sink = 0;
  for (let i = 0; i < calls; i++) sink += exposureAt(experiments, `user-${i}`, Date.now())?.arm.length ?? 0;
  const assignUs = ((performance.now() - t0) * 1000) / calls;

  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-experiments-'));
  const store = await openStore(`sqlite://${join(dir, 'bench.db')}`);
  try {
    const rng = createRng(42);
    const posts = Array.from({ length: 2000 }, (_, i) => ({ id: `p${i}`, author: `u${i % 200}`, text: 'x', created_at: start - 1, tags: [] }));
    await store.write({ users: Array.from({ length: users }, (_, i) => ({ id: `u${i}` })), posts });
    for (let u = 0; u < users; u++) {
      const arm = assignArm(experiments[0]!, `u${u}`);
      const served: ServedPage[] = [], events: Event[] = [];
      for (let p = 0; p < pages; p++) {
        const at = start + rng.int(6 * 86_400_000);
        const page: ServedPage = { requestId: randomUUID(), userId: `u${u}`, offset: 0, at, experiment: `bench:${arm}`, items: Array.from({ length: ITEMS }, (_, k) => ({ postId: posts[rng.int(posts.length)]!.id, source: 's', score: ITEMS - k })) };
        served.push(page);
        for (const it of page.items) if (it && rng.next() < 0.05) events.push({ id: `e${u}_${events.length}_${p}`, user: `u${u}`, type: 'like', post: it.postId, timestamp: at + 1000, request_id: page.requestId } as Event);
      }
      await store.writeImpressions(served);
      if (events.length > 0) await store.write({ events });
    }
    const heap0 = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    const report = await experimentReport(store, experiments, 'bench');
    const seconds = (performance.now() - t1) / 1000;
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    const rows = users * pages * ITEMS;
    console.log(table(['quantity', 'value'], [
      ['arm assignment per feed request (µs)', assignUs.toFixed(2)],
      [`report: ${users.toLocaleString('en-US')} users, ${rows.toLocaleString('en-US')} impression rows (s)`, seconds.toFixed(2)],
      ['report: impression rows per second', Math.round(rows / seconds).toLocaleString('en-US')],
      ['report: heap growth (MiB, after the report)', heapMb.toFixed(0)],
      ['report: CTR control / treatment', report.arms.map((a) => a.metrics.ctr.value.toFixed(4)).join(' / ')],
    ]));
    if (sink < 0) console.log(sink);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
