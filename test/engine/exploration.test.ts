/**
 * Exploration in the served engine: the served feed marks its exploration slots, an engagement on a marked post
 * updates the policy, and the policy's state is saved beside the model version and restored from it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResonateConfigInput } from '../../src/core/config.js';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { POLICY_FILE } from '../../src/engine/exploration-state.js';
import { versionName } from '../../src/engine/model-versions.js';
import type { PolicyState } from '../../src/policy/policy.js';
import { smallNetwork } from '../fixtures/small-network.js';

const dir = mkdtempSync(join(tmpdir(), 'resonate-exploration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const overrides = (policy: NonNullable<NonNullable<ResonateConfigInput['feed']>['exploration']>['policy']): ResonateConfigInput => ({
  store: { url: 'sqlite://:memory:' },
  models: { dir, ranker: false, behavior: false, validate: false },
  feed: { materializeUsers: 0, pageSize: 6, exploration: { every: 2, policy } },
});

async function trained(engineOverrides: ResonateConfigInput): Promise<Engine> {
  const engine = await createEngine({ overrides: engineOverrides });
  const net = smallNetwork();
  for (const kind of ['users', 'posts', 'follows', 'events'] as const) await engine.ingest(kind, net[kind]);
  return engine;
}

const saved = (version: number): PolicyState => JSON.parse(readFileSync(join(dir, versionName(version), POLICY_FILE), 'utf8')) as PolicyState;

describe('exploration in the engine', () => {
  it('marks every second post, learns from a like on a marked post, and saves its state with the version', async () => {
    const engine = await trained(overrides({ id: 'epsilon-greedy', params: { epsilon: 0.2 } }));
    const { version } = await engine.train();
    const items = (await engine.feed('eve')).items;
    expect(items.length).toBeGreaterThanOrEqual(2);
    const marked = items.filter((i) => i.exploration);
    expect(items.flatMap((i, k) => (i.exploration ? [k] : []))).toEqual(items.map((_, k) => k).filter((k) => k % 2 === 1));
    for (const i of marked) expect(i.exploration).toEqual({ policy: 'epsilon-greedy', arm: i.source, propensity: expect.any(Number) });
    const target = marked[0]!;
    await engine.ingest('events', [{ id: 'x-like', user: 'eve', type: 'like', post: target.postId, timestamp: Date.now() }]);
    await engine.close();
    const state = saved(version!);
    expect(state.updates).toBe(1);
    const arm = state.arms.indexOf(target.exploration!.arm);
    expect(state.stats.trials![arm]).toBe(1);
    expect(state.stats.rewards![arm]).toBe(1);
  });

  it('a new process restores the saved state for the same spec, and starts afresh for another', async () => {
    const same = await createEngine({ overrides: overrides({ id: 'epsilon-greedy', params: { epsilon: 0.2 } }) });
    const loaded = await same.load({ secondary: false });
    expect(loaded).toBeDefined();
    await same.close();
    expect(saved(loaded!.manifest.version).updates).toBe(1);
    const other = await createEngine({ overrides: overrides({ id: 'thompson' }) });
    await other.load({ secondary: false });
    await other.close();
    expect(saved(loaded!.manifest.version)).toMatchObject({ updates: 0, spec: { id: 'thompson' } });
  });
});
