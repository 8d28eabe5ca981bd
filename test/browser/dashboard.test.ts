/**
 * Drives the dashboard in headless Chromium (Debian's, via playwright-core): pick a user, see the feed with
 * explanations and the dataset counts. Skipped with a reason when Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';

const CHROMIUM = process.env.RESONATE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)(`dashboard in headless Chromium${haveChromium ? '' : ` (skipped: ${CHROMIUM} not found; apt-get install chromium)`}`, () => {
  let engine: Engine;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' } } });
    const net = smallNetwork();
    await engine.ingest('users', net.users);
    await engine.ingest('posts', net.posts);
    await engine.ingest('follows', net.follows);
    await engine.ingest('events', net.events);
    await engine.train({ save: false });
    await engine.secondaryTraining();
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

  it('shows counts, and a chosen user’s feed with explanations', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/');
    await expect.poll(async () => page.locator('#counts dd').count()).toBe(4);
    expect(await page.locator('#counts').innerText()).toMatch(/posts\s*24/i);
    await expect.poll(async () => page.locator('#model-version').innerText()).toMatch(/not saved.*sources in-network ×4, rp3beta ×1/);
    await expect.poll(async () => page.locator('#trending-tags li').allInnerTexts()).toEqual(expect.arrayContaining(['#cooking', '#football']));
    await expect.poll(async () => page.locator('#trending-topics li').count()).toBeGreaterThan(0);
    await page.fill('#user-input', 'eve');
    await page.click('#show-feed');
    await page.waitForSelector('#feed li');
    const items = await page.locator('#feed li').all();
    expect(items.length).toBeGreaterThan(0);
    const first = await items[0]!.innerText();
    expect(first).toMatch(/football/);
    expect(await page.locator('#feed li .why').first().innerText()).not.toBe('');
    await expect.poll(async () => page.locator('#behavior').innerText()).toMatch(/Likely next: .*%.*risk of going quiet/);
    await page.screenshot({ path: join(tmpdir(), 'resonate-dashboard.png') });
  });

  it('shows why each post ranks where it does: one bar per source, freshness and ranker head', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/');
    await page.waitForSelector('#counts dd');
    await page.fill('#user-input', 'eve');
    await page.check('#explain');
    await page.click('#show-feed');
    await page.waitForSelector('#feed > li .attribution');
    const bars = page.locator('#feed > li').first().locator('.attribution li .group');
    expect(await bars.allInnerTexts()).toEqual(expect.arrayContaining(['freshness']));
    expect(await page.locator('#feed > li .attribution .baseline').first().innerText()).toMatch(/score .* = baseline .* \+ contributions/);
  });

  it('gives a new user the cold-start feed of trending posts, explained as such', async () => {
    const page = await browser.newPage();
    await page.goto(base + '/');
    await page.waitForSelector('#counts dd');
    await page.fill('#user-input', 'somebody-new');
    await page.click('#show-feed');
    await page.waitForSelector('#feed li');
    expect(await page.locator('#feed li .why').first().innerText()).toMatch(/trending|popular/i);
    expect(await page.locator('#status').innerText()).toBe('');
  });
});
