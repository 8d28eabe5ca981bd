import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { csrFromDense } from '../math/csr.js';
import { classWeights, fitLogisticRegression, logisticLossGrad, predictProba, rowWeights } from './logistic-regression.js';
import { logisticLossGradRef } from './logistic-loss.ref.js';
import { lbfgs } from './lbfgs.js';
import { fitLogisticRegressionParallel } from './logistic-parallel.js';
import { createWasmLossEngine, frequencyOrder, logisticWasmAvailable } from './logistic-loss-wasm.js';

function randomProblem(seed: number, n: number, D: number, K: number, density = 0.4): { X: number[][]; y: number[] } {
  const rng = createRng(seed);
  const X = Array.from({ length: n }, () => Array.from({ length: D }, () => (rng.next() < density ? rng.normal() : 0)));
  const y = Array.from({ length: n }, () => rng.int(K));
  return { X, y };
}

describe('lbfgs', () => {
  it('minimises the Rosenbrock function', () => {
    const res = lbfgs((x, g) => {
      const [a, b] = [x[0]!, x[1]!];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    }, Float64Array.from([-1.2, 1]), { maxIter: 500, gtol: 1e-8, ftol: 0 });
    expect(res.x[0]).toBeCloseTo(1, 4);
    expect(res.x[1]).toBeCloseTo(1, 4);
  });
});

describe('lbfgs stopping on a stalled loss', () => {
  it('stops at the first iteration whose loss fell by ≤ ftol·max(|f|, 1) over the last ftolWindow iterations', () => {
    // An ill-conditioned quadratic (curvatures 1 … 1e4) keeps L-BFGS busy for many small steps.
    const n = 60;
    const c = Float64Array.from({ length: n }, (_, i) => 10 ** ((4 * i) / (n - 1)));
    const f = (x: Float64Array, g: Float64Array): number => {
      let v = 0;
      for (let i = 0; i < n; i++) {
        v += 0.5 * c[i]! * (x[i]! - 1) ** 2;
        g[i] = c[i]! * (x[i]! - 1);
      }
      return v;
    };
    for (const [window, ftol] of [[1, 1e-3], [5, 1e-4], [10, 1e-6]] as const) {
      const trace = [f(new Float64Array(n), new Float64Array(n))];
      const res = lbfgs(f, new Float64Array(n), { ftol, ftolWindow: window, gtol: 0, maxIter: 1000, m: 3, onIteration: (_, fx) => { trace.push(fx); } });
      const stalled = (k: number): boolean => trace[k - window]! - trace[k]! <= ftol * Math.max(Math.abs(trace[k - window]!), Math.abs(trace[k]!), 1);
      expect(res.converged).toBe(true);
      const k = res.iterations;
      expect(k).toBeGreaterThan(window);
      expect(stalled(k)).toBe(true);
      for (let j = window; j < k; j++) expect(stalled(j)).toBe(false);
    }
  });
});

