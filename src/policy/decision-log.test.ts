import { describe, expect, it } from 'vitest';
import { DecisionLog, type PendingDecision } from './decision-log.js';

describe('DecisionLog', () => {
  it('joins an engagement to its decision within the window; expires the rest as served-not-engaged', () => {
    const expired: PendingDecision[] = [];
    const log = new DecisionLog({ windowMs: 1000, capacity: 3, expired: (d) => expired.push(d) });
    log.add('u\np1', { arm: 0 }, 0);
    log.add('u\np2', { arm: 1 }, 100);
    log.add('u\np1', { arm: 2 }, 200); // already waiting: the first decision stays
    expect(log.resolve('u\np1', 500)).toEqual({ arm: 0 });
    expect(log.resolve('u\np1', 600)).toBeUndefined(); // resolved once
    expect(log.resolve('u\np2', 1100)).toBeUndefined(); // past the window
    expect(expired).toEqual([{ arm: 1 }]);
  });

  it('drops the decisions a predicate names without learning from them', () => {
    const expired: number[] = [];
    const log = new DecisionLog({ windowMs: 10, capacity: 9, expired: (d) => expired.push(d.arm) });
    log.add('u\np1', { arm: 0 }, 0);
    log.add('v\np1', { arm: 1 }, 0);
    log.add('u\np2', { arm: 2 }, 0);
    expect(log.drop((k) => k.startsWith('u\n'))).toBe(2);
    log.expire(100);
    expect(expired).toEqual([1]);
  });

  it('a full log expires its oldest decision first', () => {
    const expired: number[] = [];
    const log = new DecisionLog({ windowMs: 1e9, capacity: 2, expired: (d) => expired.push(d.arm) });
    for (let i = 0; i < 4; i++) log.add(`k${i}`, { arm: i }, i);
    expect(expired).toEqual([0, 1]);
    expect(log.size).toBe(2);
  });
});
