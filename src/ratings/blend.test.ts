import { describe, expect, it } from 'vitest';
import { ridgeWithIntercept } from './blend.js';

describe('ridgeWithIntercept', () => {
  it('recovers planted weights y = 0.5 + 2x₁ − x₂ exactly without a penalty, and shrinks them with one', () => {
    const x1 = Float64Array.of(1, 2, 3, 4, 5, 6), x2 = Float64Array.of(2, 0, 1, 3, 1, 5);
    const y = x1.map((v, k) => 0.5 + 2 * v - x2[k]!);
    const w = ridgeWithIntercept([x1, x2], y, 0);
    expect([...w]).toEqual([0.5, 2, -1].map((v) => expect.closeTo(v, 9)));
    const shrunk = ridgeWithIntercept([x1, x2], y, 10);
    expect(Math.abs(shrunk[1]!)).toBeLessThan(2);
  });
});
