/**
 * @module L-BFGS (Nocedal 1980; Liu & Nocedal 1989) with a backtracking line search on the Armijo condition,
 * for smooth convex objectives such as regularised logistic regression.
 *
 * Direction d = −H·g from the two-loop recursion over the last m pairs (s, y), H₀ = (sᵀy / yᵀy)·I. A pair is
 * kept only when sᵀy > 1e-10·|s||y| so H stays positive definite (backtracking does not enforce the Wolfe
 * curvature condition). Step: start at 1 (1/|g| on the first iteration), halve until
 * f(x + t·d) ≤ f(x) + c₁·t·gᵀd with c₁ = 1e-4 (Nocedal & Wright 2006, §3.1).
 */

/** Computes f(x) and writes ∇f(x) into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  /** Memory (pairs kept), default 10. */
  m?: number;
  /** Maximum iterations, default 100 (scikit-learn's default max_iter). */
  maxIter?: number;
  /** Stop when max |g_i| ≤ gtol (scikit-learn's lbfgs tol), default 1e-4. */
  gtol?: number;
  /** Stop when the relative decrease of f over the last `ftolWindow` iterations is below ftol, default 1e-9. */
  ftol?: number;
  /**
   * Iterations the decrease is measured over, default 1 (scipy's rule). A longer window ignores single
   * iterations of little progress, which L-BFGS makes now and then long before it has converged.
   */
  ftolWindow?: number;
  /** Vector loops: 'auto' (WebAssembly SIMD for large n when available), 'wasm-simd' or 'js'. */
  backend?: 'auto' | 'wasm-simd' | 'js';
  /** Called after each iteration; return false to stop. */
  onIteration?: (iter: number, f: number, gInf: number) => boolean | void;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

import { createVectorSpace } from './lbfgs-vectors.js';

const C1 = 1e-4;
const MAX_BACKTRACK = 40;

/** Minimises f from x0 (x0 is not modified). */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.m ?? 10;
  const maxIter = options.maxIter ?? 100;
  const gtol = options.gtol ?? 1e-4;
  const ftol = options.ftol ?? 1e-9;
  const window = Math.max(1, Math.floor(options.ftolWindow ?? 1));
  const n = x0.length;
  // Every array up front, in the space whose loops run on them: x, g, x_new, g_new, d, then m pairs (s, y).
  const space = createVectorSpace(n, 5 + 2 * m, options.backend);
  const ops = space.ops;
  const [x, g, xNew, gNew, d] = space.vectors as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  x.set(x0);
  // The last m pairs in a ring: slot (head − 1 − j) mod m is the j-th newest.
  const S = space.vectors.slice(5, 5 + m);
  const Y = space.vectors.slice(5 + m);
  const rho = new Float64Array(m);
  const alpha = new Float64Array(m);
  let head = 0; // next slot to write
  let count = 0; // pairs held
  let gammaH0 = 1;
  const slot = (age: number): number => (head - 1 - age + 2 * m) % m;
  let fx = f(x, g);
  // f after each of the last `window` iterations (history[i % window] = f after iteration i), f₀ first.
  const history = new Float64Array(window);
  history[0] = fx;
  let evaluations = 1;
  let iterations = 0;
  let converged = ops.infNorm(g) <= gtol;

  while (!converged && iterations < maxIter) {
    // Two-loop recursion d = −H g (Nocedal & Wright 2006, Alg. 7.4); each pass also takes the dot product the
    // next step needs, so every stored pair costs two passes over n instead of four, and g·d comes out of the
    // last pass.
    let gd: number;
    if (count > 0) {
      let sd = ops.negate(d, g, S[slot(0)]!);
      for (let age = 0; age < count; age++) {
        const k = slot(age);
        const a = rho[k]! * sd;
        alpha[k] = a;
        // The last pair also scales by H₀ = γI and takes y_oldest·d for the second loop.
        const last = age + 1 === count;
        sd = ops.axpyDot(d, -a, Y[k]!, last ? gammaH0 : 1, last ? Y[slot(count - 1)]! : S[slot(age + 1)]!);
      }
      let yd = sd;
      for (let age = count - 1; age >= 0; age--) {
        const k = slot(age);
        const b = alpha[k]! - rho[k]! * yd;
        yd = ops.axpyDot(d, b, S[k]!, 1, age > 0 ? Y[slot(age - 1)]! : g);
      }
      gd = yd;
    } else {
      gd = ops.negate(d, g, g);
    }
    if (!(gd < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      count = 0;
      gd = ops.negate(d, g, g);
    }
    let t = count === 0 ? Math.min(1, 1 / Math.sqrt(-gd)) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let b = 0; b < MAX_BACKTRACK; b++) {
      ops.step(xNew, x, t, d);
      fNew = f(xNew, gNew);
      evaluations++;
      if (fNew <= fx + C1 * t * gd) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) break;
    iterations++;
    // New pair s = x_new − x, y = g_new − g into slot `head` (the oldest once the ring is full); x and g move on
    // in the same pass.
    const { sy, ss, yy, gInf } = ops.advance(x, g, xNew, gNew, S[head]!, Y[head]!);
    if (sy > 1e-10 * Math.sqrt(ss * yy)) {
      rho[head] = 1 / sy;
      gammaH0 = sy / yy;
      head = (head + 1) % m;
      count = Math.min(count + 1, m);
    } else if (count === m) {
      count--; // the rejected pair overwrote the oldest one
    }
    // Decrease since iteration (iterations − window): f then is in the slot f now replaces.
    const before = history[iterations % window]!;
    history[iterations % window] = fNew;
    fx = fNew;
    const stalled = iterations >= window && before - fNew <= ftol * Math.max(Math.abs(before), Math.abs(fNew), 1);
    if (gInf <= gtol || stalled) converged = true;
    if (options.onIteration?.(iterations, fx, gInf) === false) break;
  }
  // A copy: x may be a view of the WebAssembly memory, which should not outlive the run.
  return { x: Float64Array.from(x), f: fx, iterations, evaluations, converged };
}
