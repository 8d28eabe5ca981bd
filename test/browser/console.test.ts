/**
 * Drives the operator console in headless Chromium (Debian's, via playwright-core) on the small network, behind an
 * admin API key typed into the page: each page renders real data (charts with points, the user's events and feed,
 * a post's counts, search results, the moderation queue), the retrain and take-down buttons act, and a 375 px
 * wide screen shows every counter without overflow. Skipped with a reason when Chromium is not installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { hashSecret } from '../../src/api/api-keys.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { createServer } from '../../src/api/server.js';
import { smallNetwork } from '../fixtures/small-network.js';
import { haveChromium, launchHeadless, listenLocal, skipNote } from './headless.js';

const ADMIN = 'console-admin-key-1234';
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe.skipIf(!haveChromium)(`console in headless Chromium${skipNote}`, () => {
  let engine: Engine;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const dir = mkdtempSync(join(tmpdir(), 'resonate-console-browser-'));
  const net = smallNetwork();

  beforeAll(async () => {
    engine = await createEngine({
      overrides: {
        store: { url: 'sqlite://:memory:' },
        models: { dir },
        impressions: { flushMs: 10 },
        server: { apiKeys: [{ hash: hashSecret(ADMIN), scopes: ['admin', 'read', 'write'] }] },
      },
    });
    for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
    await engine.ingest('events', [{ id: 'r1', user: 'ana', type: 'report', post: 'f00', text: 'spam', timestamp: T0 + 22 * 3_600_000 }]);
    await engine.train();
    await engine.secondaryTraining();
    for (const u of net.users) await engine.feed(u.id, { pageSize: 5 });
    app = await createServer(engine);
    base = await listenLocal(app);
    browser = await launchHeadless();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await engine?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A page with the admin key already typed (kept in sessionStorage, as the key field does). */
  async function open(hash: string, viewport = { width: 1200, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    await page.addInitScript(`sessionStorage.setItem('resonate.apiKey', ${JSON.stringify(ADMIN)})`);
    await page.goto(`${base}/${hash}`);
    return page;
  }
  const rendered = (page: Page, name: string) => page.waitForSelector(`body[data-rendered="${name}"]`, { timeout: 20_000 });

  it('asks for the key: without one the API refuses, with one the overview renders', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await expect.poll(async () => page.locator('#status').innerText()).toMatch(/UNAUTHORIZED|key/i);
    await page.fill('#api-key', ADMIN);
    await page.dispatchEvent('#api-key', 'change');
    await rendered(page, 'overview');
    expect(await page.locator('#counts dd').count()).toBe(4);
  });

  it('overview: counts, what serves, trending, and four uPlot charts with data', async () => {
    const page = await open('#/overview');
    await rendered(page, 'overview');
    expect(await page.locator('#counts').innerText()).toMatch(/posts\s*24/i);
    expect(await page.locator('#model-version').innerText()).toMatch(/model version v1.*sources in-network ×4, rp3beta ×1/);
    const charts = page.locator('figure.chart');
    expect(await charts.count()).toBe(4);
    for (const metric of ['events', 'active_users', 'engagement', 'impressions']) {
      const chart = page.locator(`figure.chart[data-metric="${metric}"]`);
      expect(Number(await chart.getAttribute('data-total')), metric).toBeGreaterThan(0);
      expect(await chart.locator('canvas').count(), metric).toBe(1);
    }
    expect(Number(await page.locator('figure.chart[data-metric="events"]').getAttribute('data-total'))).toBe(net.events.length + 1);
    await expect.poll(async () => page.locator('#trending-tags li').allInnerTexts()).toEqual(expect.arrayContaining(['#cooking', '#football']));
    await page.selectOption('#bucket', 'day');
    await expect.poll(async () => page.locator('figure.chart[data-metric="events"]').getAttribute('data-points')).toBe('60');
  });

  it('a 375 px wide screen shows every counter inside its box and nothing scrolls sideways', async () => {
    for (const hash of ['#/overview', '#/posts/c00', '#/users/eve', '#/models']) {
      const page = await open(hash, { width: 375, height: 800 });
      await rendered(page, hash.split('/')[1]!);
      const overflow = await page.evaluate(`({
        page: document.documentElement.scrollWidth,
        counters: [...document.querySelectorAll('.counts dd, .counts dt')].filter((d) => d.scrollWidth > d.clientWidth + 1).length,
      })`);
      expect(overflow, hash).toEqual({ page: 375, counters: 0 });
    }
  });

  it('models: the saved version with its validation, the training state, and retraining from the button', async () => {
    const page = await open('#/models');
    await rendered(page, 'models');
    expect(await page.locator('#versions').innerText()).toMatch(/v1 \(current\)[\s\S]*nDCG@10/);
    expect(await page.locator('#training').innerText()).toMatch(/serving v1 · retraining idle/);
    await page.click('#retrain');
    await expect.poll(async () => page.locator('#versions').innerText(), { timeout: 60_000 }).toMatch(/v2 \(current\)/);
  });

  it("user browser: the user's row, recent events, feed with why-this-rank bars, who to follow, behaviour", async () => {
    const page = await open('#/users/eve');
    await rendered(page, 'users');
    expect(await page.locator('#user-profile').innerText()).toMatch(/@eve[\s\S]*follows \d+ · followed by \d+/);
    expect(await page.locator('#history tr').count()).toBe(1 + net.events.filter((e) => e.user === 'eve').length);
    expect(await page.locator('#feed li').first().innerText()).toMatch(/football/);
    await expect.poll(async () => page.locator('#who-to-follow li a').count()).toBeGreaterThan(0);
    await expect.poll(async () => page.locator('#behavior').innerText()).toMatch(/Likely next: .*%.*risk of going quiet/);
    await page.check('#explain');
    await page.waitForSelector('#feed > li .attribution');
    expect(await page.locator('#feed > li').first().locator('.attribution li .group').allInnerTexts()).toEqual(expect.arrayContaining(['freshness']));
  });

  it('a new user gets the cold-start feed, explained as such', async () => {
    const page = await open('#/users/somebody-new');
    await rendered(page, 'users');
    expect(await page.locator('#feed li .why').first().innerText()).toMatch(/trending|popular/i);
    expect(await page.locator('#user-profile').innerText()).toMatch(/not stored/);
  });

  it('post browser: engagement counts, similar posts, and a take-down', async () => {
    const page = await open('#/posts/c10');
    await rendered(page, 'posts');
    const likes = net.events.filter((e) => e.post === 'c10' && e.type === 'like').length;
    expect(await page.locator('#post-counts').innerText()).toMatch(new RegExp(`like\\s*${likes}`, 'i'));
    expect(await page.locator('#similar li').count()).toBeGreaterThan(0);
    expect(await page.locator('#post-moderation').innerText()).toMatch(/Visible/);
    await page.click('#post-moderation button');
    await expect.poll(async () => page.locator('#post-moderation').innerText()).toMatch(/Taken down/);
  });

  it('search: posts matching the words', async () => {
    const page = await open('#/search/basil|posts');
    await rendered(page, 'search');
    const results = await page.locator('#search-results li').allInnerTexts();
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => /basil/i.test(r))).toBe(true);
  });

  it('moderation: the reported post with its reason, gone from the queue once taken down', async () => {
    const page = await open('#/moderation');
    await rendered(page, 'moderation');
    expect(await page.locator('#reported-posts').innerText()).toMatch(/f00[\s\S]*spam/);
    await page.click('#reported-posts button');
    await expect.poll(async () => page.locator('#reported-posts').innerText()).toMatch(/No open reports/);
    expect(await page.locator('#nav a[href="experiments.html"]').count()).toBe(1);
  });
});
