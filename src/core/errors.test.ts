import { describe, expect, it } from 'vitest';
import { createError, ERRORS, isResonateError, ResonateError } from './errors.js';

describe('errors', () => {
  it('formats the template with named parameters and keeps the status', () => {
    const e = createError('INVALID_INPUT', { field: 'events[3].timestamp', problem: 'expected a date' });
    expect(e).toBeInstanceOf(ResonateError);
    expect(e.message).toBe('events[3].timestamp: expected a date');
    expect(e.statusCode).toBe(400);
    expect(e.toJSON()).toEqual({ error: 'Bad Request', code: 'INVALID_INPUT', message: 'events[3].timestamp: expected a date', statusCode: 400 });
    expect(isResonateError(e, 'INVALID_INPUT')).toBe(true);
    expect(isResonateError(e, 'NOT_FOUND')).toBe(false);
  });

  it('leaves missing parameters visible rather than printing "undefined"', () => {
    expect(createError('NOT_FOUND', { kind: 'user' }).message).toBe('user {id} not found');
  });

  it('carries a retry hint from the retryAfterSeconds parameter (STORE_BUSY is a 503)', () => {
    const busy = createError('STORE_BUSY', { retryAfterSeconds: 2 });
    expect(busy.statusCode).toBe(503);
    expect(busy.retryAfterSeconds).toBe(2);
    expect(busy.toJSON()).toMatchObject({ error: 'Service Unavailable', code: 'STORE_BUSY' });
    expect(busy.message).toContain('retry in 2 s');
    expect(createError('NOT_FOUND', { kind: 'user', id: 'u' }).retryAfterSeconds).toBeUndefined();
  });

  it('every code has a valid HTTP status and a doc line', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
      expect(spec.doc.length, code).toBeGreaterThan(10);
    }
  });
});
