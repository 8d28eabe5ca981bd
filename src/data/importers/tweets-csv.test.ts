import { describe, expect, it } from 'vitest';
import { importData } from './index.js';
import { derivedReplies, hashtags } from './tweets-csv.js';
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
    // No author of the file is named by another: nothing to derive, and the report says what that means.
    expect(r.rows.events.created).toBe(0);
    expect(r.notes?.[0]).toMatch(/no likes, follows or replies .* nothing to train on/);
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

  it('derives replies: a tweet naming an earlier author comments on that author\'s latest earlier tweet', () => {
    const replies = derivedReplies([
      { id: 't3', author: 'ann', at: 30, mentions: ['JetBlue', 'nobody'] },
      { id: 't1', author: 'JetBlue', at: 10, mentions: [] },
      { id: 't2', author: 'JetBlue', at: 20, mentions: ['ann'] },
      { id: 't4', author: 'JetBlue', at: 40, mentions: ['Ann', 'JetBlue'] },
    ]);
    // t2 names ann before ann tweeted: nothing; t3 answers JetBlue's latest (t2); t4 answers ann's t3; self-mentions are ignored.
    expect(replies).toEqual([
      { id: 'reply:t3:jetblue', user: 'ann', type: 'comment', post: 't2', timestamp: 30 },
      { id: 'reply:t4:ann', user: 'JetBlue', type: 'comment', post: 't3', timestamp: 40 },
    ]);
  });

  it('finds hashtags, not anchors or mentions', () => {
    expect(hashtags('#One two #one #Two_3 a#b @c &#39; ok')).toEqual(['one', 'two_3']);
  });
});
