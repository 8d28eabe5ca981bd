import { describe, expect, it } from 'vitest';
import { epsilonFromRdp } from './conversion.js';
import { computeRdp, DEFAULT_ORDERS, DP_SGD_ORDERS } from './rdp.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('RDP → (ε, δ) conversion', () => {
  it('classic: ε = RDP(α) + log(1/δ)/(α − 1), by hand for a constant RDP', () => {
    // A constant RDP (pure DP) is best converted at the largest order.
    const orders = range(2, 33);
    const { epsilon, order } = epsilonFromRdp(orders, orders.map(() => 1.1), 1e-5, 'classic');
    expect(order).toBe(32);
    expect(epsilon).toBeCloseTo(1.1 + Math.log(1e5) / 31, 12);
  });

  it('tight: matches TensorFlow Privacy test_get_privacy_spent_check_target_delta', () => {
    const orders = range(2, 33);
    const { epsilon, order } = epsilonFromRdp(orders, orders.map(() => 1.1), 1e-5, 'tight');
    expect(order).toBe(32);
    expect(epsilon).toBeCloseTo(1.32783806176, 10);
  });

  it('tight: the plain Gaussian with σ = 4.530877117 is (1, 1e-6)-DP on a fine grid of orders', () => {
    const orders = Array.from({ length: 99_000 }, (_, i) => 0.001 * (i + 1001));
    const rdp = computeRdp(1, 4.530877117, 1, orders);
    expect(epsilonFromRdp(orders, rdp, 1e-6, 'tight').epsilon).toBeCloseTo(1, 6);
  });

  it('reproduces TensorFlow Privacy compute_dp_sgd_privacy_test in both conversions', () => {
    // (n, batch, σ, epochs, δ) → ε classic (before Dec 2020), ε tight (after), optimal order.
    const cases: [number, number, number, number, number, number, number, number][] = [
      [60000, 150, 1.3, 15, 1e-5, 0.941870567, 0.7242234026109595, 19],
      [100000, 100, 1.0, 30, 1e-7, 1.70928734, 1.4154988495444842, 13],
      [100000000, 1024, 0.1, 10, 1e-7, 5907984.81339406, 5907982.31138195, 1.25],
    ];
    for (const [n, batch, sigma, epochs, delta, classic, tight, order] of cases) {
      const rdp = computeRdp(batch / n, sigma, Math.ceil((epochs * n) / batch), DP_SGD_ORDERS);
      const c = epsilonFromRdp(DP_SGD_ORDERS, rdp, delta, 'classic');
      const t = epsilonFromRdp(DP_SGD_ORDERS, rdp, delta, 'tight');
      expect(Math.abs(c.epsilon - classic) / classic).toBeLessThan(1e-8);
      expect(Math.abs(t.epsilon - tight) / tight).toBeLessThan(1e-8);
      expect(c.order).toBe(order);
      expect(t.order).toBe(order);
    }
  });

  it('reproduces the TensorFlow Privacy composition test (two mechanisms, classic)', () => {
    const orders = [1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256];
    const a = computeRdp(1e-4, 0.4, 40000, orders), b = computeRdp(0.1, 2, 100, orders);
    const { epsilon, order } = epsilonFromRdp(orders, a.map((v, i) => v + b[i]!), 1e-5, 'classic');
    expect(epsilon).toBeCloseTo(8.509656, 5);
    expect(order).toBe(2.5);
    const old = epsilonFromRdp(range(2, 33), computeRdp(0.01, 4, 10000, range(2, 33)), 1e-5, 'classic');
    expect(old.epsilon).toBeCloseTo(1.258575, 5);
    expect(old.order).toBe(20);
  });

  it('reproduces the example of Opacus rdp.py (tight)', () => {
    const orders = range(2, 33);
    const a = computeRdp(1e-5, 1, 10, orders), b = computeRdp(1e-4, 3, 4, orders);
    const { epsilon, order } = epsilonFromRdp(orders, a.map((v, i) => v + b[i]!), 1e-5, 'tight');
    expect(epsilon).toBeCloseTo(0.336, 3);
    expect(order).toBe(23);
  });

  it('tight is never above classic', () => {
    for (const [q, sigma, steps] of [[0.004, 1.1, 14000], [0.04, 0.6, 100], [1, 3, 1], [1e-3, 5, 1e6]] as const) {
      for (const delta of [1e-3, 1e-5, 1e-9]) {
        const rdp = computeRdp(q, sigma, steps, DEFAULT_ORDERS);
        expect(epsilonFromRdp(DEFAULT_ORDERS, rdp, delta, 'tight').epsilon).toBeLessThanOrEqual(epsilonFromRdp(DEFAULT_ORDERS, rdp, delta, 'classic').epsilon);
      }
    }
  });

  it('gives ε = 0 when nothing is spent and ∞ with no noise', () => {
    expect(epsilonFromRdp([2, 3], [0, 0], 1e-5, 'classic')).toEqual({ epsilon: 0, order: 2 });
    expect(epsilonFromRdp([2, 3], [Infinity, Infinity], 1e-5, 'tight')).toEqual({ epsilon: Infinity, order: null });
  });

  it('names the invalid argument', () => {
    expect(() => epsilonFromRdp([2, 3], [1], 1e-5)).toThrow(/rdp: expected one value per order/);
    expect(() => epsilonFromRdp([2], [-1], 1e-5)).toThrow(/rdp\[0\]/);
    expect(() => epsilonFromRdp([2], [1], 0)).toThrow(/delta: expected 0 < δ < 1/);
    expect(() => epsilonFromRdp([2], [1], 1)).toThrow(/delta/);
    expect(() => epsilonFromRdp([1], [1], 1e-5)).toThrow(/orders\[0\]/);
    expect(() => epsilonFromRdp([2], [1], 1e-5, 'loose' as 'tight')).toThrow(/unknown RDP conversion "loose"/);
  });
});
