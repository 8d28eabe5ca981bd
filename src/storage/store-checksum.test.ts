import { describe, expect, it } from 'vitest';
import { canonicalJson, TableChecksum } from './store-checksum.js';

const sumOf = (rows: unknown[]): TableChecksum => {
  const s = new TableChecksum();
  for (const r of rows) s.add(r);
  return s;
};

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order, drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson(null)).toBe('null');
  });
});

describe('TableChecksum', () => {
  const rows = [{ id: 'a', n: 1 }, { id: 'b', n: 2 }, { id: 'c', tags: ['x', 'y'] }];

  it('is the same whatever the order of rows and of keys', () => {
    const shuffled = [{ n: 2, id: 'b' }, { tags: ['x', 'y'], id: 'c' }, { n: 1, id: 'a' }];
    expect(sumOf(shuffled).checksum).toBe(sumOf(rows).checksum);
    expect(sumOf(rows).rows).toBe(3);
  });

  it('changes when a row is missing, repeated or altered (a sum, not an xor: a repeated row does not cancel)', () => {
    const base = sumOf(rows).checksum;
    expect(sumOf(rows.slice(1)).checksum).not.toBe(base);
    expect(sumOf([...rows, rows[0], rows[0]]).checksum).not.toBe(base);
    expect(sumOf([rows[0], rows[1], { id: 'c', tags: ['y', 'x'] }]).checksum).not.toBe(base);
    expect(sumOf([]).checksum).toBe('0000000000000000');
  });
});
