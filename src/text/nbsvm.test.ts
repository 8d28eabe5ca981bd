import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { csrFromDense } from '../math/csr.js';
import { fitNbSvm, logCountRatios, nbSvmProba } from './nbsvm.js';
import { fitTemperature, temperatureNll } from '../math/calibration.js';

describe('NB-SVM', () => {
  it('log-count ratios match a hand-computed case', () => {
    // Two classes, two features. Class 0 rows: [1,0], [1,1]; class 1 row: [0,1]. α = 1.
    // c = 0: p = 1 + [2, 1] = [3, 2] (‖p‖₁ = 5), q = 1 + [0, 1] = [1, 2] (‖q‖₁ = 3) → r = ln((3/5)/(1/3)), ln((2/5)/(2/3)).
    const X = csrFromDense(3, 2, [1, 0, 1, 1, 0, 1]);
    const r = logCountRatios(X, [0, 0, 1], 2, 1);
    expect(r[0]).toBeCloseTo(Math.log(9 / 5), 10);
    expect(r[1]).toBeCloseTo(Math.log(3 / 5), 10);
    expect(r[2]).toBeCloseTo(-Math.log(9 / 5), 10);
  });

  it('classifies a planted three-class problem and gives calibrated-looking probabilities', () => {
    const rng = createRng(3);
    const n = 600, D = 30;
    const y = Array.from({ length: n }, () => rng.int(3));
    // Each class has 10 indicative features (active with prob 0.3) and all features have 0.05 background.
    const X = y.map((c) => Array.from({ length: D }, (_, j) => (rng.next() < (Math.floor(j / 10) === c ? 0.3 : 0.05) ? 1 : 0)));
    const m = fitNbSvm(csrFromDense(n, D, X.flat()), y, 3, { C: 1, seed: 1 });
    const P = nbSvmProba(m, csrFromDense(n, D, X.flat()));
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = [P[3 * i]!, P[3 * i + 1]!, P[3 * i + 2]!];
      if (row.indexOf(Math.max(...row)) === y[i]) correct++;
    }
    expect(correct / n).toBeGreaterThan(0.85);
    expect(m.temperature).toBeGreaterThan(0);
  });
});

describe('temperature scaling', () => {
  it('recovers the temperature that generated the labels', () => {
    const rng = createRng(8);
    const n = 4000, K = 3, T = 2.5;
    const scores = Float64Array.from({ length: n * K }, () => rng.normal() * 3);
    const labels = Array.from({ length: n }, (_, i) => {
      const e = [0, 1, 2].map((k) => Math.exp(scores[i * K + k]! / T));
      const s = e[0]! + e[1]! + e[2]!;
      const u = rng.next() * s;
      return u < e[0]! ? 0 : u < e[0]! + e[1]! ? 1 : 2;
    });
    const t = fitTemperature(scores, labels, K);
    expect(t).toBeGreaterThan(2.1);
    expect(t).toBeLessThan(2.9);
    expect(temperatureNll(scores, labels, K, t)).toBeLessThanOrEqual(temperatureNll(scores, labels, K, 1));
  });
});
