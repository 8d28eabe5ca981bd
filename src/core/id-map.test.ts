import { describe, expect, it } from 'vitest';
import { IdMap } from './id-map.js';

describe('IdMap', () => {
  it('assigns dense indices in insertion order and maps back', () => {
    const m = new IdMap();
    expect(m.add('alice')).toBe(0);
    expect(m.add('bob')).toBe(1);
    expect(m.add('alice')).toBe(0);
    expect(m.size).toBe(2);
    expect(m.index('bob')).toBe(1);
    expect(m.index('carol')).toBe(-1);
    expect(m.id(1)).toBe('bob');
    expect(() => m.id(2)).toThrow(RangeError);
  });

  it('round-trips through JSON and rejects duplicates', () => {
    const m = IdMap.from(['a', 'b', 'c']);
    expect(IdMap.fromJSON(m.toJSON()).ids()).toEqual(['a', 'b', 'c']);
    expect(() => IdMap.fromJSON(['a', 'a'])).toThrow(/duplicate/);
  });

  it('renames an index in place: the old id stops resolving, a taken id is refused', () => {
    const m = IdMap.from(['a', 'b', 'c']);
    m.rename(1, 'x');
    expect(m.index('b')).toBe(-1);
    expect(m.index('x')).toBe(1);
    expect(m.ids()).toEqual(['a', 'x', 'c']);
    expect(() => m.rename(0, 'c')).toThrow(/taken/);
  });
});
