import { describe, it, expect } from 'vitest';
import { createRng } from '../core/rng.js';
import { applyPlatt, fitPlatt, fitTemperature, temperatureNll } from './calibration.js';

describe('fitPlatt', () => {
  it('recovers planted (a, b) from labels drawn with p = σ(a·z + b)', () => {
    const rng = createRng(3);
    const z: number[] = [], y: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const v = rng.normal() * 2;
      z.push(v);
      y.push(rng.next() < 1 / (1 + Math.exp(-(0.5 * v - 1))) ? 1 : 0);
    }
    const p = fitPlatt(z, y);
    expect(p.a).toBeCloseTo(0.5, 1);
    expect(p.b).toBeCloseTo(-1, 1);
    expect(applyPlatt(p, 2)).toBeCloseTo(1 / (1 + Math.exp(-(p.a * 2 + p.b))), 12);
  });
});

describe('fitTemperature', () => {
  it('recovers the temperature that generated the labels', () => {
    const rng = createRng(5);
    const k = 4, n = 8000, trueT = 2.5;
    const logits = new Float32Array(n * k), labels = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const pr: number[] = [];
      for (let c = 0; c < k; c++) { logits[r * k + c] = rng.normal() * 4; pr.push(Math.exp(logits[r * k + c]! / trueT)); }
      const s = pr.reduce((a, b) => a + b, 0);
      let u = rng.next() * s, c = 0;
      while (c < k - 1 && u > pr[c]!) { u -= pr[c]!; c++; }
      labels[r] = c;
    }
    const t = fitTemperature(logits, labels, k);
    expect(t).toBeGreaterThan(2.1);
    expect(t).toBeLessThan(2.9);
    expect(temperatureNll(logits, labels, k, t)).toBeLessThanOrEqual(temperatureNll(logits, labels, k, 1));
  });
});

describe('fitPlatt on saturated logits', () => {
  it('keeps a positive slope and finite values when logits are huge (damped Newton)', () => {
    const rng = createRng(8);
    const z: number[] = [], y: number[] = [];
    for (let k = 0; k < 5000; k++) {
      const pos = rng.next() < 0.05;
      z.push(pos ? 8 + rng.normal() * 6 : -12 + rng.normal() * 6);
      y.push(rng.next() < (pos ? 0.6 : 0.02) ? 1 : 0);
    }
    const p = fitPlatt(z, y);
    expect(p.a).toBeGreaterThan(0);
    expect(Number.isFinite(p.b)).toBe(true);
    const mean = z.reduce((s, v) => s + applyPlatt(p, v), 0) / z.length;
    const rate = y.reduce((s, v) => s + v, 0) / y.length;
    expect(Math.abs(mean - rate)).toBeLessThan(0.01);
  });
});

describe('temperatureNll', () => {
  it('equals −mean ln softmax(z / T)[label] computed directly', () => {
    const logits = Float64Array.of(1, 2, 0.5, -1, 3, 0);
    const labels = [2, 1], K = 3, T = 1.7;
    let direct = 0;
    for (let r = 0; r < 2; r++) {
      const e = [0, 1, 2].map((c) => Math.exp(logits[r * K + c]! / T));
      direct -= Math.log(e[labels[r]!]! / (e[0]! + e[1]! + e[2]!));
    }
    expect(temperatureNll(logits, labels, K, T)).toBeCloseTo(direct / 2, 12);
  });

  it('stays finite on saturated logits where the softmax probability underflows', () => {
    const nll = temperatureNll(Float32Array.of(0, 2000), [0], 2, 1);
    expect(nll).toBeCloseTo(2000, 6);
  });
});

describe('fitTemperature search range', () => {
  it('returns 1 without labels and reaches temperatures above 20 (the interval is [e⁻⁴, e⁴])', () => {
    expect(fitTemperature([], [], 3)).toBe(1);
    // Both labels contradict their logits: the NLL falls all the way to T → ∞, so the search ends at e⁴.
    const logits = Float64Array.of(5, 0, 0, 5);
    const t = fitTemperature(logits, [1, 0], 2);
    expect(t).toBeGreaterThan(20);
    expect(t).toBeLessThanOrEqual(Math.exp(4) + 1e-9);
  });
});
