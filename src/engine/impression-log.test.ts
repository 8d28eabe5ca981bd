import { describe, expect, it } from 'vitest';
import type { ServedItem, ServedPage } from '../data/impressions.js';
import { ImpressionLog } from './impression-log.js';

/** A page of n items whose posts are numbered from `from` (the test follows items by their post number). */
const rows = (from: number, n: number): ServedPage => ({
  requestId: `req-${from}`, userId: 'u', offset: from, at: from,
  items: Array.from({ length: n }, (_, k) => ({ postId: `p${from + k}`, source: 's', score: 1 })),
});
const positions = (items: readonly (ServedItem | null)[]): number[] => items.map((it) => Number(it!.postId.slice(1)));

/** A store whose writes resolve when the test says so, recording the items that committed. */
function manualStore() {
  const committed: (ServedItem | null)[] = [];
  const waiting: { rows: (ServedItem | null)[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    committed,
    waiting,
    writeImpressions(pages: readonly ServedPage[]): Promise<number> {
      const r = pages.flatMap((p) => p.items);
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
    expect(positions(store.committed)).toEqual(positions(rows(0, 20).items));
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

  it('keeps the rows of a failed flush for the next one, and drops (counted) a page that would pass the bound', async () => {
    const store = manualStore();
    const log = new ImpressionLog(store, { enabled: true, bufferRows: 15, flushMs: 60_000 });
    await log.record(rows(0, 10));
    const failing = log.flush();
    store.waiting.splice(0)[0]!.reject(new Error('store busy'));
    await failing;
    expect(log.stats()).toMatchObject({ pending: 10, failedFlushes: 1, written: 0 });
    // The next page needs a flush; it fails too, so the page does not fit and is dropped whole.
    const next = log.record(rows(10, 10));
    await tick();
    store.waiting.splice(0)[0]!.reject(new Error('store busy'));
    await next;
    expect(log.stats()).toMatchObject({ pending: 10, dropped: 10, failedFlushes: 2 });
    await log.record(rows(20, 5));
    const last = log.flush();
    store.release();
    await last;
    expect(positions(store.committed)).toEqual([...positions(rows(0, 10).items), ...positions(rows(20, 5).items)]);
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
