import { describe, expect, it } from 'vitest';
import { segmentWords } from './hashtag-words.js';

describe('segmentWords', () => {
  const counts = new Map([['bad', 50], ['customer', 20], ['service', 30], ['cust', 1], ['omer', 1], ['a', 100], ['ser', 2], ['vice', 3]]);
  const count = (w: string): number => counts.get(w) ?? 0;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);

  it('splits into the most probable known words', () => {
    expect(segmentWords('badcustomerservice', count, total)).toEqual(['bad', 'customer', 'service']);
  });

  it('keeps a known word and text with no split into known words', () => {
    expect(segmentWords('service', count, total)).toEqual(['service']);
    expect(segmentWords('badxq', count, total)).toEqual(['badxq']);
  });
});
