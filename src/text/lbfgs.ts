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
  /** Stop when the relative decrease of f is below ftol, default 1e-9. */
  ftol?: number;
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

const C1 = 1e-4;
const MAX_BACKTRACK = 40;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function infNorm(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (v > m) m = v;
  }
  return m;
}

/** Minimises f from x0 (x0 is not modified). */
export function lbfgs(f: Objective, x0: Float64Array, options: LbfgsOptions = {}): LbfgsResult {
  const m = options.m ?? 10;
  const maxIter = options.maxIter ?? 100;
  const gtol = options.gtol ?? 1e-4;
  const ftol = options.ftol ?? 1e-9;
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const d = new Float64Array(n);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(m);
  let fx = f(x, g);
  let evaluations = 1;
  let iterations = 0;
  let converged = infNorm(g) <= gtol;

  while (!converged && iterations < maxIter) {
    // Two-loop recursion: d = −H g.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      alpha[j] = rho[j]! * dot(S[j]!, d);
      const y = Y[j]!, a = alpha[j]!;
      for (let i = 0; i < n; i++) d[i]! -= a * y[i]!;
    }
    if (k > 0) {
      const gamma = dot(S[k - 1]!, Y[k - 1]!) / dot(Y[k - 1]!, Y[k - 1]!);
      for (let i = 0; i < n; i++) d[i]! *= gamma;
    }
    for (let j = 0; j < k; j++) {
      const s = S[j]!;
      const b = alpha[j]! - rho[j]! * dot(Y[j]!, d);
      for (let i = 0; i < n; i++) d[i]! += b * s[i]!;
    }
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      gd = dot(g, d);
    }
    let t = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-gd)) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let b = 0; b < MAX_BACKTRACK; b++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + t * d[i]!;
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
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const decrease = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    const gInf = infNorm(g);
    if (gInf <= gtol || decrease <= ftol * Math.max(Math.abs(fx), Math.abs(fNew), 1)) converged = true;
    if (options.onIteration?.(iterations, fx, gInf) === false) break;
  }
  return { x, f: fx, iterations, evaluations, converged };
}
