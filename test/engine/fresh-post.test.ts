/**
 * A post written after the last training reaches the first page of users interested in its topic who do not follow
 * its author within 5 s, without retraining, even when their first page was just served from memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { trainedSmallEngine } from '../fixtures/small-engine.js';

let engine: Engine;

beforeAll(async () => {
  engine = await trainedSmallEngine();
});

afterAll(() => engine.close());

async function firstPageWithin(user: string, postId: string, ms: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if ((await engine.feed(user)).items.some((i) => i.postId === postId)) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Infinity;
}

describe('a fresh post', () => {
  it('reaches interested non-followers within 5 s of the write, and not the others', async () => {
    const cooks = ['ana', 'cal', 'dee'];
    for (const u of [...cooks, 'eve', 'fay']) await engine.feed(u); // first pages now served from memory
    await engine.ingest('users', [{ id: 'zoe' }]);
    const createdAt = new Date().toISOString();
    await engine.ingest('posts', [{ id: 'fresh-pasta', author: 'zoe', text: 'a new pasta recipe with fresh basil and garlic #cooking', tags: ['cooking'], created_at: createdAt }]);
    for (const u of cooks) {
      expect(await engine.store.following(u)).not.toContain('zoe');
      expect(await firstPageWithin(u, 'fresh-pasta', 5000), u).toBeLessThan(5000);
    }
    const fan = await engine.feed('eve');
    expect(fan.items.slice(0, 3).map((i) => i.postId)).not.toContain('fresh-pasta');
  }, 30_000);
});
