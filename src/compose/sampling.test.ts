import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { drawToken, sampleNext, temperatureProbs, topPFilter } from './sampling.js';

describe('sampling', () => {
  it('scales by temperature: softmax(logits / T) computed by hand', () => {
    // logits ln 1, ln 2, ln 5 at T = 1 → 1/8, 2/8, 5/8; at T = 2 → √1, √2, √5 normalized.
    const l = [Math.log(1), Math.log(2), Math.log(5)];
    const p1 = temperatureProbs(l, 1);
    [1 / 8, 2 / 8, 5 / 8].forEach((v, i) => expect(p1[i]).toBeCloseTo(v, 12));
    const z = 1 + Math.SQRT2 + Math.sqrt(5);
    const p2 = temperatureProbs(l, 2);
    [1 / z, Math.SQRT2 / z, Math.sqrt(5) / z].forEach((v, i) => expect(p2[i]).toBeCloseTo(v, 12));
  });

  it('temperature 0 is the argmax (ties to the lowest id), whatever the draw', () => {
    expect([...temperatureProbs([0.1, 3, 2, 3], 0)]).toEqual([0, 1, 0, 0]);
    const rng = createRng(1);
    for (let i = 0; i < 50; i++) expect(sampleNext([0.1, 3, 2.9, -1], { temperature: 0, topP: 0.5 }, rng)).toBe(1);
  });

  it('never gives a masked id mass, even when it is the argmax', () => {
    const p = temperatureProbs([5, 1, 1], 1, new Set([0]));
    expect(p[0]).toBe(0);
    expect(p[1]).toBeCloseTo(0.5, 12);
    expect([...temperatureProbs([5, 1, 2], 0, new Set([0]))]).toEqual([0, 0, 1]);
  });

  it('keeps the smallest nucleus reaching top-p and renormalizes it', () => {
    // Sorted 0.5 (id 2), 0.3 (id 0), 0.15 (id 3), 0.05 (id 1).
    const base = [0.3, 0.05, 0.5, 0.15];
    // p = 0.5: id 2 alone reaches it.
    expect([...topPFilter(Float64Array.from(base), 0.5)]).toEqual([0, 0, 1, 0]);
    // p = 0.6: 0.5 < 0.6, add id 0 → 0.8 ≥ 0.6; renormalized 0.3/0.8, 0.5/0.8.
    const p = topPFilter(Float64Array.from(base), 0.6);
    expect(p[0]).toBeCloseTo(0.375, 12);
    expect(p[2]).toBeCloseTo(0.625, 12);
    expect(p[1]).toBe(0);
    expect(p[3]).toBe(0);
    // p = 0.9: 0.5 + 0.3 + 0.15 = 0.95 ≥ 0.9 → id 1 cut.
    const q = topPFilter(Float64Array.from(base), 0.9);
    expect(q[1]).toBe(0);
    expect(q[3]).toBeCloseTo(0.15 / 0.95, 12);
    // p = 1 keeps everything.
    expect([...topPFilter(Float64Array.from(base), 1)]).toEqual(base);
  });

  it('draws by inverse CDF with the distribution’s frequencies, never a cut id', () => {
    const rng = createRng(7);
    const counts = [0, 0, 0, 0];
    const N = 20_000;
    for (let i = 0; i < N; i++) counts[sampleNext([Math.log(0.3), Math.log(0.05), Math.log(0.5), Math.log(0.15)], { temperature: 1, topP: 0.6 }, rng)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[3]).toBe(0);
    expect(counts[0]! / N).toBeCloseTo(0.375, 1);
    expect(drawToken([0, 0, 0], rng)).toBe(-1);
  });
});
