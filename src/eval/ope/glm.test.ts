import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { fitGlm, predictGlm, solveSpd, type Link, type SparseRow } from './glm.js';

function randomProblem(link: Link, seed: number): { rows: SparseRow[]; y: number[]; dim: number } {
  const rng = createRng(seed), dim = 6, rows: SparseRow[] = [], y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const indices = [0, 1 + rng.int(3), 4], values = [1, 1, rng.normal()];
    if (rng.next() < 0.5) { indices.push(5); values.push(rng.next()); }
    rows.push({ indices, values });
    const z = -1 + 0.5 * indices[1]! + values[2]!;
    y.push(link === 'logit' ? (rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0) : z + rng.normal());
  }
  return { rows, y, dim };
}

describe('ridge GLM by Newton', () => {
  it('solves a symmetric positive definite system', () => {
    // [[4, 2], [2, 3]] x = [2, 1] → x = [0.5, 0]
    expect([...solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2)].map((v) => Number(v.toFixed(12)))).toEqual([0.5, 0]);
  });

  for (const link of ['logit', 'identity'] as const) {
    it(`${link}: the fit is stationary — Σ (μᵢ − yᵢ) xᵢ + λ w (intercept unpenalized) vanishes`, () => {
      const { rows, y, dim } = randomProblem(link, link === 'logit' ? 1 : 2);
      const l2 = 2;
      const w = fitGlm(rows, y, dim, { link, l2 });
      const grad = new Float64Array(dim);
      for (let j = 1; j < dim; j++) grad[j] = l2 * w[j]!;
      rows.forEach((row, i) => {
        const g = predictGlm(w, row, link) - y[i]!;
        row.indices.forEach((j, p) => { grad[j]! += g * row.values[p]!; });
      });
      for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-6);
    });
  }

  it('stays finite on separable data under a weak penalty (an action that was never clicked)', () => {
    const rows: SparseRow[] = [], y: number[] = [];
    for (let i = 0; i < 40; i++) { rows.push({ indices: [0, 1], values: [1, 1] }); y.push(i % 4 === 0 ? 1 : 0); }
    for (let i = 0; i < 40; i++) { rows.push({ indices: [0, 2], values: [1, 1] }); y.push(0); }
    const w = fitGlm(rows, y, 3, { link: 'logit', l2: 1e-4 });
    expect(w.every(Number.isFinite)).toBe(true);
    expect(predictGlm(w, rows[0]!, 'logit')).toBeCloseTo(0.25, 3);
    expect(predictGlm(w, rows[40]!, 'logit')).toBeLessThan(0.01);
  });
});
