import { describe, expect, it } from 'vitest';
import { redactPaths, redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('masks passwords and secret-like query parameters, keeping the rest readable', () => {
    expect(redactUrl('postgres://app:hunter2@db.internal:5432/resonate')).toBe('postgres://app:***@db.internal:5432/resonate');
    expect(redactUrl('mysql://root:p%40ss@h/x?sslmode=require&password=s3cret&token=abc')).toBe('mysql://root:***@h/x?sslmode=require&password=***&token=***');
    expect(redactUrl('redis://:only-a-password@cache:6379')).toBe('redis://:***@cache:6379');
    expect(redactUrl('sqlite://./resonate.db')).toBe('sqlite://./resonate.db');
    expect(redactUrl('postgres://app@db/x')).toBe('postgres://app@db/x');
  });
});

describe('redactPaths', () => {
  it('adds each never-logged field at every depth up to four, and skips names that are not plain fields', () => {
    const paths = redactPaths(['text', 'bad.path']);
    for (const p of ['text', '*.text', '*.*.text', '*.*.*.text', '*.*.*.*.text', 'req.headers.authorization']) expect(paths).toContain(p);
    expect(paths.some((p) => p.includes('bad.path'))).toBe(false);
  });
});
