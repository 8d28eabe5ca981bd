import { describe, it, expect } from 'vitest';
import { expectedCalibrationError, rocAuc } from './metrics.js';

describe('rocAuc', () => {
  it('matches hand-computed values, with ties as half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 10);
    expect(rocAuc([1, 2, 3], [0, 1, 1])).toBe(1);
    expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(Number.isNaN(rocAuc([1, 2], [1, 1]))).toBe(true);
  });
});

describe('expectedCalibrationError', () => {
  it('is 0 for perfectly calibrated bins and |gap| otherwise', () => {
    expect(expectedCalibrationError([0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0])).toBeCloseTo(0, 10);
    // one bin, mean p 0.9, mean y 0.5 → 0.4
    expect(expectedCalibrationError([0.9, 0.9], [1, 0])).toBeCloseTo(0.4, 10);
  });
});
