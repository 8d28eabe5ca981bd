import { describe, expect, it } from 'vitest';
import { createRdpAccountant } from './accountant.js';
import { stepsForEpochs } from './steps.js';

const MNIST_Q = 256 / 60000;

describe('RDP accountant', () => {
  it('reproduces the TensorFlow Privacy MNIST tutorial table within ±0.05 (classic conversion, default orders)', () => {
    // tensorflow/privacy tutorials/README.md (January 2019): batch 256 of 60 000, δ = 1e-5. The tutorial counted
    // epochs × ⌊60000/256⌋ steps; compute_dp_sgd_privacy counts ⌈epochs × 60000/256⌉. Both are within the tolerance.
    const table: [number, number, number][] = [
      [1.12, 60, 2.92],
      [0.6, 30, 9.74],
      [1.2, 10, 1.2],
    ];
    for (const [noiseMultiplier, epochs, published] of table) {
      const acc = createRdpAccountant({ noiseMultiplier, sampleRate: MNIST_Q, delta: 1e-5, conversion: 'classic' });
      for (const steps of [epochs * Math.floor(60000 / 256), stepsForEpochs(epochs, MNIST_Q)]) {
        expect(Math.abs(acc.epsilonFor(steps) - published), `σ=${noiseMultiplier} ${epochs} epochs, ${steps} steps`).toBeLessThanOrEqual(0.05);
      }
    }
  });

  it('reproduces the later TensorFlow Privacy tutorial table (σ 1.1 / 60 epochs: 3.01; 1.3 / 15: 1.19; 0.7 / 45: 7.10)', () => {
    for (const [noiseMultiplier, epochs, published] of [[1.1, 60, 3.01], [1.3, 15, 1.19], [0.7, 45, 7.1]] as const) {
      const acc = createRdpAccountant({ noiseMultiplier, sampleRate: MNIST_Q, delta: 1e-5, conversion: 'classic' });
      expect(Math.abs(acc.epsilonFor(epochs * 234) - published)).toBeLessThanOrEqual(0.05);
    }
  });

  it('reproduces Opacus accountants_test (σ 1.5, q 0.04, 2250 steps, tight): 7.32911117143', () => {
    const acc = createRdpAccountant({ noiseMultiplier: 1.5, sampleRate: 0.04, delta: 1e-5 });
    acc.step(2250);
    expect(acc.epsilon()).toBeCloseTo(7.32911117143, 8);
    expect(acc.spentFor(2250).order).toBe(3.9);
  });

  it('counts steps one at a time or in batches, and ε grows with them', () => {
    const acc = createRdpAccountant({ noiseMultiplier: 1.1, sampleRate: 0.01, delta: 1e-5 });
    expect(acc.steps).toBe(0);
    expect(acc.epsilon()).toBe(0);
    acc.step();
    acc.step(9);
    expect(acc.steps).toBe(10);
    expect(acc.epsilon()).toBe(acc.epsilonFor(10));
    let prev = 0;
    for (const steps of [1, 10, 100, 1000, 10000]) {
      const eps = acc.epsilonFor(steps);
      expect(eps).toBeGreaterThan(prev);
      prev = eps;
    }
  });

  it('ε falls with more noise and grows with the sampling rate', () => {
    const eps = (noiseMultiplier: number, sampleRate: number): number => createRdpAccountant({ noiseMultiplier, sampleRate, delta: 1e-5 }).epsilonFor(1000);
    expect(eps(0.8, 0.01)).toBeGreaterThan(eps(1.0, 0.01));
    expect(eps(1.0, 0.01)).toBeGreaterThan(eps(2.0, 0.01));
    expect(eps(1.0, 0.02)).toBeGreaterThan(eps(1.0, 0.01));
  });

  it('is the plain Gaussian at q = 1: ε(1 step) = min over α of α/(2σ²) + log(1/δ)/(α − 1)', () => {
    const sigma = 3, delta = 1e-5, orders = [2, 3, 4, 5, 6, 8, 10];
    const acc = createRdpAccountant({ noiseMultiplier: sigma, sampleRate: 1, delta, orders, conversion: 'classic' });
    const byHand = Math.min(...orders.map((a) => a / (2 * sigma * sigma) - Math.log(delta) / (a - 1)));
    expect(acc.epsilonFor(1)).toBeCloseTo(byHand, 12);
  });

  it('tells whether more steps would exceed a budget', () => {
    const acc = createRdpAccountant({ noiseMultiplier: 1.1, sampleRate: MNIST_Q, delta: 1e-5 });
    acc.step(1000);
    const now = acc.epsilon();
    expect(acc.wouldExceed(now + 1e-9, 0)).toBe(false);
    expect(acc.wouldExceed(now, 1)).toBe(true);
    expect(acc.wouldExceed(acc.epsilonFor(5000), 4000)).toBe(false);
    expect(acc.wouldExceed(acc.epsilonFor(5000), 4001)).toBe(true);
  });

  it('reports infinite ε without noise and zero with q = 0', () => {
    expect(createRdpAccountant({ noiseMultiplier: 0, sampleRate: 0.01, delta: 1e-5 }).epsilonFor(1)).toBe(Infinity);
    expect(createRdpAccountant({ noiseMultiplier: 0, sampleRate: 0.01, delta: 1e-5 }).wouldExceed(100)).toBe(true);
    expect(createRdpAccountant({ noiseMultiplier: 1, sampleRate: 0, delta: 1e-5 }).epsilonFor(1000)).toBe(0);
  });

  it('names the invalid option', () => {
    expect(() => createRdpAccountant({ noiseMultiplier: -1, sampleRate: 0.1, delta: 1e-5 })).toThrow(/noiseMultiplier:/);
    expect(() => createRdpAccountant({ noiseMultiplier: 1, sampleRate: 2, delta: 1e-5 })).toThrow(/sampleRate:/);
    expect(() => createRdpAccountant({ noiseMultiplier: 1, sampleRate: 0.1, delta: 0 })).toThrow(/delta:/);
    expect(() => createRdpAccountant({ noiseMultiplier: 1, sampleRate: 0.1, delta: 1e-5, orders: [0.5] })).toThrow(/orders\[0\]:/);
    const acc = createRdpAccountant({ noiseMultiplier: 1, sampleRate: 0.1, delta: 1e-5 });
    expect(() => acc.step(-1)).toThrow(/^n:/);
    expect(() => acc.epsilonFor(1.5)).toThrow(/^steps:/);
    expect(() => acc.wouldExceed(-1)).toThrow(/budgetEpsilon:/);
    expect(() => acc.wouldExceed(1, 0.5)).toThrow(/extraSteps:/);
  });
});

describe('stepsForEpochs', () => {
  it('is ceil(epochs / q), as compute_dp_sgd_privacy counts, without adding a step for a rounding error', () => {
    expect(stepsForEpochs(60, MNIST_Q)).toBe(14063); // 14062.5 → 14063
    expect(stepsForEpochs(90, 0.04)).toBe(2250);
    expect(stepsForEpochs(15, 150 / 60000)).toBe(6000);
    expect(stepsForEpochs(0, 0.1)).toBe(0);
    expect(stepsForEpochs(0.5, 0.3)).toBe(2);
    expect(() => stepsForEpochs(1, 0)).toThrow(/sampleRate:/);
    expect(() => stepsForEpochs(-1, 0.1)).toThrow(/epochs:/);
  });
});
