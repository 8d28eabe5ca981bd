import { describe, expect, it } from 'vitest';
import { computeRdp, DEFAULT_ORDERS, DP_SGD_ORDERS, rdpOneStep } from './rdp.js';

/**
 * A_α = ∫ N(z; 0, σ²) · ((1 − q) + q·exp((2z − 1)/(2σ²)))^α dz by the trapezoid rule on a wide, fine grid: an
 * independent check of the closed form and of the series.
 */
function logANumeric(q: number, sigma: number, alpha: number): number {
  const lo = -14 * sigma, hi = alpha + 14 * sigma, n = 200_000;
  const h = (hi - lo) / n;
  const logIntegrand = (z: number): number =>
    -(z * z) / (2 * sigma * sigma) - Math.log(sigma * Math.sqrt(2 * Math.PI)) + alpha * Math.log((1 - q) + q * Math.exp((2 * z - 1) / (2 * sigma * sigma)));
  let peak = -Infinity;
  for (let i = 0; i <= n; i++) peak = Math.max(peak, logIntegrand(lo + i * h));
  let sum = 0;
  for (let i = 0; i <= n; i++) sum += (i === 0 || i === n ? 0.5 : 1) * Math.exp(logIntegrand(lo + i * h) - peak);
  return peak + Math.log(sum * h);
}

describe('RDP of the Sampled Gaussian Mechanism', () => {
  it('has the default order grids of TensorFlow Privacy', () => {
    expect(DEFAULT_ORDERS).toHaveLength(99 + 52);
    expect(DEFAULT_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
    expect(DEFAULT_ORDERS[98]).toBeCloseTo(10.9, 12);
    expect(DEFAULT_ORDERS.slice(99, 101)).toEqual([12, 13]);
    expect(DEFAULT_ORDERS.at(-1)).toBe(63);
    expect(DP_SGD_ORDERS).toHaveLength(10 + 59 + 3);
    expect(DP_SGD_ORDERS.slice(8, 12)).toEqual([4, 4.5, 5, 6]);
    expect(DP_SGD_ORDERS.slice(-4)).toEqual([63, 128, 256, 512]);
  });

  it('reproduces the values of TensorFlow Privacy rdp_accountant_test', () => {
    // test_compute_rdp_scalar and test_compute_rdp_sequence (tensorflow/privacy, tensorflow_privacy/privacy/analysis).
    expect(computeRdp(0.1, 2, 10, [5])[0]).toBeCloseTo(0.07737, 5);
    const seq = computeRdp(0.01, 2.5, 50, [1.5, 2.5, 5, 50, 100, Infinity]);
    const expected = [0.00065, 0.001085, 0.00218075, 0.023846, 167.416307];
    expected.forEach((v, i) => expect(Math.abs(seq[i]! - v)).toBeLessThan(1e-5));
    expect(seq[5]).toBe(Infinity);
    // test_compute_rdp_no_data and test_compute_rdp_no_sampling.
    expect(computeRdp(0, 10, 1, [20])).toEqual([0]);
    expect(computeRdp(1, 10, 1, [20])).toEqual([0.1]);
  });

  it('agrees with numerical integration for integer and fractional orders', () => {
    const cases: [number, number, number][] = [
      [0.1, 2, 5],
      [0.05, 1.5, 7.3],
      [0.3, 0.8, 3.7],
      [0.01, 2.5, 2.5],
      [0.2, 3, 20.5],
      [0.02, 1, 12],
    ];
    for (const [q, sigma, alpha] of cases) {
      const logA = rdpOneStep(q, sigma, alpha) * (alpha - 1);
      expect(Math.abs(logA - logANumeric(q, sigma, alpha)) / Math.abs(logA), `q=${q} σ=${sigma} α=${alpha}`).toBeLessThan(1e-7);
    }
  });

  it('is continuous across integer orders (the series and the closed form meet)', () => {
    for (const alpha of [2, 5, 12]) {
      // The midpoint of the values just above and below the integer order is its value to O(h²).
      const h = 1e-5;
      const mid = (rdpOneStep(0.01, 1.1, alpha + h) + rdpOneStep(0.01, 1.1, alpha - h)) / 2;
      expect(Math.abs(mid - rdpOneStep(0.01, 1.1, alpha))).toBeLessThan(1e-9);
    }
  });

  it('is the plain Gaussian α/(2σ²) at q = 1, 0 at q = 0 and ∞ without noise', () => {
    expect(computeRdp(1, 2, 3, [1.5, 4, 32])).toEqual([(3 * 1.5) / 8, (3 * 4) / 8, (3 * 32) / 8]);
    expect(computeRdp(0, 0, 100, [2, 3])).toEqual([0, 0]);
    expect(computeRdp(0.01, 0, 100, [2, 3.5])).toEqual([Infinity, Infinity]);
    expect(computeRdp(0.01, 0, 0, [2])).toEqual([0]);
  });

  it('grows with steps and with q, and falls with σ', () => {
    const orders = [1.5, 2, 8, 32.5, 63];
    const base = computeRdp(0.01, 1.1, 1000, orders);
    const moreSteps = computeRdp(0.01, 1.1, 2000, orders);
    const moreQ = computeRdp(0.02, 1.1, 1000, orders);
    const moreNoise = computeRdp(0.01, 1.5, 1000, orders);
    orders.forEach((_, i) => {
      expect(moreSteps[i]).toBeCloseTo(2 * base[i]!, 10);
      expect(moreQ[i]).toBeGreaterThan(base[i]!);
      expect(moreNoise[i]).toBeLessThan(base[i]!);
    });
    // And with the order: Rényi divergences are non-decreasing in α.
    for (let i = 1; i < orders.length; i++) expect(base[i]).toBeGreaterThan(base[i - 1]!);
  });

  it('stays finite for a tiny q with little noise and a huge order (no overflow in log space)', () => {
    const [r] = computeRdp(1e-6, 0.1, 1, [256]);
    expect(Number.isFinite(r)).toBe(true);
    expect(r).toBeGreaterThan(0);
  });

  it('names the invalid argument', () => {
    expect(() => computeRdp(1.5, 1, 1, [2])).toThrow(/q: expected a sampling rate/);
    expect(() => computeRdp(-0.1, 1, 1, [2])).toThrow(/^q:/);
    expect(() => computeRdp(0.1, -1, 1, [2])).toThrow(/sigma:/);
    expect(() => computeRdp(0.1, NaN, 1, [2])).toThrow(/sigma:/);
    expect(() => computeRdp(0.1, 1, 2.5, [2])).toThrow(/steps:/);
    expect(() => computeRdp(0.1, 1, 1, [])).toThrow(/orders:/);
    expect(() => computeRdp(0.1, 1, 1, [2, 1])).toThrow(/orders\[1\]: expected a Rényi order > 1/);
    try {
      computeRdp(0.1, 1, -1, [2]);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'INVALID_INPUT', params: { field: 'steps' } });
    }
  });
});
