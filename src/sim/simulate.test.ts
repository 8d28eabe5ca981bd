import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../storage/open-store.js';
import { resolvePolicy, type PolicySpec } from './policy-spec.js';
import { regretGrowthExponent } from './report.js';
import { simulate, type SimulateOptions, type SimulationResult } from './simulate.js';
import { engagedProbability } from './simulated-users.js';

const root = mkdtempSync(join(tmpdir(), 'resonate-sim-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let runs = 0;
function run(policy: PolicySpec, extra: Partial<SimulateOptions> = {}): Promise<SimulationResult> {
  return simulate({ policy, days: 3, seed: 7, users: 100, historyDays: 7, dir: join(root, `run${runs++}`), ...extra });
}

/** The result without wall times, which differ from run to run. */
const withoutTimes = (r: SimulationResult): unknown => ({ ...r, seconds: 0, cpuSeconds: 0, setup: { ...r.setup, store: '' }, days: r.days.map((d) => ({ ...d, seconds: 0, cpuSeconds: 0 })) });

describe('simulate', () => {
  it('runs 3 days closed-loop with the documented result shape, the same for the same seed', async () => {
    const a = await run(resolvePolicy('fixed'));
    expect(a.policy).toBe('fixed');
    expect(a.days.map((d) => d.day)).toEqual([1, 2, 3]);
    for (const d of a.days) {
      expect(d.sessions).toBeGreaterThan(0);
      expect(d.impressions).toBeGreaterThanOrEqual(d.sessions);
      expect(d.engagements).toBeLessThanOrEqual(d.impressions);
      // The oracle picks the best of a set that includes what the policy showed.
      expect(d.oracleEngagements).toBeGreaterThanOrEqual(d.expectedEngagements - 1e-9);
      expect(d.regret).toBeCloseTo(d.oracleEngagements - d.expectedEngagements, 9);
    }
    const t = a.totals;
    expect(t.impressions).toBe(a.days.reduce((s, d) => s + d.impressions, 0));
    expect(t.engagementRate).toBeCloseTo(t.engagements / t.impressions, 12);
    // The engine ran on the simulated clock: every page was logged within the simulated days (2024), and the
    // events that answer them carry their request ids.
    const start = Date.UTC(2024, 0, 1) + 7 * 86_400_000, end = start + 3 * 86_400_000;
    const store = await openStore(`sqlite://${a.setup.store}`);
    try {
      const requests = new Set<string>();
      for await (const i of store.scanImpressions()) {
        expect(i.at).toBeGreaterThanOrEqual(start);
        expect(i.at).toBeLessThan(end);
        requests.add(i.requestId);
      }
      let answered = 0;
      for await (const e of store.scanEvents()) if (typeof e.request_id === 'string' && requests.has(e.request_id)) answered++;
      expect(answered).toBeGreaterThanOrEqual(t.impressions); // at least a view per impression
    } finally {
      await store.close();
    }
    const b = await run(resolvePolicy('fixed'));
    expect(withoutTimes(b)).toEqual(withoutTimes(a));
  }, 300_000);

  it('gives a higher engagement rate to a policy that serves a planted strong preference', async () => {
    // Following the author lifts the log-odds of engaging by 4 (the generator's default is 1): serving followees'
    // posts must beat serving trending posts.
    const network = { beta: { b2: 4 } };
    const inNetwork = await run({ name: 'in-network', overrides: { feed: { sources: [{ id: 'in-network', weight: 1 }], exploration: { every: 0 } } } }, { network });
    const trending = await run({ name: 'trending', overrides: { feed: { sources: [{ id: 'popular/trending', weight: 1 }], exploration: { every: 0 } } } }, { network });
    expect(inNetwork.totals.engagementRate).toBeGreaterThan(trending.totals.engagementRate + 0.05);
    expect(inNetwork.totals.regret / inNetwork.totals.impressions).toBeLessThan(trending.totals.regret / trending.totals.impressions);
  }, 300_000);
});

describe('engagedProbability', () => {
  it('is 1 − (1 − π)(1 − 0.25π)(1 − 0.12π)', () => {
    expect(engagedProbability(0)).toBe(0);
    expect(engagedProbability(0.5)).toBeCloseTo(1 - 0.5 * 0.875 * 0.94, 12);
  });
});

describe('regretGrowthExponent', () => {
  it('is 1 for a constant regret per day and 0.5 for cumulative regret growing as √d', () => {
    expect(regretGrowthExponent(Array.from({ length: 30 }, () => ({ regret: 5 })))).toBeCloseTo(1, 9);
    const sqrt = Array.from({ length: 30 }, (_, k) => ({ regret: Math.sqrt(k + 1) - Math.sqrt(k) }));
    expect(regretGrowthExponent(sqrt)).toBeCloseTo(0.5, 9);
  });
});
