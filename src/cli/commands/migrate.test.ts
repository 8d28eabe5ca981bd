/**
 * `resonate migrate`: SQLite → PostgreSQL → SQLite gives back the same rows (every table, checksums equal), a
 * non-empty target is refused unless --force, and a target holding other rows fails verification.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/fixtures/run-cli.js';
import { generateToStore } from '../../data/synthetic/index.js';
import { checksums, COPY_TABLES, type CopyReport } from '../../storage/copy-store.js';
import { openStore } from '../../storage/open-store.js';
import { freshSchema, TEST_PG_URL, type TestSchema } from '../../storage/postgres/test-fixtures.js';
import type { Store } from '../../storage/store.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-migrate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = `sqlite://${join(dir, 'source.db')}`;
let expected: CopyReport['tables'];

async function withStore<T>(url: string, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore(url);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function tablesOf(url: string): Promise<CopyReport['tables']> {
  return withStore(url, async (s) => {
    const sums = await checksums(s);
    return Object.fromEntries(COPY_TABLES.map((t) => [t, { rows: sums[t].rows, checksum: sums[t].checksum }])) as CopyReport['tables'];
  });
}

beforeAll(async () => {
  // A synthetic network, one user who switched personalization off, an erasure and an export (audit entries).
  await withStore(source, async (s) => {
    await generateToStore(s, { users: 60, seed: 5 });
    const [a, , c] = (await s.existingUsers(['u0', 'u1', 'u2', 'u3'])).values();
    // The erased user is an author, so the erasure also blanks served slots of their posts.
    const b = (await s.postsBetween(-Infinity, Infinity, 200)).map((p) => p.author).find((x) => x !== a && x !== c);
    await s.write({ users: [{ id: a!, personalization: false }] });
    // Served pages, some showing b's posts (blanked by the erasure, leaving gaps) and an explored post.
    const others = (await s.postsBetween(-Infinity, Infinity, 40)).filter((p) => p.author !== b).map((p) => p.id);
    const ofB = (await s.postsByAuthors([b!], 5)).map((p) => p.id);
    expect(ofB.length).toBeGreaterThan(0);
    await s.writeImpressions(Array.from({ length: 30 }, (_, r) => ({
      requestId: `${r.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`, userId: c!, offset: r % 3 === 0 ? 0 : 10, at: 1_700_000_000_000 + r,
      items: [
        { postId: others[r % others.length]!, source: 'in-network', score: 2 },
        { postId: ofB[r % ofB.length]!, source: 'rp3beta', score: 1.5 },
        { postId: others[(r + 7) % others.length]!, source: 'fresh', score: 1, exploration: { policy: 'thompson', arm: 'fresh', propensity: 0.3 } },
      ],
    })));
    await s.eraseUser(b!, { actor: 'test', replies: 'delete' });
    await s.exportUser(c!, { actor: 'test' });
    // A moderation takedown (a row of its own table and an audit entry).
    await s.takeDown({ post: others[0]!, at: 1_700_000_100_000, actor: 'test', reason: 'spam' });
    // An ingester's stream cursor (Jetstream), so a migrated store resumes where the source stopped.
    await s.write({ state: [{ key: 'jetstream:cursor', value: '1700000000000000' }] });
    // A sponsored campaign with two days of delivery, one impression clicked.
    await s.putCampaign({ id: 'camp', postId: others[1]!, targeting: { topics: ['jazz'], hashtags: [] }, bid: 0.5, dailyBudget: 10, frequencyCap: 2, startAt: 1_700_000_000_000, endAt: null, status: 'active', createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_000 });
    await s.recordSponsoredImpressions([0, 1, 2].map((k) => ({ requestId: `${k}0000000-0000-4000-8000-000000000000`, postId: others[1]!, campaignId: 'camp', userId: c!, at: 1_700_000_000_000 + k * 86_400_000, price: 0.4, cost: 0.02 })));
    await s.recordSponsoredClicks([{ requestId: '00000000-0000-4000-8000-000000000000', postId: others[1]!, at: 1_700_000_000_500 }]);
  });
  expected = await tablesOf(source);
  expect(expected.erased_users.rows).toBe(1);
  expect(expected.audit_log.rows).toBe(3);
  expect(expected.takedowns.rows).toBe(1);
  expect(expected.events.rows).toBeGreaterThan(500);
  expect(expected.impressions.rows).toBe(60);
  expect(expected.ingest_state.rows).toBe(1);
  expect([expected.campaigns.rows, expected.campaign_days.rows, expected.sponsored_impressions.rows]).toEqual([1, 3, 3]);
});

async function migrate(...args: string[]): Promise<{ code: number; report?: CopyReport; stderr: string }> {
  const r = await runCli(['migrate', ...args]);
  return { code: r.code, stderr: r.stderr, report: r.code === 0 ? (JSON.parse(r.stdout) as CopyReport) : undefined };
}

describe('resonate migrate between SQLite files', () => {
  it('copies every table, reports counts and checksums equal to the source\'s, refuses a non-empty target', async () => {
    const target = `sqlite://${join(dir, 'copy.db')}`;
    const r = await migrate('--from', source, '--to', target, '--batch', '100');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report!.tables).toEqual(expected);
    expect(r.stderr).toMatch(/migrate: \d+\/\d+ rows/);
    expect(await tablesOf(target)).toEqual(expected);
    const again = await migrate('--from', source, '--to', target);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('STORE_NOT_EMPTY');
    // --force finishes or repeats a copy without duplicating anything (audit entries included).
    expect((await migrate('--from', source, '--to', target, '--force')).report?.tables).toEqual(expected);
    expect(await tablesOf(target)).toEqual(expected);
  });

  it('a target holding other rows fails verification (COPY_MISMATCH naming the table)', async () => {
    const target = `sqlite://${join(dir, 'other.db')}`;
    await withStore(target, (s) => s.write({ users: [{ id: 'stranger' }] }));
    const r = await migrate('--from', source, '--to', target, '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/COPY_MISMATCH.*users holds/);
  });

  it('refuses the same store as source and target', async () => {
    expect((await migrate('--from', source, '--to', source)).stderr).toContain('INVALID_INPUT');
  });
});

describe.skipIf(TEST_PG_URL === undefined)('resonate migrate SQLite → PostgreSQL → SQLite', () => {
  let schema: TestSchema;
  beforeAll(() => {
    schema = freshSchema();
  });
  afterAll(async () => {
    await schema?.drop();
  });

  it('round-trips every table unchanged', async () => {
    const toPg = await migrate('--from', source, '--to', schema.url);
    expect(toPg.code, toPg.stderr).toBe(0);
    expect(toPg.report!.tables).toEqual(expected);
    expect(await tablesOf(schema.url)).toEqual(expected);
    const back = `sqlite://${join(dir, 'back.db')}`;
    const fromPg = await migrate('--from', schema.url, '--to', back);
    expect(fromPg.code, fromPg.stderr).toBe(0);
    expect(await tablesOf(back)).toEqual(expected);
    // The rows themselves, not only their checksums, in scan order (events by time).
    const dump = (url: string): Promise<unknown> => withStore(url, async (s) => {
      const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => { const out: T[] = []; for await (const x of it) out.push(x); return out; };
      return { events: await all(s.scanEvents()), audit: await all(s.scanAuditLog()), erased: await all(s.scanErasedUsers()), flags: await s.userFlags(), campaigns: await s.campaigns(), days: await s.campaignDays(), sponsored: await s.sponsoredImpressions() };
    });
    expect(await dump(back)).toEqual(await dump(source));
    expect((await migrate('--from', source, '--to', schema.url)).stderr).toContain('STORE_NOT_EMPTY');
  });
});
