/**
 * `resonate backup` / `restore`: an online copy of a SQLite store that is open and written to, restored
 * elsewhere with the rows of the moment of the backup; refusals with named errors (a non-empty target without
 * --force, a file that is not a store, PostgreSQL with the pg_dump / pg_restore commands, memory).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/storage/open-store.js';
import { validateRows } from '../../src/data/validate.js';
import { runCli } from '../fixtures/run-cli.js';
import { smallNetwork } from '../fixtures/small-network.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resonate backup / restore (SQLite)', () => {
  it('copies a store in use; a restore elsewhere holds the rows of the backup, a later write is not in it', async () => {
    const db = join(dir, 'live.db'), file = join(dir, 'live.backup'), copy = join(dir, 'copy.db');
    const net = smallNetwork();
    const live = await openStore(`sqlite://${db}`);
    try {
      await live.write({ users: validateRows('users', net.users, 10_000), posts: validateRows('posts', net.posts, 10_000), follows: validateRows('follows', net.follows, 10_000), events: validateRows('events', net.events, 10_000) });
      const backup = await runCli(['--db', db, 'backup', '--out', file]);
      expect(backup.code, backup.stderr).toBe(0);
      expect(JSON.parse(backup.stdout)).toMatchObject({ backup: file });
      await live.write({ events: [{ id: 'after-backup', user: 'ana', type: 'like', post: 'c10', timestamp: Date.parse('2026-02-01T00:00:00Z') }] });

      const restore = await runCli(['--db', copy, 'restore', '--from', file]);
      expect(restore.code, restore.stderr).toBe(0);
      expect(JSON.parse(restore.stdout)).toMatchObject({ users: net.users.length, posts: net.posts.length, events: net.events.length });
      const restored = await openStore(`sqlite://${copy}`);
      expect((await restored.counts()).events).toBe(net.events.length);
      expect(await restored.getPost('c10')).toMatchObject({ author: 'ben' });
      await restored.close();

      // The copy now holds data: a second restore needs --force, and then replaces it.
      const refused = await runCli(['--db', copy, 'restore', '--from', file]);
      expect(refused.stderr).toMatch(/STORE_NOT_EMPTY/);
      const again = await runCli(['--db', db, 'backup', '--out', file]);
      expect(again.code).toBe(0);
      expect(JSON.parse((await runCli(['--db', copy, 'restore', '--from', file, '--force'])).stdout)).toMatchObject({ events: net.events.length + 1 });
    } finally {
      await live.close();
    }
  });

  it('refuses a file that is not a Resonate store, and changes nothing', async () => {
    const junk = join(dir, 'junk.backup'), target = join(dir, 'untouched.db');
    writeFileSync(junk, 'not a database at all, just text'.repeat(100));
    expect((await runCli(['--db', target, 'restore', '--from', junk])).stderr).toMatch(/BACKUP_INVALID/);
    const empty = join(dir, 'empty.db');
    (await openStore(`sqlite://${empty}`)).close();
    const other = join(dir, 'other.db');
    const { default: Database } = await import('better-sqlite3');
    const plain = new Database(other);
    plain.exec('CREATE TABLE notes (x)');
    plain.close();
    expect((await runCli(['--db', target, 'restore', '--from', other])).stderr).toMatch(/BACKUP_INVALID: .*no users, posts, follows, events table/);
  });

  it('PostgreSQL: names the pg_dump and pg_restore commands instead', async () => {
    const url = 'postgres://resonate:secret@db.example:5432/app?schema=feed';
    const b = await runCli(['--db', url, 'backup', '--out', 'feed.dump']);
    expect(b.stderr).toMatch(/BACKUP_NOT_SUPPORTED: .*pg_dump --format=custom --schema=feed --file=feed\.dump 'postgres:\/\/resonate:\*+@db\.example:5432\/app'/);
    expect(b.stderr).not.toContain('secret');
    const r = await runCli(['--db', url, 'restore', '--from', 'feed.dump']);
    expect(r.stderr).toMatch(/BACKUP_NOT_SUPPORTED: .*pg_restore --clean --if-exists --schema=feed/);
    expect((await runCli(['--db', ':memory:', 'backup', '--out', 'x'])).stderr).toMatch(/BACKUP_NOT_SUPPORTED/);
  });
});
