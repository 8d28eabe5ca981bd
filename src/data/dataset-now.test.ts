import { describe, expect, it } from 'vitest';
import { NowTracker } from './dataset-now.js';

const DAY = 86_400_000;
const T = Date.UTC(2030, 0, 1);
const YEAR_2100 = Date.UTC(2100, 0, 1);

const nowOf = (times: number[], clock: number): number | undefined => {
  const t = new NowTracker({ clock: () => clock, futureToleranceMs: 0 });
  for (const x of times) t.add(x);
  return t.now();
};

describe('NowTracker', () => {
  it('is the latest time when nothing lies ahead of the clock, however far apart', () => {
    expect(nowOf([0, 10, 874_965_758_000, 5], T)).toBe(874_965_758_000);
    expect(nowOf([], T)).toBeUndefined();
  });

  it('ignores a far-future time ahead of the clock', () => {
    const times = Array.from({ length: 500 }, (_, i) => T - 30 * DAY + i * 3_600_000);
    expect(nowOf([...times, YEAR_2100], T)).toBe(times.at(-1));
  });

  it('keeps the latest time of data that lies wholly ahead of the clock, but not its far-out outliers', () => {
    const clock = Date.UTC(2020, 0, 1);
    const times = Array.from({ length: 20_000 }, (_, i) => T + i * 60_000); // two weeks, a minute apart
    expect(nowOf(times, clock)).toBe(times.at(-1));
    expect(nowOf([...times, YEAR_2100, YEAR_2100 + 1, T + 365 * DAY], clock)).toBe(times.at(-1));
    expect(nowOf([T, YEAR_2100], clock)).toBe(T);
  });
});
