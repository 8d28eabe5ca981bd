import { describe, it, expect } from 'vitest';
import { sequenceFeatureDim, writeSequenceFeatures } from './sequence-features.js';

const H = 3_600_000;

describe('writeSequenceFeatures', () => {
  it('matches hand-computed values on a three-event history', () => {
    // classes: 0, 1; events at 0 h (0), 2 h (1), 5 h (1); query at 7 h.
    const seq = { cls: Int32Array.from([0, 1, 1]), time: Float64Array.from([0, 2 * H, 5 * H]) };
    const K = 2, dim = sequenceFeatureDim(K);
    const out = new Float32Array(dim);
    writeSequenceFeatures(seq, 3, 7 * H, K, 20, out, 0);
    expect(Array.from(out.slice(0, 6))).toEqual([0, 1, 0, 1, 1, 0]); // last, second-last, third-last
    expect(out[6]).toBeCloseTo(1 / 3, 6); // share of class 0
    expect(out[7]).toBeCloseTo(2 / 3, 6);
    expect(out[8]).toBeCloseTo(Math.log1p(3), 6); // count
    expect(out[9]).toBeCloseTo(Math.log1p(2), 6); // hours since last
    expect(out[10]).toBeCloseTo(Math.log1p(3), 6); // last gap
    expect(out[11]).toBeCloseTo((Math.log1p(2) + Math.log1p(3)) / 2, 6); // mean log gap
    expect(out[12]).toBeCloseTo(Math.log1p(3), 6); // events in 24 h
    expect(out[14]).toBeCloseTo(1 / 30, 6); // one active day
    expect(out[15]).toBeCloseTo(Math.sin((2 * Math.PI * 7) / 24), 5);
  });

  it('sees only the prefix: later events do not leak', () => {
    const seq = { cls: Int32Array.from([0, 1, 0]), time: Float64Array.from([0, H, 2 * H]) };
    const a = new Float32Array(sequenceFeatureDim(2)), b = new Float32Array(sequenceFeatureDim(2));
    writeSequenceFeatures(seq, 2, 3 * H, 2, 20, a, 0);
    writeSequenceFeatures({ cls: seq.cls.slice(0, 2), time: seq.time.slice(0, 2) }, 2, 3 * H, 2, 20, b, 0);
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
