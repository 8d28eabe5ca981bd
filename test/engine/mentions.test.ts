/**
 * Mention edges: a post's `@handle`s that name stored users become its mentions when the client sends none; the
 * mentioned user finds the post among their in-network candidates (whether or not they follow its author), and
 * their export lists it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { smallNetwork } from '../fixtures/small-network.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ overrides: { store: { url: 'sqlite://:memory:' }, models: { ranker: false, behavior: false, validate: false }, feed: { materializeUsers: 0, exploration: { every: 0 } } } });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  await engine.train({ save: false });
}, 120_000);

afterAll(async () => {
  await engine.close();
});

describe('mention edges', () => {
  it('resolves @handles to stored user ids (not unknown handles, not the author); a client\'s own mentions stay', async () => {
    const at = Date.now() - 5_000;
    await engine.ingest('posts', [
      { id: 'm1', author: 'ana', text: '@eve you would love this pasta, cc @nobody @ana #cooking', created_at: at },
      { id: 'm2', author: 'ana', text: 'no mention here, mail me at ana@example.com', created_at: at },
      { id: 'm3', author: 'ben', text: 'thanks @eve', created_at: at, mentions: ['fay'] },
    ]);
    expect((await engine.store.getPost('m1'))!.mentions).toEqual(['eve']);
    expect(await engine.store.getPost('m2')).not.toHaveProperty('mentions');
    expect((await engine.store.getPost('m3'))!.mentions).toEqual(['fay']);
  });

  it('the mentioned user (who follows neither author) sees the post in their feed, explained, and their export lists it', async () => {
    expect(await engine.store.following('eve')).not.toContain('ana');
    const page = await engine.feed('eve', { pageSize: 50 });
    const item = page.items.find((i) => i.postId === 'm1');
    expect(item, page.items.map((i) => i.postId).join(',')).toBeDefined();
    expect(item!.explanation).toBe('@ana mentioned you');
    // A football fan who is not mentioned does not get ana's new cooking post from the network.
    expect((await engine.feed('gus', { pageSize: 50 })).items.map((i) => i.explanation)).not.toContain('@ana mentioned you');
    expect((await engine.exportUser('eve')).mentionedIn).toEqual(['m1']);
    expect((await engine.exportUser('fay')).mentionedIn).toEqual(['m3']);
  });

  it('an edited text gets its mentions again', async () => {
    await engine.editPost('m1', { text: 'actually, @gus will love it #cooking' });
    expect((await engine.store.getPost('m1'))!.mentions).toEqual(['gus']);
    expect((await engine.exportUser('eve')).mentionedIn).toEqual([]);
  });
});
