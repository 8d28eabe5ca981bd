/**
 * @module Log-space arithmetic for the privacy accountant: sums and differences of numbers kept as their logs,
 * log Γ, log binomials and log erfc that stay accurate where the numbers themselves under- or overflow.
 * Zero is `-Infinity` in log space.
 */
import { createError } from '../core/errors.js';

/** log(exp(a) + exp(b)) without overflow. */
export function logAdd(a: number, b: number): number {
  const lo = Math.min(a, b), hi = Math.max(a, b);
  if (lo === -Infinity) return hi;
  return hi + Math.log1p(Math.exp(lo - hi));
}

/** log(exp(a) − exp(b)) for a ≥ b; the difference must not be negative. */
export function logSub(a: number, b: number): number {
  if (a < b) throw createError('INTERNAL', { problem: `logSub: the difference of exp(${a}) and exp(${b}) is negative` });
  if (b === -Infinity) return a;
  if (a === b) return -Infinity;
  const d = a - b;
  // expm1 overflows past ~709: then exp(a) − exp(b) is exp(a) to double precision.
  return d > 700 ? a : b + Math.log(Math.expm1(d));
}

export { lgamma } from '../math/special.js';
import { lgamma } from '../math/special.js';

/** log C(n, k) for integers 0 ≤ k ≤ n. */
export function logBinomial(n: number, k: number): number {
  if (k === 0 || k === n) return 0;
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

const SQRT_PI = Math.sqrt(Math.PI);

/** erf(x) for 0 ≤ x ≤ 3 by the series 2x/√π · e^(−x²) · Σ (2x²)ⁿ / (1·3·…·(2n+1)), whose terms are all positive. */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = 1, sum = 1;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return ((2 * x) / SQRT_PI) * Math.exp(-x2) * sum;
}

/**
 * log(√π · e^(x²) · erfc(x)) for x ≥ 2 by the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))),
 * evaluated with the modified Lentz method.
 */
function logScaledErfcCf(x: number): number {
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let n = 1; n < 10_000; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -Math.log(f);
}

/**
 * log(erfc(x)) for any real x, with relative accuracy kept for large x where erfc(x) itself underflows
 * (log erfc(30) ≈ −904.3; erfc(30) is below the smallest double).
 */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x === -Infinity) return Math.LN2;
  if (x < 0) {
    // erfc(x) = 1 + erf(−x) ∈ (1, 2): no precision is at stake.
    const ax = -x;
    return Math.log1p(ax <= 3 ? erfSeries(ax) : 1 - Math.exp(logErfc(ax)));
  }
  if (x < 2) return Math.log1p(-erfSeries(x));
  return -x * x - Math.log(SQRT_PI) + logScaledErfcCf(x);
}
