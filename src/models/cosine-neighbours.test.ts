import { describe, expect, it } from 'vitest';
import { cosineNeighbours } from './cosine-neighbours.js';

describe('cosineNeighbours', () => {
  it('ranks rows by cosine to the query row, excluding it and zero rows', () => {
    // rows: 0 = (1, 0), 1 = (2, 0) cos 1, 2 = (1, 1) cos 1/√2, 3 = (0, 0) not comparable, 4 = (-1, 0) cos -1
    const m = Float32Array.from([1, 0, 2, 0, 1, 1, 0, 0, -1, 0]);
    const r = cosineNeighbours(m, 2, 5, 0, 10);
    expect(r.map((x) => x.item)).toEqual([1, 2, 4]);
    expect(r[0]!.score).toBeCloseTo(1, 6);
    expect(r[1]!.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(r[2]!.score).toBeCloseTo(-1, 6);
    expect(cosineNeighbours(m, 2, 5, 0, 1).map((x) => x.item)).toEqual([1]);
  });
});
