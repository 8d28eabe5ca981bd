import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isResonateError } from '../core/errors.js';

const b64 = (raw: string): string => Buffer.from(raw, 'utf8').toString('base64url');

describe('feed cursors', () => {
  it('round-trip for their user', () => {
    const c = { offset: 20, pageSize: 20, asOf: 1_700_000_000_000 };
    expect(decodeCursor('ana', encodeCursor('ana', c))).toEqual(c);
  });

  it('refuse any tampered cursor with INVALID_INPUT, never another error', () => {
    const good = encodeCursor('ana', { offset: 0, pageSize: 10, asOf: 1 });
    const tag = (JSON.parse(Buffer.from(good, 'base64url').toString('utf8')) as { u: string }).u;
    const bad = [
      b64('null'), b64('42'), b64('"x"'), b64('[]'), b64('true'), b64('{}'), '', '!!!', '%%%', 'a'.repeat(3000),
      b64(`{"o":0,"n":1e300,"s":1,"u":"${tag}"}`), b64(`{"o":1e300,"n":10,"s":1,"u":"${tag}"}`),
      b64(`{"o":-1,"n":10,"s":1,"u":"${tag}"}`), b64(`{"o":0,"n":10,"s":null,"u":"${tag}"}`),
      encodeCursor('bob', { offset: 0, pageSize: 10, asOf: 1 }),
    ];
    for (const cursor of bad) {
      let thrown: unknown;
      try {
        decodeCursor('ana', cursor);
      } catch (e) {
        thrown = e;
      }
      expect(isResonateError(thrown, 'INVALID_INPUT'), cursor.slice(0, 40)).toBe(true);
    }
  });
});
