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

/** out = x + t·d. */
function step(out: Float64Array, x: Float64Array, t: number, d: Float64Array): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i]! + t * d[i]!;
}

/** d ← (d + a·v)·scale, returning w·d (the new d), or 0 without w. One pass over the arrays. */
function axpyDot(d: Float64Array, a: number, v: Float64Array, scale: number, w: Float64Array | null): number {
  const n = d.length;
  if (!w) {
    for (let i = 0; i < n; i++) d[i] = (d[i]! + a * v[i]!) * scale;
    return 0;
  }
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const x = (d[i]! + a * v[i]!) * scale;
    d[i] = x;
    acc += w[i]! * x;
  }
  return acc;
}

/** s = x_new − x, y = g_new − g, then x ← x_new, g ← g_new; returns sᵀy, sᵀs, yᵀy and max |g_new|. */
function advance(x: Float64Array, g: Float64Array, xNew: Float64Array, gNew: Float64Array, s: Float64Array, y: Float64Array): { sy: number; ss: number; yy: number; gInf: number } {
  let sy = 0, ss = 0, yy = 0, gInf = 0;
  for (let i = 0; i < x.length; i++) {
    const si = xNew[i]! - x[i]!, gi = gNew[i]!, yi = gi - g[i]!;
    s[i] = si;
    y[i] = yi;
    sy += si * yi;
    ss += si * si;
    yy += yi * yi;
    x[i] = xNew[i]!;
    g[i] = gi;
    const ag = gi < 0 ? -gi : gi;
    if (ag > gInf) gInf = ag;
  }
  return { sy, ss, yy, gInf };
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
  const window = Math.max(1, Math.floor(options.ftolWindow ?? 1));
  const n = x0.length;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const d = new Float64Array(n);
  // The last m pairs in a ring: slot (head − 1 − j) mod m is the j-th newest; allocated once.
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
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
  let converged = infNorm(g) <= gtol;

  while (!converged && iterations < maxIter) {
    // Two-loop recursion d = −H g (Nocedal & Wright 2006, Alg. 7.4); each pass also takes the dot product the
    // next step needs, so every stored pair costs two passes over n instead of four.
    for (let i = 0; i < n; i++) d[i] = -g[i]!;
    if (count > 0) {
      let sd = dot(S[slot(0)]!, d);
      for (let age = 0; age < count; age++) {
        const k = slot(age);
        const a = rho[k]! * sd;
        alpha[k] = a;
        // The last pair also scales by H₀ = γI and takes y_oldest·d for the second loop.
        const last = age + 1 === count;
        sd = axpyDot(d, -a, Y[k]!, last ? gammaH0 : 1, last ? Y[slot(count - 1)]! : S[slot(age + 1)]!);
      }
      let yd = sd;
      for (let age = count - 1; age >= 0; age--) {
        const k = slot(age);
        const b = alpha[k]! - rho[k]! * yd;
        yd = axpyDot(d, b, S[k]!, 1, age > 0 ? Y[slot(age - 1)]! : null);
      }
    }
    let gd = dot(g, d);
    if (!(gd < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      count = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      gd = dot(g, d);
    }
    let t = count === 0 ? Math.min(1, 1 / Math.sqrt(-gd)) : 1;
    let fNew = Infinity;
    let accepted = false;
    for (let b = 0; b < MAX_BACKTRACK; b++) {
      step(xNew, x, t, d);
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
    if (S.length === head) {
      S.push(new Float64Array(n));
      Y.push(new Float64Array(n));
    }
    const { sy, ss, yy, gInf } = advance(x, g, xNew, gNew, S[head]!, Y[head]!);
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
  return { x, f: fx, iterations, evaluations, converged };
}
