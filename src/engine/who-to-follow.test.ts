import { describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { buildDataset } from '../data/dataset-builder.js';
import { createServedWhoToFollow } from './who-to-follow.js';

// ann follows bo and cy; bo and cy both follow dee and eve; eve follows fin.
const data = buildDataset({
  follows: [['ann', 'bo'], ['ann', 'cy'], ['bo', 'dee'], ['cy', 'dee'], ['bo', 'eve'], ['cy', 'eve'], ['eve', 'fin']].map(([follower, followee]) => ({ follower: follower!, followee: followee! })),
});

describe('served who-to-follow', () => {
  it('suggests friends of friends with their proof in ids and words', () => {
    const wtf = createServedWhoToFollow({ seed: 42, logger: silentLogger, isErased: () => false });
    const out = wtf.suggest(data, 'ann', 5);
    expect(out.slice(0, 2).map((s) => s.userId).sort()).toEqual(['dee', 'eve']);
    expect(out[0]!.proof[0]).toEqual({ kind: 'followed-by', users: ['bo', 'cy'], total: 2 });
    expect(out[0]!.reasons[0]).toBe('followed by @bo and @cy you follow');
    expect(out.map((s) => s.userId)).not.toContain('ann');
    expect(out.map((s) => s.userId)).toContain('fin'); // three hops away, through PageRank
  });

  it('leaves out erased accounts and the accounts a viewer hides (the block and mute hook)', () => {
    const wtf = createServedWhoToFollow({ seed: 42, logger: silentLogger, isErased: (id) => id === 'dee', hidden: (viewer) => (id) => viewer === 'ann' && id === 'fin' });
    const ids = wtf.suggest(data, 'ann', 10).map((s) => s.userId);
    expect(ids).toContain('eve');
    expect(ids).not.toContain('dee');
    expect(ids).not.toContain('fin');
    expect(() => wtf.suggest(data, 'nobody', 5)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
