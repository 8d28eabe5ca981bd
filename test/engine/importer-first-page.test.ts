/**
 * Each importer gives a usable product with the default settings: after import and train, a user with history
 * gets a full first page, mostly from their own taste group. The inputs are small files of each format over one
 * planted structure: 40 users in two groups, 100 items (two halves), each user playing 10 items of their half.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { DEFAULT_CONFIG } from '../../src/core/config.js';
import { createEngine } from '../../src/engine/index.js';
import { CATALOG_AUTHOR, importData, type ImportFormat } from '../../src/data/importers/index.js';

const USERS = 40, ITEMS = 100, PER_USER = 10;
const T0 = Date.UTC(2009, 3, 1) / 1000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const group = (n: number): number => n % 2;
/** Items of a group: the lower half for group 0, the upper for group 1. */
const itemGroup = (i: number): number => (i < ITEMS / 2 ? 0 : 1);

/** (user, item, order) of every play: user u (1-based) plays PER_USER distinct items of their group's half. */
function plays(): [user: number, item: number, t: number][] {
  const rng = createRng(7);
  const out: [number, number, number][] = [];
  for (let u = 1; u <= USERS; u++) {
    const items = new Set<number>();
    while (items.size < PER_USER) items.add(group(u) * (ITEMS / 2) + rng.int(ITEMS / 2) + 1);
    for (const i of items) out.push([u, i, out.length]);
  }
  return out;
}

/** Writes the planted data in `format`; returns the path to import. */
function write(format: ImportFormat): string {
  const dir = mkdtempSync(join(tmpdir(), `resonate-first-page-${format}-`));
  dirs.push(dir);
  const p = plays();
  const items = Array.from({ length: ITEMS }, (_, k) => k + 1);
  const file = (name: string, lines: string[]): string => {
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
    return join(dir, name);
  };
  switch (format) {
    case 'interactions':
      return file('plays.tsv', ['user\titem\tvalue\ttimestamp', ...p.map(([u, i, t]) => `${u}\t${i}\t1\t${T0 + t}`)]);
    case 'jsonl':
      // Real authors here (25 of the users), so the author cap does apply: 25 authors × 2 fill 20 slots.
      return file('social.jsonl', [
        ...Array.from({ length: USERS }, (_, k) => ({ kind: 'user', id: String(k + 1) })),
        ...items.map((i) => ({ kind: 'post', id: `i${i}`, author: String((i % 25) + 1), text: `item ${i}`, created_at: (T0 - 86_400) * 1000 })),
        ...p.map(([u, i, t]) => ({ kind: 'event', id: `e${t}`, user: String(u), type: 'like', post: `i${i}`, timestamp: (T0 + t) * 1000 })),
      ].map((o) => JSON.stringify(o)));
    case 'movielens':
      file('u.genre', ['unknown|0', 'Action|1', '']);
      file('u.user', Array.from({ length: USERS }, (_, k) => `${k + 1}|30|M|other|00000`));
      file('u.item', items.map((i) => `${i}|Film ${i} (1995)|01-Jan-1995||http://x|0|${1 - itemGroup(i - 1)}|${'|0'.repeat(17).slice(1)}`));
      file('u.data', p.map(([u, i, t]) => `${u}\t${i}\t${4 + (t % 2)}\t${T0 + t}`));
      return dir;
    case 'lastfm-hetrec':
      file('artists.dat', ['id\tname\turl\tpictureURL', ...items.map((i) => `${i}\tArtist ${i}\thttp://a\thttp://a.jpg`)]);
      file('user_artists.dat', ['userID\tartistID\tweight', ...p.map(([u, i, t]) => `${u}\t${i}\t${100 + t}`)]);
      file('user_friends.dat', ['userID\tfriendID', ...Array.from({ length: USERS - 2 }, (_, k) => `${k + 1}\t${k + 3}`)]);
      file('tags.dat', ['tagID\ttagValue', '1\trock', '2\tjazz']);
      file('user_taggedartists.dat', ['userID\tartistID\ttagID\tday\tmonth\tyear', ...items.map((i) => `1\t${i}\t${itemGroup(i - 1) + 1}\t1\t4\t2009`)]);
      return dir;
    case 'tweets-csv': {
      // No plays in a tweets file: 4 brands tweet, 40 customers answer the 2 brands of their group (replies).
      const rows = ['tweet_id,name,text,tweet_created,retweet_count'];
      const at = (minute: number): string => `2015-02-24 ${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00 -0800`;
      let n = 0;
      for (let round = 0; round < 6; round++) {
        for (let b = 0; b < 4; b++) rows.push(`${++n},brand${b},"News ${round} from brand ${b} #brand${b}",${at(n)},${round}`);
        for (let u = 1; u <= USERS; u++) rows.push(`${++n},c${u},"@brand${2 * group(u) + (round % 2)} thanks for trip ${round} #trip",${at(n)},0`);
      }
      return file('Tweets.csv', rows);
    }
  }
}

describe('each importer gives a full first page with the default settings', () => {
  it('tweets-csv (replies derived from mentions)', async () => {
    const path = write('tweets-csv');
    const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: join(dirs[dirs.length - 1]!, 'models') } } });
    try {
      const report = await importData(engine.store, 'tweets-csv', path);
      expect(report.rows.events.created).toBeGreaterThan(USERS);
      expect(report.notes?.[0]).toMatch(/replies were derived from @mentions/);
      await engine.train({ save: false, secondary: false });
      const page = await engine.feed('c3');
      expect(page.items).toHaveLength(DEFAULT_CONFIG.feed.pageSize);
      expect(page.items.filter((it) => it.post.author === 'c3')).toEqual([]);
    } finally {
      await engine.close();
    }
  }, 120_000);

  for (const format of ['interactions', 'jsonl', 'movielens', 'lastfm-hetrec'] as const) {
    it(format, async () => {
      const path = write(format);
      const engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { dir: join(dirs[dirs.length - 1]!, 'models') } } });
      try {
        const report = await importData(engine.store, format, path);
        expect(report.rejectedCount, JSON.stringify(report.rejected.slice(0, 3))).toBe(0);
        await engine.train({ save: false, secondary: false });
        const page = await engine.feed('3');
        expect(page.items).toHaveLength(DEFAULT_CONFIG.feed.pageSize);
        const id = (postId: string): number => Number(postId.replace(/^i/, ''));
        const own = page.items.filter((it) => itemGroup(id(it.postId) - 1) === group(3)).length;
        expect(own).toBeGreaterThanOrEqual(PER_USER);
        const seen = new Set(plays().filter(([u]) => u === 3).map(([, i]) => i));
        for (const it of page.items) expect(seen.has(id(it.postId))).toBe(false);
        // Catalogue items have no creator: nothing names the placeholder author or suggests following it.
        for (const it of page.items) expect(it.explanation).not.toContain(CATALOG_AUTHOR);
        const similar = await engine.similarPosts(page.items[0]!.postId, 40);
        if (format !== 'jsonl') expect(similar.filter((s) => s.source === 'same-author')).toEqual([]);
        expect((await engine.whoToFollow('3', { limit: 50 })).map((s) => s.userId)).not.toContain(CATALOG_AUTHOR);
      } finally {
        await engine.close();
      }
    }, 120_000);
  }
});
