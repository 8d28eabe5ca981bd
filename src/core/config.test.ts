import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, envName, loadConfig } from './config.js';
import { isResonateError } from './errors.js';

describe('config', () => {
  it('has every default in one object', () => {
    expect(DEFAULT_CONFIG.store.url).toBe('sqlite://./resonate.db');
    expect(DEFAULT_CONFIG.server.port).toBe(3000);
    expect(DEFAULT_CONFIG.weights.like).toBe(1);
    expect(DEFAULT_CONFIG.feed.pageSize).toBe(20);
  });

  it('layers defaults → file → environment → overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-config-'));
    const file = join(dir, 'resonate.config.json');
    writeFileSync(file, JSON.stringify({ server: { port: 4000, host: '0.0.0.0' }, weights: { like: 3 } }));
    const cfg = loadConfig({ file, env: { RESONATE_SERVER_PORT: '5000', RESONATE_STORE_URL: 'sqlite://:memory:' }, overrides: { weights: { share: 9 } } });
    expect(cfg.server.port).toBe(5000);
    expect(cfg.server.host).toBe('0.0.0.0');
    expect(cfg.store.url).toBe('sqlite://:memory:');
    expect(cfg.weights.like).toBe(3);
    expect(cfg.weights.share).toBe(9);
    expect(cfg.weights.view).toBe(DEFAULT_CONFIG.weights.view);
  });

  it('exploration: on at 1 slot in 10 with Thompson sampling by default; a policy from the environment; bad specs and the replaced share named', () => {
    expect(DEFAULT_CONFIG.feed.exploration).toEqual({ every: 10, policy: { id: 'thompson', params: { alpha: 1, beta: 1 } }, rewardWindowSeconds: 1800 });
    const cfg = loadConfig({ env: { RESONATE_FEED_EXPLORATION_EVERY: '0', RESONATE_FEED_EXPLORATION_POLICY: '{"id":"linucb","params":{"alpha":2}}' } });
    expect(cfg.feed.exploration.every).toBe(0);
    expect(cfg.feed.exploration.policy).toEqual({ id: 'linucb', params: { alpha: 2, lambda: 1, epsilon: 0.05 } });
    const refused = (overrides: object, field: string): void => {
      try {
        loadConfig({ env: {}, overrides });
        expect.unreachable();
      } catch (e) {
        expect(isResonateError(e, 'INVALID_CONFIG')).toBe(true);
        expect((e as Error).message).toContain(`configuration ${field}:`);
      }
    };
    refused({ feed: { exploration: { every: 2.5 } } }, 'feed.exploration.every');
    refused({ feed: { exploration: { policy: { id: 'softmax', params: { temperature: -1 } } } } }, 'feed.exploration.policy.params.temperature');
    refused({ feed: { exploration: { policy: { id: 'exp3' } } } }, 'feed.exploration.policy.id');
    refused({ feed: { explorationShare: 0.1 } }, 'feed.explorationShare');
  });

  it('names the field of an invalid value', () => {
    try {
      loadConfig({ env: { RESONATE_SERVER_PORT: '"eighty"' } });
      expect.unreachable();
    } catch (e) {
      expect(isResonateError(e, 'INVALID_CONFIG')).toBe(true);
      expect((e as Error).message).toMatch(/server\.port/);
    }
  });

  it('rejects unknown keys in the file and malformed JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'resonate-config-'));
    const bad = join(dir, 'a.json');
    writeFileSync(bad, JSON.stringify({ server: { prot: 1 } }));
    expect(() => loadConfig({ file: bad, env: {} })).toThrow(/server/);
    const broken = join(dir, 'b.json');
    writeFileSync(broken, '{ not json');
    expect(() => loadConfig({ file: broken, env: {} })).toThrow(/not valid JSON/);
    expect(() => loadConfig({ file: join(dir, 'missing.json'), env: {} })).toThrow(/file not found/);
  });

  it('derives environment names from paths', () => {
    expect(envName(['server', 'maxBatch'])).toBe('RESONATE_SERVER_MAX_BATCH');
    expect(envName(['feed', 'freshnessHalfLifeHours'])).toBe('RESONATE_FEED_FRESHNESS_HALF_LIFE_HOURS');
  });
});
