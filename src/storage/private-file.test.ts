import { mkdtempSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { openStore } from './open-store.js';
import { isResonateError } from '../core/errors.js';

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('database files', () => {
  it('are created owner-only (0600), with their -wal and -shm files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-mode-'));
    const path = join(dir, 'r.db');
    const store = await createSqliteStore({ path });
    try {
      await store.write({ users: [{ id: 'ana' }] });
      expect(mode(path).toString(8)).toBe('600');
      for (const side of [`${path}-wal`, `${path}-shm`]) {
        if (existsSync(side)) expect(mode(side).toString(8), side).toBe('600');
      }
      expect(existsSync(`${path}-wal`)).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe('openStore errors', () => {
  it('never echo the password of a store URL', async () => {
    const err = await openStore('mysql://admin:hunter2@db.internal/resonate').catch((e: unknown) => e);
    expect(isResonateError(err, 'STORE_UNSUPPORTED')).toBe(true);
    expect((err as Error).message).not.toContain('hunter2');
    expect((err as Error).message).toContain('mysql://admin:***@db.internal/resonate');
  });
});
