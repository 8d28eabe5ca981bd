import { describe, expect, it } from 'vitest';
import { validateRows } from './validate.js';

describe('validateRows', () => {
  it('parses valid rows and normalises timestamps', () => {
    const rows = validateRows('events', [{ id: 'e1', user: 'u', type: 'like', post: 'p', timestamp: '2024-01-01T00:00:00Z' }], 10);
    expect(rows[0]!.timestamp).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });

  it('names the row and field of the first problem', () => {
    expect(() => validateRows('events', [{ id: 'e1', user: 'u', type: 'like', post: 'p', timestamp: 1 }, { id: 'e2', user: 'u', type: 'like', timestamp: 'soon' }], 10)).toThrow(
      /events\[1\]\.timestamp: expected an ISO-8601 date/,
    );
    expect(() => validateRows('events', [{ id: 'e2', user: 'u', type: 'like', timestamp: 5 }], 10)).toThrow(/events\[0\]\.post: a "like" event needs a post/);
    expect(() => validateRows('events', [{ id: 'e2', user: 'u', type: 'poke', post: 'p', timestamp: 5 }], 10)).toThrow(/events\[0\]\.type/);
    expect(() => validateRows('posts', [{ id: 'p', author: 7, created_at: 1 }], 10)).toThrow(/posts\[0\]\.author/);
    expect(() => validateRows('users', [{ id: 'u', nmae: 'x' }], 10)).toThrow(/users\[0\]/);
  });

  it('rejects non-arrays, oversized batches and conflicting duplicate ids', () => {
    expect(() => validateRows('users', { id: 'u' }, 10)).toThrow(/expected a JSON array/);
    expect(() => validateRows('users', [{ id: 'a' }, { id: 'b' }], 1)).toThrow(/exceeds the limit of 1/);
    expect(() => validateRows('users', [{ id: 'a', name: 'x' }, { id: 'a', name: 'y' }], 10)).toThrow(/appears more than once/);
    expect(validateRows('users', [{ id: 'a' }, { id: 'a' }], 10)).toHaveLength(2);
  });
});
