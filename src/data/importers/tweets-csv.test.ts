import { describe, expect, it } from 'vitest';
import { importData } from './index.js';
import { hashtags } from './tweets-csv.js';
import { fixture, memoryStore } from '../../../test/fixtures/import/helpers.js';

describe('tweets-csv importer', () => {
  it('parses quoted multi-line records into users and posts with hashtags and features', async () => {
    const store = await memoryStore();
    const r = await importData(store, 'tweets-csv', fixture('tweets-mini.csv'));
    expect(r.accepted).toEqual({ users: 0, posts: 3, follows: 0, events: 0 });
    expect(r.created).toEqual({ users: 2, posts: 0 });
    expect(r.duplicates).toBe(1);
    // A repeated tweet id is a merged duplicate, not a rejection; the authors are created users.
    expect(r.rows.posts).toEqual({ created: 3, updated: 0, merged: 1, rejected: 2 });
    expect(r.rows.users).toEqual({ created: 2, updated: 0, merged: 0, rejected: 0 });
    expect(r.rejected.map((x) => [x.line, x.reason.split(':')[0]])).toEqual([
      [6, 'name'],
      [7, 'text is not valid UTF-8'],
      [8, 'created_at'],
    ]);
    expect(await store.getUser('jnardino')).toEqual({ id: 'jnardino', name: 'jnardino' });
    expect(await store.getPost('570306133677760513')).toEqual({
      id: '570306133677760513',
      author: 'cairdin',
      text: '@VirginAmerica What @dhepburn said.',
      created_at: Date.UTC(2015, 1, 24, 19, 35, 52),
      tags: [],
      features: { airline: 'Virgin America', airline_sentiment: 'neutral', retweet_count: 0 },
    });
    const multi = await store.getPost('570300767074181121');
    expect(multi?.text).toBe("@VirginAmerica seriously #fail\nit's the only bad thing about #flying #FAIL");
    expect(multi?.tags).toEqual(['fail', 'flying']);
    expect(multi?.features).toEqual({ airline: 'Virgin America', airline_sentiment: 'negative', negativereason: "Can't Tell", retweet_count: 2 });
    expect((await store.getPost('570301031407624196'))?.text).toBe('loved it "really" #Delta');
    expect((await store.searchPosts('delta')).map((h) => h.post.id)).toEqual(['570301031407624196']);
    await store.close();
  });

  it('finds hashtags, not anchors or mentions', () => {
    expect(hashtags('#One two #one #Two_3 a#b @c &#39; ok')).toEqual(['one', 'two_3']);
  });
});
