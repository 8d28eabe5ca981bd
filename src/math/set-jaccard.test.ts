import { describe, expect, it } from 'vitest';
import { setJaccard } from './set-jaccard.js';

describe('setJaccard', () => {
  it('is |a ∩ b| / |a ∪ b|, 0 for an empty set', () => {
    expect(setJaccard(new Set(['x', 'y']), new Set(['y', 'z']))).toBeCloseTo(1 / 3, 12);
    expect(setJaccard(new Set([1]), new Set([1]))).toBe(1);
    expect(setJaccard(new Set<number>(), new Set([1]))).toBe(0);
  });
});
