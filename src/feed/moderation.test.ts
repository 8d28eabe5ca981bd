import { describe, expect, it } from 'vitest';
import { moderationActive, moderationFactors } from './moderation.js';

describe('feed moderation thresholds', () => {
  const probs = new Map([['low', 0.2], ['mid', 0.6], ['high', 0.95]]);
  const author = (id: string): string => `${id}-author`;

  it('down-ranks above one threshold and hides from non-followers above the other', () => {
    const f = moderationFactors({ downRankAbove: 0.5, downRankFactor: 0.25, hideFromNonFollowersAbove: 0.9 }, probs, author, () => false);
    expect(Object.fromEntries(f)).toEqual({ mid: 0.25, high: 0 });
    // A follower of the author sees the post, down-ranked.
    const g = moderationFactors({ downRankAbove: 0.5, downRankFactor: 0.25, hideFromNonFollowersAbove: 0.9 }, probs, author, (a) => a === 'high-author');
    expect(Object.fromEntries(g)).toEqual({ mid: 0.25, high: 0.25 });
  });

  it('does nothing without thresholds', () => {
    expect(moderationActive({ downRankFactor: 0.5 })).toBe(false);
    expect(moderationActive(undefined)).toBe(false);
    expect(moderationFactors({ downRankFactor: 0.5 }, probs, author, () => false).size).toBe(0);
  });
});
