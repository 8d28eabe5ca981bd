import { describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { betaMaxProbability } from './beta-max-probability.js';
import { createPolicy, restorePolicy } from './create-policy.js';
import type { Policy } from './policy.js';
import { Softmax } from './softmax.js';
import { ThompsonSampling } from './thompson.js';

const ARMS = ['fresh', 'in-network', 'trending'];
/** Planted click rates: arm 1 is best. */
const RATES = [0.1, 0.5, 0.2];
const ALL = { arms: [0, 1, 2] };

const specs = [
  { id: 'epsilon-greedy', params: { epsilon: 0.1 } },
  { id: 'softmax', params: { temperature: 0.05 } },
  { id: 'thompson' },
] as const;

/** Plays `steps` rounds on the planted bandit; returns the regret after each half and the choices. */
function play(policy: Policy, steps: number, seed = 7): { firstHalf: number; secondHalf: number; choices: number[] } {
  const rng = createRng(seed);
  let regret = 0, firstHalf = 0;
  const choices: number[] = [];
  for (let t = 0; t < steps; t++) {
    const { arm, propensity } = policy.choose(ALL);
    expect(propensity).toBeGreaterThan(0);
    expect(propensity).toBeLessThanOrEqual(1);
    choices.push(arm);
    regret += 0.5 - RATES[arm]!;
    policy.update(arm, rng.next() < RATES[arm]! ? 1 : 0);
    if (t === steps / 2 - 1) firstHalf = regret;
  }
  return { firstHalf, secondHalf: regret - firstHalf, choices };
}

describe.each(specs)('$id on a planted bandit (click rates 0.1 / 0.5 / 0.2)', (spec) => {
  it('regret grows sublinearly and the best arm dominates later choices', () => {
    const policy = createPolicy(spec, { arms: ARMS, seed: 3 });
    const { firstHalf, secondHalf, choices } = play(policy, 4000);
    if (spec.id === 'epsilon-greedy') {
      // A fixed ε keeps exploring: its regret grows as ε·(mean gap)·T, and the second half adds no more than that floor.
      const floor = spec.params.epsilon * ((0.4 + 0 + 0.3) / 3) * 2000;
      expect(secondHalf).toBeLessThan(1.2 * floor);
    } else {
      // Sublinear: the second half adds less regret than the first (a linear regret would add as much).
      expect(secondHalf).toBeLessThan(firstHalf);
    }
    const late = choices.slice(-1000);
    expect(late.filter((a) => a === 1).length / late.length).toBeGreaterThan(0.85);
  });

  it('propensities of a fixed state sum to 1 over the arms and match empirical frequencies', () => {
    const policy = createPolicy(spec, { arms: ARMS, seed: 5 });
    // A fixed, informative state: 20 trials each at the planted rates.
    for (let a = 0; a < 3; a++) for (let t = 0; t < 20; t++) policy.update(a, t < 20 * RATES[a]! ? 1 : 0);
    const frozen = JSON.stringify(policy.toJSON());
    const n = 20_000, counts = [0, 0, 0], propensity = [NaN, NaN, NaN];
    for (let t = 0; t < n; t++) {
      const c = policy.choose(ALL);
      counts[c.arm]!++;
      if (Number.isFinite(propensity[c.arm]!)) expect(c.propensity).toBeCloseTo(propensity[c.arm]!, 12);
      propensity[c.arm] = c.propensity;
    }
    expect(JSON.stringify(policy.toJSON())).toBe(frozen); // choosing learns nothing
    // Arms never drawn have propensity below 1/n-ish; every arm was drawn here.
    expect(propensity.every(Number.isFinite)).toBe(true);
    expect(propensity.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    for (let a = 0; a < 3; a++) expect(Math.abs(counts[a]! / n - propensity[a]!)).toBeLessThan(0.015);
  });

  it('state round-trips through JSON: the restored policy has the same statistics and keeps learning alike', () => {
    const policy = createPolicy(spec, { arms: ARMS, seed: 9 });
    play(policy, 300);
    const restored = restorePolicy(JSON.parse(JSON.stringify(policy.toJSON())));
    expect(restored.toJSON()).toEqual(policy.toJSON());
    policy.update(2, 1);
    restored.update(2, 1);
    expect(restored.toJSON()).toEqual(policy.toJSON());
    expect(restored.updates).toBe(301);
  });
});

describe('propensities in closed form', () => {
  it('Thompson: P(Beta(2,1) > Beta(1,1)) = 2/3, and the probabilities of many arms sum to 1', () => {
    expect(betaMaxProbability(0, [2, 1], [1, 1], 2)).toBeCloseTo(2 / 3, 6);
    expect(betaMaxProbability(1, [2, 1], [1, 1], 2)).toBeCloseTo(1 / 3, 6);
    const rng = createRng(1);
    for (let trial = 0; trial < 20; trial++) {
      const k = 2 + rng.int(5);
      const a = Array.from({ length: k }, () => 1 + rng.next() * (rng.next() < 0.3 ? 5000 : 30));
      const b = Array.from({ length: k }, () => 1 + rng.next() * (rng.next() < 0.3 ? 5000 : 30));
      let sum = 0;
      for (let i = 0; i < k; i++) sum += betaMaxProbability(i, a, b, k);
      expect(Math.abs(sum - 1)).toBeLessThan(1e-5);
    }
  });

  it('softmax probabilities follow exp(mean/τ); Thompson probabilities over offered arms only', () => {
    const s = new Softmax({ id: 'softmax', params: { temperature: 0.5, initial: 0 } }, { arms: ARMS });
    s.update(0, 1);
    s.update(1, 0);
    const p = s.probabilities(ALL);
    const e = Math.exp(1 / 0.5);
    expect(Array.from(p)).toEqual([e / (e + 2), 1 / (e + 2), 1 / (e + 2)].map((v) => expect.closeTo(v, 12)));
    const t = new ThompsonSampling({ id: 'thompson', params: { alpha: 1, beta: 1 } }, { arms: ARMS });
    expect(t.probabilities({ arms: [2] })[0]).toBe(1);
    t.update(0, 1);
    // Beta(2,1) against Beta(1,1): 2/3 and 1/3.
    expect(Array.from(t.probabilities({ arms: [0, 2] }))).toEqual([expect.closeTo(2 / 3, 6), expect.closeTo(1 / 3, 6)]);
  });

  it('ε-greedy: ε/n + (1 − ε) for the best arm, ε/n for the others', () => {
    const g = createPolicy({ id: 'epsilon-greedy', params: { epsilon: 0.3, initial: 0 } }, { arms: ARMS, seed: 1 });
    g.update(2, 1);
    const seen = new Map<number, number>();
    for (let t = 0; t < 500; t++) {
      const c = g.choose(ALL);
      seen.set(c.arm, c.propensity);
    }
    expect(seen.get(2)).toBeCloseTo(0.1 + 0.7, 12);
    expect(seen.get(0)).toBeCloseTo(0.1, 12);
  });
});

describe('policy specs', () => {
  it('an invalid spec is INVALID_CONFIG naming the field', () => {
    const bad = [
      [{ id: 'epsilon-greedy', params: { epsilon: 2 } }, 'feed.exploration.policy.params.epsilon'],
      [{ id: 'softmax', params: { temperature: 0 } }, 'feed.exploration.policy.params.temperature'],
      [{ id: 'thompson', params: { alpha: 0.5 } }, 'feed.exploration.policy.params.alpha'],
      [{ id: 'linucb', params: { alpha: -1 } }, 'feed.exploration.policy.params.alpha'],
      [{ id: 'lin-ts', params: { propensityDraws: 1 } }, 'feed.exploration.policy.params.propensityDraws'],
      [{ id: 'ucb9' }, 'feed.exploration.policy.id'],
      [{ id: 'linucb', params: { alhpa: 1 } }, 'feed.exploration.policy.params'],
    ] as const;
    for (const [spec, field] of bad) {
      let error: unknown;
      try {
        createPolicy(spec as never, { arms: ARMS, dim: 3 });
      } catch (e) {
        error = e;
      }
      expect(isResonateError(error, 'INVALID_CONFIG'), JSON.stringify(spec)).toBe(true);
      expect((error as Error).message).toContain(`configuration ${field}:`);
    }
  });

  it('a damaged saved state is ARTIFACT_INVALID', () => {
    const state = createPolicy({ id: 'thompson' }, { arms: ARMS }).toJSON();
    expect(() => restorePolicy({ ...state, stats: { trials: [1], rewards: [0, 0, 0] } })).toThrow(/stats\.trials/);
    expect(() => restorePolicy({ format: 'other' })).toThrow(/not a policy state/);
  });
});
