import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { WalCheckpointer } from './wal-checkpointer.js';

describe('WalCheckpointer', () => {
  it('starts once the WAL is large and copies its pages into the database file from another thread', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'resonate-wal-')), 'db.sqlite');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0'); // this connection never checkpoints: any copy is the worker's
    db.exec('CREATE TABLE t (v TEXT)');
    const checkpointer = new WalCheckpointer(path, { intervalMs: 20, startAtBytes: 256 << 10 });
    checkpointer.afterCommit();
    expect(checkpointer.running).toBe(false); // the WAL is still small
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
    })();
    const before = statSync(path).size;
    checkpointer.afterCommit();
    expect(checkpointer.running).toBe(true);
    await expect.poll(() => statSync(path).size, { timeout: 5000, interval: 20 }).toBeGreaterThan(before + 500_000);
    await checkpointer.stop();
    expect(checkpointer.running).toBe(false);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2000);
    db.close();
  });
});
