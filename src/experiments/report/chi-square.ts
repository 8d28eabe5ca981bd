/**
 * @module The chi-square distribution's upper tail, P(χ²_k ≥ x) = Q(k/2, x/2), the regularized upper incomplete
 * gamma function: its power series below a + 1, Lentz's continued fraction above (Numerical Recipes §6.2).
 */

const EPS = 1e-15;
const MAX_TERMS = 1000;

/** ln Γ(z) for z > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
function logGamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const x = z - 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(a, x), the regularized lower incomplete gamma, by its series (converges fast for x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let sum = 1 / a, term = sum;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Q(a, x) by its continued fraction (converges fast for x ≥ a + 1). */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** P(χ² with `df` degrees of freedom ≥ x). */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be positive, got ${df}`);
  if (!(x > 0)) return 1;
  const a = df / 2, h = x / 2;
  return h < a + 1 ? 1 - lowerSeries(a, h) : upperFraction(a, h);
}
