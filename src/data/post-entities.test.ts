import { describe, expect, it } from 'vitest';
import { hashtags, mentions, tagsFromText } from './post-entities.js';

describe('post entities', () => {
  it('finds hashtags and mentions at word starts only', () => {
    expect(hashtags('#One two #one #Two_3 a#b @c &#39; ok')).toEqual(['one', 'two_3']);
    expect(mentions('@ana thanks, cc @Bob (not bob@example.com, not @@x) @ana')).toEqual(['ana', 'Bob']);
  });

  it('tags a post without tags from its text; a post with tags keeps them', () => {
    expect(tagsFromText({ text: 'Sourdough at dawn #Baking #bread', tags: [] }).tags).toEqual(['baking', 'bread']);
    expect(tagsFromText({ text: 'Sourdough #baking', tags: ['food'] }).tags).toEqual(['food']);
    expect(tagsFromText({ text: 'no tags here', tags: [] }).tags).toEqual([]);
  });
});
