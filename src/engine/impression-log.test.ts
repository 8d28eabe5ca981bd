import { describe, expect, it } from 'vitest';
import type { Impression } from '../data/impressions.js';
import { ImpressionLog } from './impression-log.js';

const row = (i: number): Impression => ({
  requestId: '0b8f2c1e-3d4a-4b5c-8d6e-7f8091a2b3c4', userId: 'u', postId: `p${i}`, position: i, source: 's', score: 1, policy: 'blend', propensity: 1, at: i,
});
const rows = (from: number, n: number): Impression[] => Array.from({ length: n }, (_, k) => row(from + k));

/** A store whose writes resolve when the test says so, recording what committed. */
function manualStore() {
  const committed: Impression[] = [];
  const waiting: { rows: readonly Impression[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    committed,
    waiting,
    writeImpressions(r: readonly Impression[]): Promise<number> {
      return new Promise<number>((resolve, reject) => waiting.push({ rows: r, resolve: () => { committed.push(...r); resolve(r.length); }, reject }));
    },
    release(): void {
      for (const w of waiting.splice(0)) w.resolve();
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ImpressionLog', () => {
  it('buffers pages and writes them in one flush', async () => {
    const store = manualStore();
    const log = new ImpressionLog(store, { enabled: true, bufferRows: 100, flushMs: 60_000 });
    await log.record(rows(0, 10));
    await log.record(rows(10, 10));
    expect(store.waiting).toHaveLength(0);
    const flushed = log.flush();
    expect(store.waiting.map((w) => w.rows.length)).toEqual([20]);
    store.release();
    await flushed;
    expect(store.committed.map((r) => r.position)).toEqual(rows(0, 20).map((r) => r.position));
    expect(log.stats()).toMatchObject({ written: 20, pending: 0, dropped: 0 });
  });

  it('flushes on its timer', async () => {
    const store = manualStore();
    const log = new ImpressionLog(store, { enabled: true, bufferRows: 100, flushMs: 10 });
    await log.record(rows(0, 3));
    await new Promise((r) => setTimeout(r, 50));
    expect(store.waiting.map((w) => w.rows.length)).toEqual([3]);
    store.release();
    await log.close();
  });

  it('never holds more than bufferRows uncommitted rows: a page that would pass the bound waits for the flush', async () => {
    const store = manualStore();
    const log = new ImpressionLog(store, { enabled: true, bufferRows: 25, flushMs: 60_000 });
    await log.record(rows(0, 10));
    await log.record(rows(10, 10));
    let done = false;
    const third = log.record(rows(20, 10)).then(() => (done = true));
    await tick();
    expect(done).toBe(false);
    expect(log.stats().pending).toBeLessThanOrEqual(25);
    store.release();
    await third;
    expect(store.committed).toHaveLength(20);
    expect(log.stats().pending).toBe(10);
  });

  it('keeps the rows of a failed flush for the next one, and drops (counted) what would pass the bound', async () => {
    const store = manualStore();
    const log = new ImpressionLog(store, { enabled: true, bufferRows: 15, flushMs: 60_000 });
    await log.record(rows(0, 10));
    const failing = log.flush();
    store.waiting.splice(0)[0]!.reject(new Error('store busy'));
    await failing;
    expect(log.stats()).toMatchObject({ pending: 10, failedFlushes: 1, written: 0 });
    // The next page needs a flush; it fails too, so only 5 of its 10 rows fit.
    const next = log.record(rows(10, 10));
    await tick();
    store.waiting.splice(0)[0]!.reject(new Error('store busy'));
    await next;
    expect(log.stats()).toMatchObject({ pending: 15, dropped: 5, failedFlushes: 2 });
    const last = log.flush();
    store.release();
    await last;
    expect(store.committed.map((r) => r.position)).toEqual(rows(0, 15).map((r) => r.position));
  });

  it('records nothing when disabled, and nothing after close', async () => {
    const store = manualStore();
    const off = new ImpressionLog(store, { enabled: false, bufferRows: 10, flushMs: 10 });
    await off.record(rows(0, 3));
    expect(off.stats().pending).toBe(0);
    const log = new ImpressionLog(store, { enabled: true, bufferRows: 10, flushMs: 60_000 });
    await log.record(rows(0, 2));
    const closing = log.close();
    store.release();
    await closing;
    await log.record(rows(2, 2));
    expect(store.committed).toHaveLength(2);
    expect(log.stats().pending).toBe(0);
  });
});
