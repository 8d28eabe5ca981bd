import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { cryptoGaussian, seededGaussian, type GaussianNoise } from './gaussian-noise.js';
import { logErfc } from './log-math.js';

/** Φ(x), the standard normal CDF. */
const phi = (x: number): number => 0.5 * Math.exp(logErfc(-x / Math.SQRT2));

/** Kolmogorov–Smirnov statistic of the sample against Φ. */
function ksStatistic(xs: Float64Array): number {
  const s = Float64Array.from(xs).sort();
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const c = phi(s[i]!);
    d = Math.max(d, (i + 1) / s.length - c, c - i / s.length);
  }
  return d;
}

function check(noise: GaussianNoise, n: number): void {
  const xs = new Float64Array(n);
  noise.fill(xs);
  let m1 = 0, m2 = 0, m4 = 0, beyondR = 0, beyond2 = 0;
  for (const x of xs) {
    m1 += x; m2 += x * x; m4 += x ** 4;
    if (Math.abs(x) > 3.442619855899) beyondR++;
    if (Math.abs(x) > 2) beyond2++;
  }
  m1 /= n; m2 /= n; m4 /= n;
  // Standard errors at n = 400 000: mean 0.0016, variance 0.0022, fourth moment 0.015; bounds at about 4.5 s.e.
  expect(Math.abs(m1)).toBeLessThan(0.007);
  expect(Math.abs(m2 - 1)).toBeLessThan(0.01);
  expect(Math.abs(m4 - 3)).toBeLessThan(0.07);
  // KS at α = 0.001: D < 1.95 / √n.
  expect(ksStatistic(xs)).toBeLessThan(1.95 / Math.sqrt(n));
  // The tail beyond R (drawn by Marsaglia's tail method): expected 2(1 − Φ(R)) n ≈ 230, sd 15.
  const tail = 2 * (1 - phi(3.442619855899)) * n;
  expect(Math.abs(beyondR - tail)).toBeLessThan(5 * Math.sqrt(tail));
  const two = 2 * (1 - phi(2)) * n;
  expect(Math.abs(beyond2 - two)).toBeLessThan(5 * Math.sqrt(two));
}

describe('Ziggurat Gaussian noise', () => {
  it('seeded: moments, tails and a KS test against N(0, 1)', () => {
    check(seededGaussian(createRng(11)), 400_000);
  });

  it('crypto: the same checks (different draws each run)', () => {
    check(cryptoGaussian(), 400_000);
  });

  it('seeded draws repeat for a seed; next() and fill() read one stream; crypto draws do not repeat', () => {
    const a = new Float64Array(50_000), b = new Float64Array(50_000);
    seededGaussian(createRng(3)).fill(a);
    const g = seededGaussian(createRng(3));
    b[0] = g.next();
    g.fill(b.subarray(1));
    expect(b).toEqual(a);
    const c1 = new Float32Array(1000), c2 = new Float32Array(1000);
    cryptoGaussian().fill(c1);
    cryptoGaussian().fill(c2);
    expect(c1).not.toEqual(c2);
  });

  it('draws on successive calls are uncorrelated (lag-1 correlation near 0)', () => {
    const xs = new Float64Array(200_000);
    seededGaussian(createRng(5)).fill(xs);
    let c = 0;
    for (let i = 1; i < xs.length; i++) c += xs[i]! * xs[i - 1]!;
    // s.e. 1/√n ≈ 0.0022.
    expect(Math.abs(c / (xs.length - 1))).toBeLessThan(0.011);
  });
});
