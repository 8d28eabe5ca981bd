import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { orthonormalizeColumns, symmetricEigen, topEigenpairs } from './eigen.js';

/** A = U diag(λ) Uᵀ with a random orthonormal U (Float64), for planted spectra. */
function planted(values: number[], seed: number): Float64Array {
  const n = values.length, rng = createRng(seed);
  const u = Float32Array.from({ length: n * n }, () => rng.normal());
  orthonormalizeColumns(u, n, n);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += u[i * n + k]! * values[k]! * u[j * n + k]!;
    a[i * n + j] = s;
  }
  return a;
}

describe('symmetricEigen', () => {
  it('solves [[2, 1], [1, 2]] by hand: λ = 3, 1 with vectors (1, 1)/√2 and (1, −1)/√2', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]!)).toBeCloseTo(Math.SQRT1_2, 12);
    expect(vectors[0]! * vectors[2]!).toBeCloseTo(0.5, 12); // same sign: (1, 1)
    expect(vectors[1]! * vectors[3]!).toBeCloseTo(-0.5, 12); // opposite signs: (1, −1)
  });

  it('recovers a planted spectrum with A·v = λ·v and orthonormal vectors', () => {
    const lambda = [5, 4, 3.5, 2, 1, 0.5, 0.25, 0];
    const n = lambda.length, a = planted(lambda, 3);
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) expect(values[k]).toBeCloseTo(lambda[k]!, 4);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j]! * vectors[j * n + k]!;
        expect(av).toBeCloseTo(values[k]! * vectors[i * n + k]!, 4);
      }
      for (let l = 0; l < n; l++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += vectors[i * n + k]! * vectors[i * n + l]!;
        expect(d).toBeCloseTo(k === l ? 1 : 0, 6);
      }
    }
  });
});

describe('orthonormalizeColumns', () => {
  it('makes QᵀQ = I and keeps the span of the leading column', () => {
    const n = 50, b = 6, rng = createRng(9);
    const q = Float32Array.from({ length: n * b }, () => rng.normal());
    const first = Array.from({ length: n }, (_, r) => q[r * b]!);
    orthonormalizeColumns(q, n, b);
    for (let i = 0; i < b; i++) for (let j = 0; j < b; j++) {
      let d = 0;
      for (let r = 0; r < n; r++) d += q[r * b + i]! * q[r * b + j]!;
      expect(d).toBeCloseTo(i === j ? 1 : 0, 5);
    }
    // Cholesky QR is Gram–Schmidt order: column 0 is the first column rescaled.
    const norm = Math.hypot(...first);
    for (let r = 0; r < n; r++) expect(q[r * b]!).toBeCloseTo(first[r]! / norm, 5);
  });

  it('replaces a repeated column instead of dividing by zero', () => {
    const n = 10, b = 3, rng = createRng(2);
    const q = new Float32Array(n * b);
    for (let r = 0; r < n; r++) { const x = rng.normal(); q[r * b] = x; q[r * b + 1] = x; q[r * b + 2] = rng.normal(); }
    orthonormalizeColumns(q, n, b);
    expect(q.every(Number.isFinite)).toBe(true);
    let d = 0;
    for (let r = 0; r < n; r++) d += q[r * b]! * q[r * b + 1]!;
    expect(Math.abs(d)).toBeLessThan(1e-5);
  });
});

describe('topEigenpairs', () => {
  it('finds the dominant subspace of a planted spectrum through a matrix-free operator', () => {
    const n = 60, k = 4;
    const lambda = Array.from({ length: n }, (_, i) => (i < k ? 10 - i : 1 / (i + 1)));
    const a = planted(lambda, 5);
    const apply = (q: Float32Array, b: number, out: Float32Array): void => {
      for (let i = 0; i < n; i++) for (let c = 0; c < b; c++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += a[i * n + j]! * q[j * b + c]!;
        out[i * b + c] = s;
      }
    };
    const { values, vectors } = topEigenpairs(apply, n, k, { iterations: 20 });
    for (let i = 0; i < k; i++) expect(values[i]).toBeCloseTo(lambda[i]!, 3);
    // Same projector as the exact decomposition: V Vᵀ = E Eᵀ over the top k.
    const exact = symmetricEigen(a, n);
    for (let i = 0; i < n; i += 7) for (let j = 0; j < n; j += 5) {
      let p = 0, e = 0;
      for (let c = 0; c < k; c++) { p += vectors[i * k + c]! * vectors[j * k + c]!; e += exact.vectors[i * n + c]! * exact.vectors[j * n + c]!; }
      expect(p).toBeCloseTo(e, 4);
    }
  });

  it('rejects k outside 1..n', () => {
    expect(() => topEigenpairs(() => {}, 5, 6)).toThrow(/k/);
  });
});