describe('logistic regression', () => {
  it('fast loss and gradient equal the reference on random inputs', () => {
    for (const [seed, K] of [[1, 3], [2, 2], [3, 5]] as const) {
      const { X, y } = randomProblem(seed, 30, 7, K);
      const rng = createRng(seed + 10);
      const params = Float64Array.from({ length: 7 * K + K }, () => rng.normal() * 0.5);
      const s = y.map((c) => 1 + c * 0.5);
      const ref = logisticLossGradRef(X, y, K, s, 0.7, params);
      const grad = new Float64Array(params.length);
      const { w, S } = rowWeights(y, Float64Array.from({ length: K }, (_, c) => 1 + c * 0.5));
      const loss = logisticLossGrad(csrFromDense(30, 7, X.flat()), y, K, w, S, 0.7, params, grad);
      expect(loss).toBeCloseTo(ref.loss, 5);
      for (let i = 0; i < grad.length; i++) expect(grad[i]).toBeCloseTo(ref.grad[i]!, 5);
    }
  });

  it('gradient matches central finite differences', () => {
    const { X, y } = randomProblem(4, 25, 5, 3);
    const Xc = csrFromDense(25, 5, X.flat());
    const rng = createRng(9);
    const params = Float64Array.from({ length: 18 }, () => rng.normal() * 0.3);
    const { w, S } = rowWeights(y, classWeights(y, 3, 'balanced'));
    const grad = new Float64Array(18);
    logisticLossGrad(Xc, y, 3, w, S, 2, params, grad);
    const scratch = new Float64Array(18);
    const h = 1e-5;
    for (let i = 0; i < 18; i++) {
      const p = Float64Array.from(params);
      p[i]! += h;
      const fp = logisticLossGrad(Xc, y, 3, w, S, 2, p, scratch);
      p[i]! -= 2 * h;
      const fm = logisticLossGrad(Xc, y, 3, w, S, 2, p, scratch);
      expect(Math.abs((fp - fm) / (2 * h) - grad[i]!)).toBeLessThan(1e-7);
    }
  });

  it("'balanced' class weights are n / (K·n_c) as scikit-learn", () => {
    // y = [0, 0, 0, 1]: n = 4, K = 2 → 4/(2·3) = 0.667, 4/(2·1) = 2.
    const w = classWeights([0, 0, 0, 1], 2, 'balanced');
    expect(w[0]).toBeCloseTo(2 / 3, 10);
    expect(w[1]).toBeCloseTo(2, 10);
  });

  it('separates a separable toy problem perfectly', () => {
    // Class = which of three feature groups is active, plus noise features.
    const rng = createRng(5);
    const n = 150, D = 12;
    const y = Array.from({ length: n }, (_, i) => i % 3);
    const X = y.map((c) => Array.from({ length: D }, (_, j) => (Math.floor(j / 3) === c ? 1 + rng.next() : j >= 9 ? rng.next() : 0)));
    const Xc = csrFromDense(n, D, X.flat());
    const m = fitLogisticRegression(Xc, y, 3, { C: 100 });
    const P = predictProba(m, Xc);
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const row = [P[3 * i]!, P[3 * i + 1]!, P[3 * i + 2]!];
      if (row.indexOf(Math.max(...row)) === y[i]) correct++;
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    }
    expect(correct).toBe(n);
  });

  it('reaches the optimum: gradient near zero', () => {
    const { X, y } = randomProblem(6, 80, 6, 3, 0.8);
    const Xc = csrFromDense(80, 6, X.flat());
    // The TypeScript objective (f64 throughout): the kernel's f32 weights limit |∇| to ~1e-6 relative.
    const m = fitLogisticRegression(Xc, y, 3, { C: 1, tol: 1e-8, ftol: 0, maxIter: 500, backend: 'js' });
    const { w, S } = rowWeights(y, classWeights(y, 3, null));
    const grad = new Float64Array(21);
    const params = new Float64Array(21);
    params.set(m.weights);
    params.set(m.bias, 18);
    logisticLossGrad(Xc, y, 3, w, S, 1, params, grad);
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-7);
  });

  const wasm = logisticWasmAvailable();
  it.skipIf(!wasm)('the WebAssembly kernel gives the TypeScript loss and gradient (K = 2, 3, 4; 1 to 3 threads)', async () => {
    for (const [seed, K, threads, intercept] of [[21, 2, 1, true], [22, 3, 2, true], [23, 4, 1, false], [24, 3, 3, false]] as const) {
      const { X, y } = randomProblem(seed, 300, 9, K, 0.3);
      const Xc = csrFromDense(300, 9, X.flat());
      const rng = createRng(seed + 100);
      const { w, S } = rowWeights(y, classWeights(y, K, 'balanced'));
      const e = createWasmLossEngine(Xc, y, K, w, S, 0.7, intercept, threads)!;
      await e.ready;
      try {
        // Repeated evaluations at new points: buffers are reused and must start from zero each time, and
        // workers join or miss evaluations in any order.
        for (let rep = 0; rep < 12; rep++) {
          const params = Float64Array.from({ length: 9 * K + K }, () => rng.normal() * 0.5);
          const want = new Float64Array(params.length);
          const loss = logisticLossGrad(Xc, y, K, w, S, 0.7, params, want);
          if (!intercept) want.fill(0, 9 * K);
          const got = new Float64Array(params.length);
          expect(e.engine.evaluate(params, got)).toBeCloseTo(loss, 6);
          // f32 weights and accumulation: agreement to ~1e-6.
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6);
        }
      } finally {
        await e.engine.close();
      }
    }
  });

  it('numbers columns by falling frequency, ties by column', () => {
    // Column 2 appears 3 times, column 0 twice, columns 1 and 3 once.
    expect(Array.from(frequencyOrder(Int32Array.from([2, 0, 2, 1, 0, 2, 3]), 4))).toEqual([1, 2, 0, 3]);
  });

  it.skipIf(!wasm)('fits to the same optimum with the kernel and with the TypeScript objective', () => {
    const { X, y } = randomProblem(31, 120, 10, 3, 0.5);
    const Xc = csrFromDense(120, 10, X.flat());
    const cfg = { C: 2, classWeight: 'balanced', tol: 1e-7, ftol: 0, maxIter: 300 } as const;
    const a = fitLogisticRegression(Xc, y, 3, { ...cfg, backend: 'js' });
    const b = fitLogisticRegression(Xc, y, 3, { ...cfg, backend: 'wasm-simd' });
    expect([a.backend, b.backend]).toEqual(['js', 'wasm-simd']);
    for (let i = 0; i < a.weights.length; i++) expect(b.weights[i]).toBeCloseTo(a.weights[i]!, 4);
    expect(b.loss).toBeCloseTo(a.loss, 7);
    expect(() => fitLogisticRegression(Xc, y.map((c) => c + 2), 5, { backend: 'wasm-simd' })).toThrow(/5 classes/);
  });

  it('the two-thread fit equals the single-thread fit (TypeScript objective, five classes)', async () => {
    const { X, y } = randomProblem(12, 200, 15, 5, 0.3);
    const Xc = csrFromDense(200, 15, X.flat());
    const a = fitLogisticRegression(Xc, y, 5, { classWeight: 'balanced', maxIter: 50 });
    const b = await fitLogisticRegressionParallel(Xc, y, 5, { classWeight: 'balanced', maxIter: 50, threads: 2 });
    expect([a.backend, b.backend]).toEqual(['js', 'js']);
    expect(b.iterations).toBe(a.iterations);
    for (let i = 0; i < a.weights.length; i++) expect(b.weights[i]).toBeCloseTo(a.weights[i]!, 6);
  });

  it('the two-thread fit equals the single-thread fit', async () => {
    const { X, y } = randomProblem(11, 200, 15, 3, 0.3);
    const Xc = csrFromDense(200, 15, X.flat());
    const a = fitLogisticRegression(Xc, y, 3, { classWeight: 'balanced', maxIter: 50 });
    const b = await fitLogisticRegressionParallel(Xc, y, 3, { classWeight: 'balanced', maxIter: 50, threads: 2 });
    expect(b.iterations).toBe(a.iterations);
    for (let i = 0; i < a.weights.length; i++) expect(b.weights[i]).toBeCloseTo(a.weights[i]!, 6);
    for (let k = 0; k < 3; k++) expect(b.bias[k]).toBeCloseTo(a.bias[k]!, 6);
  });
});
