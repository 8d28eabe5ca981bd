/**
 * Drives the dashboard's Experiments page in headless Chromium (Debian's, via playwright-core): the configured
 * experiment is listed and its report shows per-arm rows and the sample-ratio line. Skipped with a reason when
 * Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';

const CHROMIUM = process.env.RESONATE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)(`experiments page in headless Chromium${haveChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install chromium)`}`, () => {
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
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
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
});
