import { describe, it, expect } from 'vitest';
import { openStore } from '../../storage/open-store.js';
import type { StoreWriter, WriteBatch, WriteSummary } from '../../storage/store.js';
import { generateToStore } from './generate-to-store.js';

const config = { users: 60, seed: 3, days: 5 };

describe('generateToStore', () => {
  it('writes the whole network into a SQLite store in one transaction', async () => {
    const store = await openStore('sqlite://:memory:');
    try {
      const reports: [number, number][] = [];
      const { network, summary } = await generateToStore(store, config, (done, total) => reports.push([done, total]));
      const counts = await store.counts();
      expect(counts.users).toBe(60);
      expect(counts.posts).toBe(network.counts.posts);
      expect(counts.follows).toBe(network.counts.follows);
      expect(counts.events).toBe(summary.events);
      expect(summary.duplicateEvents).toBe(0);
      expect(summary.events).toBeGreaterThan(500);
      expect(reports.at(-1)![0]).toBe(reports.at(-1)![1]);
      for (let i = 1; i < reports.length; i++) expect(reports[i]![0]).toBeGreaterThanOrEqual(reports[i - 1]![0]);
      const post = await store.getPost('p0');
      expect(post?.author).toMatch(/^u\d+$/);
    } finally {
      await store.close();
    }
  });

  it('runs every write inside the single transaction and propagates a failure', async () => {
    let transactions = 0, writes = 0;
    const empty: WriteSummary = { users: 0, posts: 0, follows: 0, unfollows: 0, events: 0, duplicateEvents: 0 };
    const tx: StoreWriter = {
      write: async (b: WriteBatch) => {
        writes++;
        if (b.events && writes > 3) throw new Error('disk full');
        return { ...empty, users: b.users?.length ?? 0 };
      },
    };
    const fake = { transaction: async <T>(fn: (w: StoreWriter) => Promise<T>): Promise<T> => (transactions++, fn(tx)) };
    await expect(generateToStore(fake, config)).rejects.toThrow('disk full');
    expect(transactions).toBe(1);
  });
});
