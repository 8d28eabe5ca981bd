import { describe, expect, it } from 'vitest';
import { validateConfig, type ExperimentConfig } from '../core/config.js';
import { assignArm, assignmentPoint, exposureAt, isRunning } from './assignment.js';

function experiment(name: string, shares: number[], extra: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return { name, salt: '', arms: shares.map((share, i) => ({ name: `a${i}`, share })), ...extra };
}

const PINNED_ALICE = 0.8140476700310515;
const ids = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

describe('experiment assignment', () => {
  it('splits 100,000 users by the shares within binomial bounds', () => {
    const shares = [0.2, 0.3, 0.5];
    const x = experiment('ranker-test', shares);
    const counts = new Map<string, number>();
    for (const id of ids) {
      const arm = assignArm(x, id);
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    shares.forEach((p, i) => {
      const n = counts.get(`a${i}`) ?? 0;
      // 4.5 standard deviations: a correct hash fails this about once in 150,000 runs (and the ids are fixed).
      expect(Math.abs(n - ids.length * p)).toBeLessThan(4.5 * Math.sqrt(ids.length * p * (1 - p)));
    });
  });

  it('is the same in every process: pinned points of the HMAC', () => {
    // HMAC-SHA-256(key "s:exp", "alice"), top 48 bits / 2^48, computed once and kept to catch a changed hash.
    const x = { name: 'exp', salt: 's' };
    expect(assignmentPoint(x, 'alice')).toBe(PINNED_ALICE);
    expect(assignmentPoint({ ...x }, 'alice')).toBe(assignmentPoint(x, 'alice'));
  });

  it('assigns independently across experiments (and salts)', () => {
    for (const [a, b] of [[experiment('one', [0.5, 0.5]), experiment('two', [0.5, 0.5])], [experiment('one', [0.5, 0.5]), experiment('one', [0.5, 0.5], { salt: 'v2' })]] as const) {
      const table = [0, 0, 0, 0];
      for (const id of ids) table[(assignArm(a, id) === 'a0' ? 0 : 2) + (assignArm(b, id) === 'a0' ? 0 : 1)]!++;
      // Chi-square of the 2×2 table against independence (expected n/4 each): below 10.83 (p = 0.001, 1 df).
      const e = ids.length / 4;
      const chi2 = table.reduce((s, o) => s + (o - e) ** 2 / e, 0);
      expect(chi2).toBeLessThan(10.83);
    }
  });

  it('serves only between start and stop, and one experiment at a time', () => {
    const first = experiment('first', [0.5, 0.5], { start: '2026-01-01T00:00:00Z', stop: '2026-02-01T00:00:00Z' });
    const second = experiment('second', [0.5, 0.5], { start: '2026-02-01T00:00:00Z' });
    expect(isRunning(first, Date.parse('2025-12-31T23:59:59Z'))).toBe(false);
    expect(isRunning(first, Date.parse('2026-01-15T00:00:00Z'))).toBe(true);
    expect(isRunning(first, Date.parse('2026-02-01T00:00:00Z'))).toBe(false);
    expect(exposureAt([first, second], 'u', Date.parse('2026-01-15T00:00:00Z'))?.experiment).toBe('first');
    expect(exposureAt([first, second], 'u', Date.parse('2026-03-01T00:00:00Z'))?.experiment).toBe('second');
    expect(exposureAt([first], 'u', Date.parse('2026-03-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('experiments config', () => {
  const arms = [{ name: 'control', share: 0.5 }, { name: 'treatment', share: 0.5 }];
  const problem = (experiments: unknown): string => {
    try {
      validateConfig({ experiments });
    } catch (e) {
      return (e as Error).message;
    }
    return 'valid';
  };

  it('accepts a valid experiment with feed overrides', () => {
    const c = validateConfig({ experiments: [{ name: 'w', arms: [arms[0], { ...arms[1], feed: { sources: { rp3beta: 2 }, authorCap: 1 } }] }] });
    expect(c.experiments[0]!.arms[1]!.feed).toEqual({ sources: { rp3beta: 2 }, authorCap: 1 });
  });

  it('names the field of each mistake', () => {
    expect(problem([{ name: 'x', arms: [{ name: 'a', share: 0.5 }, { name: 'b', share: 0.4 }] }])).toMatch(/experiments\.0\.arms: arm shares must sum to 1/);
    expect(problem([{ name: 'x', arms: [arms[0], { name: 'control', share: 0.5 }] }])).toMatch(/experiments\.0\.arms\.1\.name: arm "control" appears twice/);
    expect(problem([{ name: 'x', arms }, { name: 'x', arms, start: '2030-01-01T00:00:00Z' }])).toMatch(/experiments\.1\.name/);
    expect(problem([{ name: 'x', arms, stop: '2030-01-01T00:00:00Z' }, { name: 'y', arms, start: '2029-01-01T00:00:00Z' }])).toMatch(/experiments\.1\.start: overlaps experiment "x"/);
    expect(problem([{ name: 'x', arms, start: '2030-01-01T00:00:00Z', stop: '2029-01-01T00:00:00Z' }])).toMatch(/experiments\.0\.stop: must be after start/);
    // Only settings a ranking reads per request may change (the page size or the models may not).
    expect(problem([{ name: 'x', arms: [arms[0], { ...arms[1], feed: { pageSize: 5 } }] }])).toMatch(/experiments\.0\.arms\.1\.feed/);
    expect(problem([{ name: 'x', arms: [arms[0]] }])).toMatch(/experiments\.0\.arms/);
  });
});
