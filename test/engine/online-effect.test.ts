/**
 * Online learning as a user sees it: an event changes the next page within a second, without a retrain, for a
 * user the trained models have never seen (their first like) and for a post written after training (a user's
 * first engagement with it brings its content neighbours onto that user's page).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/index.js';
import { trainedSmallEngine } from '../fixtures/small-engine.js';

let engine: Engine;

beforeAll(async () => {
  engine = await trainedSmallEngine();
});

afterAll(() => engine.close());

/** The first page after `write`, and how long after the write it was served. */
async function nextPage(user: string, write: () => Promise<unknown>, pageSize = 6): Promise<{ ids: string[]; explanations: string[]; ms: number }> {
  await write();
  const t0 = performance.now();
  const page = await engine.feed(user, { pageSize });
  return { ids: page.items.map((i) => i.postId), explanations: page.items.map((i) => i.explanation), ms: performance.now() - t0 };
}

describe('an event changes the next page within a second', () => {
  it("a new user's first like turns their cold-start page towards what they liked", async () => {
    await engine.ingest('users', [{ id: 'newbie' }]);
    const before = (await engine.feed('newbie', { pageSize: 6 })).items.map((i) => i.postId);
    const after = await nextPage('newbie', () => engine.ingest('events', [{ id: 'nb-1', user: 'newbie', type: 'like', post: 'f00', timestamp: Date.now() }]));
    expect(after.ms).toBeLessThan(1000);
    expect(after.ids).not.toEqual(before);
    expect(after.ids).not.toContain('f00');
    // The football post's neighbours lead the page, explained by the like.
    const football = after.ids.slice(0, 3).filter((id) => id.startsWith('f'));
    expect(football.length).toBeGreaterThanOrEqual(2);
    expect(after.explanations.some((e) => e.includes('f00') || /liked/i.test(e))).toBe(true);
  });

  it("a post written after training: its first engagement turns that user's next page towards it", async () => {
    await engine.ingest('users', [{ id: 'chef' }]);
    await engine.ingest('posts', [
      { id: 'new-a', author: 'chef', text: 'fresh basil pasta with garlic and olive oil #cooking', tags: ['cooking'], created_at: new Date().toISOString() },
      { id: 'new-b', author: 'chef', text: 'fresh basil risotto with garlic and parmesan #cooking', tags: ['cooking'], created_at: new Date().toISOString() },
    ]);
    // A football fan who never engaged with cooking: the new posts are not on their page.
    const before = (await engine.feed('gus', { pageSize: 12 })).items.map((i) => i.postId);
    expect(before).not.toContain('new-a');
    const after = await nextPage('gus', () => engine.ingest('events', [{ id: 'nb-2', user: 'gus', type: 'like', post: 'new-b', timestamp: Date.now() }]), 12);
    expect(after.ms).toBeLessThan(1000);
    expect(after.ids).not.toContain('new-b');
    // No model knows new-b yet: its content neighbour comes in, explained by the like.
    const k = after.ids.indexOf('new-a');
    expect(k).toBeGreaterThanOrEqual(0);
    expect(after.explanations[k]).toMatch(/new-b|liked/i);
  });
});
