import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { createKey } from './keys.js';
import { findApiKey, loadApiKeys } from '../../api/api-keys.js';
import { validateConfig } from '../../core/config.js';
import { isResonateError } from '../../core/errors.js';

afterEach(() => {
  process.exitCode = 0;
});

describe('resonate keys create', () => {
  it('prints the secret once and a config entry holding only its hash, which then accepts that secret', async () => {
    let out = '';
    const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
    try {
      await main(['node', 'resonate', 'keys', 'create', '--scopes', 'read,write', '--name', 'mobile', '--expires', '2099-01-31T00:00:00Z']);
    } finally {
      log.mockRestore();
    }
    const secret = /\b(rsn_[A-Za-z0-9_-]{43})\b/.exec(out)?.[1];
    expect(secret).toBeDefined();
    const entryLine = out.split('\n').find((l) => l.trim().startsWith('{'))!;
    const entry = JSON.parse(entryLine) as { hash: string; scopes: string[]; name: string; expiresAt: string };
    expect(entry).toMatchObject({ scopes: ['read', 'write'], name: 'mobile', expiresAt: '2099-01-31T00:00:00.000Z' });
    expect(entryLine).not.toContain(secret!);
    expect(out.split(secret!).length - 1).toBe(1); // printed once
    const keys = loadApiKeys(validateConfig({ server: { apiKeys: [entry] } }));
    expect(findApiKey(keys, secret!)?.id).toBe('mobile');
    expect(findApiKey(keys, secret!.slice(0, -1))).toBeUndefined();
  });

  it('makes a different secret and salt every time', () => {
    const a = createKey({ scopes: 'read' });
    const b = createKey({ scopes: 'read' });
    expect(a.secret).not.toBe(b.secret);
    expect(a.entry.hash.split('$')[1]).not.toBe(b.entry.hash.split('$')[1]);
  });

  it('refuses unknown scopes and bad or past expiry dates', () => {
    for (const opts of [{ scopes: 'read,root' }, { scopes: '' }, { scopes: 'read', expires: 'tomorrow' }, { scopes: 'read', expires: '2001-01-01T00:00:00Z' }]) {
      let thrown: unknown;
      try {
        createKey(opts);
      } catch (e) {
        thrown = e;
      }
      expect(isResonateError(thrown), JSON.stringify(opts)).toBe(true);
    }
  });
});
