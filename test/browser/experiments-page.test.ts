/**
 * Drives the dashboard's Experiments, Campaigns and Jobs pages in headless Chromium (Debian's, via playwright-core):
 * the configured experiment is listed and its report shows per-arm rows and the sample-ratio line; a campaign is
 * listed with its delivery; the jobs page says when no queue is configured. Skipped with a reason when
 * Chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { haveChromium, launchHeadless, listenLocal, skipNote } from './headless.js';


describe.skipIf(!haveChromium)(`experiments page in headless Chromium${skipNote}`, () => {
  let engine: Engine;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    engine = await createEngine({
      overrides: {
        store: { url: 'sqlite://:memory:' },
        models: { ranker: false, behavior: false, validate: false },
        feed: { materializeUsers: 0 },
        impressions: { flushMs: 10 },
        experiments: [{ name: 'cap', start: new Date(Date.now() - 60_000).toISOString(), arms: [{ name: 'control', share: 0.5 }, { name: 'one-per-author', share: 0.5, feed: { authorCap: 1 } }] }],
      },
    });
    const net = smallNetwork();
    for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
    await engine.train({ save: false });
    for (const u of net.users) await engine.feed(u.id, { pageSize: 5 });
    app = await createServer(engine);
    base = await listenLocal(app);
    browser = await launchHeadless();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await engine?.close();
  });

  it('lists the experiment and shows its report per arm', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/experiments.html');
    await expect.poll(async () => page.locator('#experiment option').allInnerTexts()).toEqual(['cap (running)']);
    await expect.poll(async () => page.locator('#arms th').allInnerTexts()).toEqual(['metric', 'control', 'one-per-author']);
    expect(await page.locator('#arms').innerText()).toMatch(/ctr/);
    expect(await page.locator('#comparisons').innerText()).toMatch(/one-per-author/);
    expect(await page.locator('#srm').innerText()).toMatch(/sample ratio χ²/);
    expect(await page.locator('#status').innerText()).toBe('');
  });

  it('the campaigns page lists a campaign with its delivery; the jobs page says no queue is configured', async () => {
    const post = smallNetwork().posts[0]!.id;
    const created = await fetch(`${base}/v1/admin/campaigns`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'spring', postId: post, bid: 0.5, dailyBudget: 10 }) });
    expect(created.status).toBe(200);
    const page = await browser.newPage();
    await page.goto(base + '/campaigns.html');
    await expect.poll(async () => page.locator('#campaigns td').first().innerText().catch(() => '')).toBe('spring');
    expect(await page.locator('#status').innerText()).toBe('1 campaign(s).');
    await page.goto(base + '/jobs.html');
    await expect.poll(async () => page.locator('#status').innerText()).toMatch(/No job queue configured/);
  });
});
