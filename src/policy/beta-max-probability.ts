/**
 * @module The probability that arm i's draw is the largest of independent Beta draws — the propensity of
 * Beta-Bernoulli Thompson sampling, which has no closed form for more than two arms:
 *
 *     P(i) = ∫₀¹ f_i(x) · Π_{j≠i} F_j(x) dx
 *
 * with f the Beta density and F its CDF (the regularized incomplete beta). The integral runs over arm i's mass,
 * μ_i ± 12σ_i clipped to [0, 1], cut at every other arm's μ_j ± 12σ_j so a sharp CDF step gets its own pieces;
 * each piece is cut in `PIECE_STARTS` parts integrated by adaptive Simpson (Lyness 1969) to `TOLERANCE`.
 * Parameters must be ≥ 1 (bounded densities). Over the arms the results sum to 1 within 1e-5 (tested).
 */
import { logBeta, regularizedBeta } from '../math/special.js';

/** Parts of each piece that adaptive Simpson starts from (so its first look sees the shape). */
const PIECE_STARTS = 4;
/** Absolute error allowed per part. */
const TOLERANCE = 1e-8;
/** Deepest bisection of a part. */
const MAX_DEPTH = 40;
/** Standard deviations either side of a mean that bound the integral (the mass beyond is below 1e-30 for near-normal shapes). */
const SPAN = 12;

function mass(a: number, b: number): { lo: number; hi: number } {
  const s = a + b, mean = a / s, sd = Math.sqrt((a * b) / (s * s * (s + 1)));
  return { lo: Math.max(0, mean - SPAN * sd), hi: Math.min(1, mean + SPAN * sd) };
}

/** Beta(a, b) density at x for a, b ≥ 1 (0·log 0 taken as 0). */
function density(x: number, a: number, b: number, lbeta: number): number {
  const la = a === 1 ? 0 : (a - 1) * Math.log(x);
  const lb = b === 1 ? 0 : (b - 1) * Math.log1p(-x);
  return Math.exp(la + lb - lbeta);
}

/**
 * P(draw of arm `i` > the draws of the other arms), arm k ~ Beta(alpha[k], beta[k]), over `n` arms.
 */
export function betaMaxProbability(i: number, alpha: ArrayLike<number>, beta: ArrayLike<number>, n: number): number {
  if (n === 1) return 1;
  const a = alpha[i]!, b = beta[i]!;
  const lbi = logBeta(a, b);
  const lbeta: number[] = [];
  for (let j = 0; j < n; j++) lbeta.push(j === i ? lbi : logBeta(alpha[j]!, beta[j]!));
  const { lo, hi } = mass(a, b);
  const cuts = [lo, hi];
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const m = mass(alpha[j]!, beta[j]!);
    for (const c of [m.lo, m.hi]) if (c > lo && c < hi) cuts.push(c);
  }
  cuts.sort((x, y) => x - y);
  const integrand = (x: number): number => {
    let v = density(x, a, b, lbi);
    for (let j = 0; j < n && v > 0; j++) if (j !== i) v *= regularizedBeta(x, alpha[j]!, beta[j]!, lbeta[j]);
    return v;
  };
  let total = 0;
  for (let p = 0; p + 1 < cuts.length; p++) {
    const x0 = cuts[p]!, x1 = cuts[p + 1]!;
    if (!(x1 > x0)) continue;
    const h = (x1 - x0) / PIECE_STARTS;
    for (let k = 0; k < PIECE_STARTS; k++) total += adaptiveSimpson(integrand, x0 + k * h, x0 + (k + 1) * h);
  }
  return Math.min(1, Math.max(0, total));
}

function adaptiveSimpson(f: (x: number) => number, a: number, b: number): number {
  const fa = f(a), fb = f(b), m = (a + b) / 2, fm = f(m);
  return refine(f, a, b, fa, fm, fb, ((b - a) / 6) * (fa + 4 * fm + fb), TOLERANCE, MAX_DEPTH);
}

/** Simpson on [a, b] split in two halves until the halves agree with the whole (Richardson-corrected). */
function refine(f: (x: number) => number, a: number, b: number, fa: number, fm: number, fb: number, whole: number, tol: number, depth: number): number {
  const m = (a + b) / 2, lm = (a + m) / 2, rm = (m + b) / 2;
  const flm = f(lm), frm = f(rm);
  const left = ((m - a) / 6) * (fa + 4 * flm + fm), right = ((b - m) / 6) * (fm + 4 * frm + fb);
  const delta = left + right - whole;
  if (depth <= 0 || Math.abs(delta) <= 15 * tol) return left + right + delta / 15;
  return refine(f, a, m, fa, flm, fm, left, tol / 2, depth - 1) + refine(f, m, b, fm, frm, fb, right, tol / 2, depth - 1);
}
