import { describe, expect, it } from 'vitest';
import { datasetFromStore } from '../dataset-from-store.js';
import { importData } from './index.js';
import { parseReleaseDate } from './movielens.js';
import { collect, fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';

describe('movielens importer', () => {
  it('maps u.user, u.item (Latin-1) and u.data onto users, posts and rating events', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'movielens', fixture('ml-mini'));
    expect(r.accepted).toEqual({ users: 2, posts: 3, follows: 0, events: 3 });
    expect(r.created).toEqual({ users: 1, posts: 0 });
    expect(r.rejected.map((x) => [x.file, x.line, x.reason.split(':')[0]])).toEqual([
      ['u.user', 3, 'age'],
      ['u.data', 4, 'post'],
      ['u.data', 5, 'user'],
      ['u.data', 6, 'rating'],
    ]);
    expect(await store.getUser('1')).toEqual({ id: '1', features: { age: 24, gender: 'M', occupation: 'technician' } });
    expect(await store.getPost('1')).toEqual({
      id: '1', author: '__catalog__', text: 'Toy Story (1995)', created_at: Date.UTC(1995, 0, 1), tags: ['Animation', "Children's", 'Comedy'],
    });
    expect((await store.getPost('2'))?.text).toBe('Café au lait (1993)');
    expect((await store.getPost('2'))?.tags).toEqual(['Comedy', 'Romance']);
    expect((await store.getPost('3'))?.created_at).toBe(0);
    expect(await collect(store.scanEvents())).toEqual([
      { id: 'ml:1', user: '1', type: 'rating', post: '1', value: 5, timestamp: 881250949000 },
      { id: 'ml:2', user: '2', type: 'rating', post: '1', value: 3, timestamp: 881250950000 },
      { id: 'ml:3', user: '1', type: 'rating', post: '2', value: 4, timestamp: 881250951000 },
    ]);
    const d = await datasetFromStore(store);
    expect(d.users.size).toBe(3); // two raters and the catalogue author
    expect(d.items.size).toBe(3);
    expect(d.log.weight.length).toBe(3);
    await store.close();
  });

  it('a missing folder or file is FILE_NOT_FOUND', async () => {
    const store = await memoryStore();
    await expect(importData(store, 'movielens', fixture('nope'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(importData(store, 'movielens', fixture('lastfm-mini'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', message: expect.stringContaining('u.genre') });
    await store.close();
  });

  it('parses release dates as UTC', () => {
    expect(parseReleaseDate('01-Jan-1995')).toBe(Date.UTC(1995, 0, 1));
    expect(parseReleaseDate('')).toBeUndefined();
    expect(parseReleaseDate('31-Foo-1999')).toBeUndefined();
  });
});
