import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { csrFromDense, csrGet, csrTranspose, type Csr } from '../../math/csr.js';
import { bm25Weight } from './bm25-weight.js';
import { asymmetricCosineMeasure, binarize, cosineMeasure, jaccardMeasure, knnSimilarity, squaredNorms, type SimilarityMeasure } from './similarity.js';
import { knnSimilarityRef } from './similarity.ref.js';

// users × items
//        i0 i1 i2 i3
//   u0 [  1  1  0  0 ]
//   u1 [  1  0  1  0 ]
//   u2 [  0  1  1  1 ]
//   u3 [  1  1  0  1 ]
// item columns: ‖i0‖² = ‖i1‖² = 3, ‖i2‖² = ‖i3‖² = 2;
// dots: i0·i1 = 2, i0·i2 = 1, i0·i3 = 1, i1·i2 = 1, i1·i3 = 2, i2·i3 = 1.
const X = csrFromDense(4, 4, [1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 1]);

function itemSim(x: Csr, neighbours: number, measure: SimilarityMeasure): Csr {
  const xT = csrTranspose(x);
  return knnSimilarity(xT, x, squaredNorms(xT), { neighbours, measure });
}

describe('item similarity on a hand-computed 4×4 example', () => {
  it('cosine with shrinkage λ = 1: dot / (‖a‖‖b‖ + 1)', () => {
    const s = itemSim(X, 10, cosineMeasure(1));
    // ‖i0‖‖i1‖ = 3, ‖i0‖‖i2‖ = √6, ‖i2‖‖i3‖ = 2. Stored as float32, so compared with the float32 rounding.
    const expected: [number, number, number][] = [
      [0, 1, 2 / (3 + 1)], [0, 2, 1 / (Math.sqrt(6) + 1)], [0, 3, 1 / (Math.sqrt(6) + 1)],
      [1, 2, 1 / (Math.sqrt(6) + 1)], [1, 3, 2 / (Math.sqrt(6) + 1)], [2, 3, 1 / (2 + 1)],
    ];
    for (const [a, b, v] of expected) {
      expect(csrGet(s, a, b)).toBe(Math.fround(v));
      expect(csrGet(s, b, a)).toBe(Math.fround(v));
    }
    expect(csrGet(s, 0, 2)).toBeCloseTo(0.2898979485566356, 7); // (√6 − 1) / 5
    for (let i = 0; i < 4; i++) expect(csrGet(s, i, i)).toBe(0);
    expect(s.indptr[4]).toBe(12);
  });

  it('keeps the top-k neighbours per row, ties to the smaller index', () => {
    const s = itemSim(X, 2, cosineMeasure(1));
    // Row i0: 0.5 (i1), then i2 and i3 tie at 1/(√6+1) → i2. Row i2: 1/3 (i3), then i0 and i1 tie → i0.
    expect(Array.from(s.indices.subarray(s.indptr[0]!, s.indptr[1]!))).toEqual([1, 2]);
    expect(Array.from(s.indices.subarray(s.indptr[2]!, s.indptr[3]!))).toEqual([0, 3]);
  });

  it('weights enter the dot products and norms', () => {
    const w = csrFromDense(4, 4, [1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 2, 1, 0, 1]);
    // i0 = (1, 1, 0, 2): ‖i0‖² = 6; i0·i1 = 1 + 2 = 3; ‖i1‖² = 3 → 3 / √18 = 1/√2.
    expect(csrGet(itemSim(w, 10, cosineMeasure(0)), 0, 1)).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('Jaccard: |a∩b| / (|a| + |b| − |a∩b|)', () => {
    const s = itemSim(binarize(X), 10, jaccardMeasure(0));
    expect(csrGet(s, 0, 1)).toBeCloseTo(2 / 4, 6);
    expect(csrGet(s, 2, 3)).toBeCloseTo(1 / 3, 6);
    expect(csrGet(s, 0, 2)).toBeCloseTo(1 / 4, 6);
  });

  it('asymmetric cosine with α = 1 is P(b | a), with α = ½ cosine', () => {
    const s = itemSim(X, 10, asymmetricCosineMeasure(1, 0));
    expect(csrGet(s, 0, 1)).toBeCloseTo(2 / 3, 6); // of i0's 3 users, 2 have i1
    expect(csrGet(s, 2, 0)).toBeCloseTo(1 / 2, 6); // of i2's 2 users, 1 has i0
    expect(csrGet(s, 0, 2)).toBeCloseTo(1 / 3, 6);
    const half = itemSim(X, 10, asymmetricCosineMeasure(0.5, 1));
    const cos = itemSim(X, 10, cosineMeasure(1));
    for (let k = 0; k < cos.data.length; k++) expect(half.data[k]).toBeCloseTo(cos.data[k]!, 6);
  });

  it('BM25 weights follow the formula (items are documents, users terms)', () => {
    const b = bm25Weight(X, { k1: 1.2, b: 0.75 });
    // u0 has 2 items of N = 4 → idf = log 4 − log 3; item i0 has length 3, mean length 2.5.
    const norm = 0.25 + (0.75 * 3) / 2.5;
    expect(csrGet(b, 0, 0)).toBeCloseTo(((1 * 2.2) / (1.2 * norm + 1)) * (Math.log(4) - Math.log(3)), 6);
    // u2 has 3 items → idf = log 4 − log 4 = 0.
    expect(csrGet(b, 2, 1)).toBe(0);
  });
});

describe('knnSimilarity against its dense reference twin', () => {
  it('matches on random sparse matrices for every measure', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 6; trial++) {
      const rows = 5 + rng.int(30), cols = 5 + rng.int(30);
      const dense = new Float32Array(rows * cols);
      // Small integer weights make exact ties likely, so tie-breaking is compared too.
      for (let k = 0; k < dense.length; k++) if (rng.next() < 0.2) dense[k] = 1 + rng.int(3);
      const a = csrFromDense(rows, cols, dense);
      for (const [neighbours, measure] of [
        [3, cosineMeasure(0)], [5, cosineMeasure(2.5)], [100, asymmetricCosineMeasure(0.3, 1)], [4, jaccardMeasure(0.5)],
      ] as [number, SimilarityMeasure][]) {
        const fast = knnSimilarity(a, csrTranspose(a), squaredNorms(a), { neighbours, measure });
        const ref = knnSimilarityRef(a, neighbours, measure);
        expect(Array.from(fast.indptr)).toEqual(Array.from(ref.indptr));
        expect(Array.from(fast.indices)).toEqual(Array.from(ref.indices));
        expect(Array.from(fast.data)).toEqual(Array.from(ref.data));
      }
    }
  });
});
