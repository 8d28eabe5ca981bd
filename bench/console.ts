/**
 * @module Time to first render of each console page in headless Chromium: the demo network (2,000 users) and a
 * 100,000-user synthetic network, each generated into a SQLite file store, trained and saved, a few hundred feed
 * pages served (so the impression chart has data), then every page opened in a fresh browser context (nothing
 * cached) three times. "First render" is the page's own mark (`markRendered` in web/console/common.js: its data is
 * on screen), in ms since navigation start; the server's CPU time (this process) during the load is reported
 * beside it. Usage: `npm run bench -- console [users…] [--no-background]` (default 2000 100000).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { hashSecret } from '../src/api/api-keys.js';
import { createServer } from '../src/api/server.js';
import { createEngine } from '../src/engine/index.js';
import { generateToStore } from '../src/data/synthetic/generate-to-store.js';
import { machineLine, table } from './_machine.js';

const CHROMIUM = process.env.RESONATE_CHROMIUM ?? '/usr/bin/chromium';
const KEY = 'bench-console-admin-key';
const RUNS = 3;

interface Row { users: number; page: string; medianMs: number; minMs: number; maxMs: number; serverCpuMs: number; load: number }

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(browser: Browser, base: string, hash: string, page: string): Promise<{ ms: number; cpuMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const tab = await context.newPage();
    await tab.addInitScript(`sessionStorage.setItem('resonate.apiKey', ${JSON.stringify(KEY)})`);
    const cpu = process.cpuUsage();
    await tab.goto(`${base}/${hash}`);
    await tab.waitForSelector(`body[data-rendered="${page}"]`, { timeout: 600_000 });
    const used = process.cpuUsage(cpu);
    const ms = Number(await tab.evaluate(`window.__consoleRender[${JSON.stringify(page)}]`));
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    await context.close();
  }
}

async function one(users: number, background: boolean, browser: Browser): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'resonate-bench-console-'));
  const engine = await createEngine({
    overrides: {
      store: { url: `sqlite://${join(dir, 'resonate.db')}` },
      models: { dir: join(dir, 'models') },
      impressions: { flushMs: 50 },
      server: { apiKeys: [{ hash: hashSecret(KEY), scopes: ['admin', 'read', 'write'] }] },
    },
  });
  try {
    let t = performance.now();
    // The 100,000-user network as the scaling bench makes it (a post a user a day for a week); the demo as `start`.
    const config = users > 10_000 ? { users, seed: 42, postsPerUser: 1, days: 7 } : { users, seed: 42 };
    const { summary } = await generateToStore(engine.store, config);
    console.error(`${users} users: generated ${summary.posts} posts, ${summary.follows} follows, ${summary.events} events in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    t = performance.now();
    await engine.train({ secondary: false });
    if (background) await engine.secondaryTraining();
    console.error(`${users} users: trained in ${((performance.now() - t) / 1000).toFixed(1)} s${background ? ' (with the background models)' : ''}`);
    const sample = (await engine.store.counts()).users;
    for (let i = 0; i < 300; i++) await engine.feed(`u${Math.floor((i * 7919) % sample)}`, { pageSize: 20 });
    const app = await createServer(engine);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const auth = { headers: { 'x-api-key': KEY } };
    const top = ((await (await fetch(`${base}/v1/users?limit=1`, auth)).json()) as { items: { id: string }[] }).items[0]!.id;
    const post = ((await (await fetch(`${base}/v1/trending?kind=posts&k=1`, auth)).json()) as { items: { postId: string }[] }).items[0]!.postId;
    const tag = ((await (await fetch(`${base}/v1/trending?kind=hashtags&k=1`, auth)).json()) as { items: { label: string }[] }).items[0]!.label;
    const pages: [string, string][] = [
      ['overview', '#/overview'], ['models', '#/models'], ['users', `#/users/${top}`], ['posts', `#/posts/${post}`],
      ['search', `#/search/${encodeURIComponent(tag)}|posts`], ['moderation', '#/moderation'],
    ];
    const rows: Row[] = [];
    for (const [page, hash] of pages) {
      const runs: { ms: number; cpuMs: number }[] = [];
      for (let r = 0; r < RUNS; r++) runs.push(await measure(browser, base, hash, page));
      const ms = runs.map((x) => x.ms);
      rows.push({ users, page: page === 'users' ? `users (@${top}, most active)` : page, medianMs: median(ms), minMs: Math.min(...ms), maxMs: Math.max(...ms), serverCpuMs: median(runs.map((x) => x.cpuMs)), load: loadavg()[0]! });
      console.error(`${users} users: ${page} ${median(ms).toFixed(0)} ms`);
    }
    await app.close();
    return rows;
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (set RESONATE_CHROMIUM or apt-get install chromium)`);
  const background = !args.includes('--no-background');
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const rows: Row[] = [];
  try {
    for (const users of sizes.length ? sizes : [2_000, 100_000]) rows.push(...(await one(users, background, browser)));
  } finally {
    await browser.close();
  }
  console.log(`\n## Console time to first render (${machineLine()})\n`);
  console.log(table(['users', 'page', 'first render ms (median of 3)', 'min–max ms', 'server CPU ms', 'load (1 min)'], rows.map((r) => [r.users, r.page, Math.round(r.medianMs), `${Math.round(r.minMs)}–${Math.round(r.maxMs)}`, Math.round(r.serverCpuMs), r.load.toFixed(1)])));
}
