import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PSEUDONYM_PREFIX, pseudonymizeId, pseudonymizeRows } from './pseudonymize.js';
import { validateRows } from '../data/validate.js';

const KEY = 'k'.repeat(32);

describe('pseudonymizeId', () => {
  it('is HMAC-SHA-256 under the key, stable, key-dependent and a valid id', () => {
    const p = pseudonymizeId('ana', KEY);
    expect(p).toBe(PSEUDONYM_PREFIX + createHmac('sha256', KEY).update('ana').digest('base64url'));
    expect(pseudonymizeId('ana', KEY)).toBe(p);
    expect(pseudonymizeId('ana', 'x'.repeat(32))).not.toBe(p);
    expect(pseudonymizeId('ben', KEY)).not.toBe(p);
    expect(p).not.toContain('ana');
    expect(p).toHaveLength(47);
  });
});

describe('pseudonymizeRows', () => {
  it('maps the user-id fields of each kind and nothing else, without changing the input', () => {
    const ps = (id: string): string => pseudonymizeId(id, KEY);
    const users = [{ id: 'ana', name: 'Ana' }];
    expect(pseudonymizeRows('users', users, KEY)).toEqual([{ id: ps('ana'), name: 'Ana' }]);
    expect(users[0]!.id).toBe('ana');
    expect(pseudonymizeRows('posts', [{ id: 'p1', author: 'ana', reply_to: 'p0' }], KEY)).toEqual([{ id: 'p1', author: ps('ana'), reply_to: 'p0' }]);
    expect(pseudonymizeRows('follows', [{ follower: 'ana', followee: 'ben' }], KEY)).toEqual([{ follower: ps('ana'), followee: ps('ben') }]);
    expect(pseudonymizeRows('events', [{ id: 'e1', user: 'ana', target_user: 'ben', post: 'p1', text: 'hi' }], KEY)).toEqual([
      { id: 'e1', user: ps('ana'), target_user: ps('ben'), post: 'p1', text: 'hi' },
    ]);
  });

  it('maps every id of a post\'s mentions, leaving what is not an id', () => {
    const [post] = pseudonymizeRows('posts', [{ id: 'p1', author: 'ana', mentions: ['ben', '', 7] }], KEY) as { mentions: unknown[] }[];
    expect(post!.mentions).toEqual([pseudonymizeId('ben', KEY), '', 7]);
  });

  it('leaves invalid ids and non-row values alone, so validation still refuses them', () => {
    expect(pseudonymizeRows('users', { id: 'ana' }, KEY)).toEqual({ id: 'ana' });
    const rows = pseudonymizeRows('users', [{ id: '' }, { id: 'x'.repeat(300) }, { id: 42 }, null, 'ana'], KEY);
    expect(rows).toEqual([{ id: '' }, { id: 'x'.repeat(300) }, { id: 42 }, null, 'ana']);
    expect(() => validateRows('users', pseudonymizeRows('users', [{ id: '' }], KEY), 10)).toThrow();
    expect(validateRows('users', pseudonymizeRows('users', [{ id: 'ana' }], KEY), 10)).toHaveLength(1);
  });
});
