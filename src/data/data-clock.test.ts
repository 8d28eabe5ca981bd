import { describe, expect, it } from 'vitest';
import { cutGaps, idleGaps, KEPT_GAP_MS, MAX_IDLE_GAP_MS, mergeAscending } from './data-clock.js';

const DAY = 86_400_000;

describe('the data clock', () => {
  it('finds only idle periods longer than the bound', () => {
    const times = [0, DAY, 2 * DAY, 2 * DAY + MAX_IDLE_GAP_MS, 100 * DAY, 101 * DAY];
    // 2d → 2d+30d is exactly the bound (kept); 2d+30d → 100d is cut.
    expect(idleGaps(times)).toEqual([{ from: 2 * DAY + MAX_IDLE_GAP_MS, to: 100 * DAY }]);
    expect(idleGaps([5, 5, 6])).toEqual([]);
  });

  it('moves times before a gap forward by what is cut; the latest segment stays; durations inside a segment stay', () => {
    // Two segments: [0, 10 d] and [1000 d, 1001 d]; the gap of 990 d keeps one minute.
    const clock = cutGaps(idleGaps([0, 10 * DAY, 1000 * DAY, 1001 * DAY]));
    const cut = 990 * DAY - KEPT_GAP_MS;
    expect(clock(0)).toBe(cut);
    expect(clock(10 * DAY)).toBe(10 * DAY + cut);
    expect(clock(10 * DAY) - clock(0)).toBe(10 * DAY);
    expect(clock(1000 * DAY)).toBe(1000 * DAY);
    expect(clock(1001 * DAY)).toBe(1001 * DAY);
    // The last historical event is one kept minute before the first live one.
    expect(clock(1000 * DAY) - clock(10 * DAY)).toBe(KEPT_GAP_MS);
    // A time inside the gap is compressed into the kept minute: halfway in is half a minute before its end.
    expect(clock(505 * DAY)).toBeCloseTo(1000 * DAY - KEPT_GAP_MS / 2, 3);
    expect(clock(NaN)).toBeNaN();
  });

  it('adds up the cuts of several gaps and stays monotone', () => {
    const times = [0, 100 * DAY, 200 * DAY, 300 * DAY];
    const clock = cutGaps(idleGaps(times));
    expect(times.map(clock)).toEqual([300 * DAY - 3 * KEPT_GAP_MS, 300 * DAY - 2 * KEPT_GAP_MS, 300 * DAY - KEPT_GAP_MS, 300 * DAY]);
    let last = -Infinity;
    for (let t = -10 * DAY; t <= 310 * DAY; t += 0.37 * DAY) {
      expect(clock(t)).toBeGreaterThan(last);
      last = clock(t);
    }
  });

  it('merges two ascending lists', () => {
    expect([...mergeAscending([1, 4, 9], [2, 4, 10, 11])]).toEqual([1, 2, 4, 4, 9, 10, 11]);
    expect([...mergeAscending([], [3])]).toEqual([3]);
  });

  it('is the identity without idle gaps (live data)', () => {
    const clock = cutGaps(idleGaps([0, DAY, 20 * DAY, 45 * DAY]));
    expect([0, 7, DAY, 45 * DAY].map(clock)).toEqual([0, 7, DAY, 45 * DAY]);
  });
});
