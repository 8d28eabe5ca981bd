import { describe, expect, it } from 'vitest';
import { choleskyLower } from './cholesky.js';
import { LinearArms } from './linear-arms.js';

/** Inverse by Gauss–Jordan (the reference). */
function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    const p = m[c]![c]!;
    for (let j = 0; j < 2 * n; j++) m[c]![j]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      for (let j = 0; j < 2 * n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.slice(n));
}

describe('LinearArms (Sherman–Morrison)', () => {
  it('A⁻¹ after two updates equals the direct inverse of I + x₁x₁ᵀ + x₂x₂ᵀ, and θ = A⁻¹b', () => {
    const arms = new LinearArms(2, 3, 1);
    const x1 = new Float64Array([1, 2, 0]), x2 = new Float64Array([0, 1, 1]);
    arms.update(1, x1, 0, 1);
    arms.update(1, x2, 0, 0.5);
    // A = I + x1x1ᵀ + x2x2ᵀ = [[2,2,0],[2,6,1],[0,1,2]] (hand-computed).
    const A = [[2, 2, 0], [2, 6, 1], [0, 1, 2]];
    const direct = inverse(A);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(arms.inverse[9 + i * 3 + j]).toBeCloseTo(direct[i]![j]!, 12);
    // b = 1·x1 + 0.5·x2 = (1, 2.5, 0.5).
    const b = [1, 2.5, 0.5];
    for (let i = 0; i < 3; i++) expect(arms.theta[3 + i]).toBeCloseTo(direct[i]!.reduce((s, v, j) => s + v * b[j]!, 0), 12);
    // Arm 0 is untouched: A⁻¹ = I, θ = 0.
    expect(Array.from(arms.inverse.subarray(0, 9))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(arms.variance(0, x1, 0)).toBeCloseTo(5, 12);
  });

  it('the Cholesky factor reproduces its matrix', () => {
    const a = new Float64Array([4, 2, 0, 2, 5, 1, 0, 1, 3]);
    const l = new Float64Array(9);
    choleskyLower(a, l, 3);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
      expect(s).toBeCloseTo(a[i * 3 + j]!, 12);
    }
    expect(l[1]).toBe(0); // upper triangle zero
  });
});
