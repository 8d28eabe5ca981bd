import { describe, expect, it } from 'vitest';
import { importData } from './index.js';
import { topTags } from './lastfm-hetrec.js';
import { collect, fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';

describe('lastfm-hetrec importer', () => {
  it('maps artists, plays, friends and top tags', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'lastfm-hetrec', fixture('lastfm-mini'));
    expect(r.accepted).toEqual({ users: 0, posts: 3, follows: 3, events: 3 });
    expect(r.created).toEqual({ users: 4, posts: 0 }); // __catalog__, 2, 3, 4
    expect(r.rejected.map((x) => [x.file, x.line, x.reason.split(':')[0]])).toEqual([
      ['user_artists.dat', 5, 'post'],
      ['user_artists.dat', 6, 'weight'],
    ]);
    // Artist 2: electronic ×2 (id 2), café pop ×2 (id 4, Latin-1), icelandic ×1.
    expect(await store.getPost('2')).toEqual({ id: '2', author: '__catalog__', text: 'Björk', created_at: 0, tags: ['electronic', 'café pop', 'icelandic'] });
    expect((await store.getPost('1'))?.tags).toEqual(['metal']);
    expect((await store.getPost('3'))?.tags).toEqual([]);
    const events = await collect(store.scanEvents());
    expect(events.map((e) => [e.id, e.user, e.post, e.type, e.timestamp])).toEqual([
      ['lastfm:2', '2', '1', 'rating', 2],
      ['lastfm:3', '2', '2', 'rating', 3],
      ['lastfm:4', '3', '2', 'rating', 4],
    ]);
    expect(events[0]!.value).toBeCloseTo(Math.log(13884));
    expect(Math.round(Math.expm1(events[2]!.value!))).toBe(99);
    expect(events[1]!.value).toBe(0);
    expect(await store.following('3')).toEqual(['2', '4']);
    expect(await store.followers('3')).toEqual(['2']);
    expect((await store.searchPosts('icelandic')).map((h) => h.post.id)).toEqual(['2']);
    await store.close();
  });

  it('keeps the k most used tags, ties by tag id', () => {
    const names = new Map([['1', 'a'], ['2', 'b'], ['3', 'c'], ['4', '']]);
    const counts = new Map([['3', 5], ['1', 2], ['2', 5], ['4', 9]]);
    expect(topTags(counts, names, 2)).toEqual(['b', 'c']);
    expect(topTags(counts, names)).toEqual(['b', 'c', 'a']);
    expect(topTags(undefined, names)).toEqual([]);
  });
});
