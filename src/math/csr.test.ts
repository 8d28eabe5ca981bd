import { describe, expect, it } from 'vitest';
import { colCounts, csrFilter, csrFromCoo, csrFromDense, csrGet, csrToDense, csrTranspose, nnz, rowIndices, rowSums } from './csr.js';
import { createRng } from '../core/rng.js';

describe('CSR', () => {
  it('builds from COO with sorted columns and summed duplicates', () => {
    const m = csrFromCoo(2, 3, [1, 0, 1, 1], [2, 1, 0, 2], [1, 5, 3, 4]);
    expect(Array.from(m.indptr)).toEqual([0, 1, 3]);
    expect(Array.from(rowIndices(m, 1))).toEqual([0, 2]);
    expect(csrGet(m, 1, 2)).toBe(5);
    expect(csrGet(m, 0, 0)).toBe(0);
    expect(Array.from(csrToDense(m))).toEqual([0, 5, 0, 3, 0, 5]);
    expect(nnz(m)).toBe(3);
  });

  it('rejects out-of-range entries', () => {
    expect(() => csrFromCoo(2, 2, [2], [0])).toThrow(/outside/);
  });

  it('transposes random matrices exactly (twice is identity)', () => {
    const rng = createRng(1);
    const rows = 17, cols = 11;
    const dense = Float32Array.from({ length: rows * cols }, () => (rng.next() < 0.3 ? rng.int(9) + 1 : 0));
    const m = csrFromDense(rows, cols, dense);
    const t = csrTranspose(m);
    const td = csrToDense(t);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(td[j * rows + i]).toBe(dense[i * cols + j]);
    expect(Array.from(csrToDense(csrTranspose(t)))).toEqual(Array.from(dense));
  });

  it('computes row sums, column counts and filters', () => {
    const m = csrFromDense(2, 3, [1, 0, 2, 0, 3, -1]);
    expect(Array.from(rowSums(m))).toEqual([3, 2]);
    expect(Array.from(colCounts(m))).toEqual([1, 1, 2]);
    expect(Array.from(csrToDense(csrFilter(m, (v) => v > 0)))).toEqual([1, 0, 2, 0, 3, 0]);
  });
});
