import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.js';
import { createPolicy, restorePolicy } from './create-policy.js';
import type { LinTs } from './lin-ts.js';
import type { LinUcb } from './linucb.js';
import type { Policy } from './policy.js';

const D = 5;
/** The planted model: reward = θ*·x + noise, θ* a fixed direction. */
const THETA = [0.6, -0.4, 0.3, 0, 0.5];

const specs = [
  { id: 'linucb', params: { alpha: 0.5, epsilon: 0.05 } },
  { id: 'lin-ts', params: { v: 0.2, epsilon: 0.05, propensityDraws: 50 } },
] as const;

function offer(rng: ReturnType<typeof createRng>, n: number): { arms: Int32Array; contexts: Float64Array } {
  const contexts = new Float64Array(n * D);
  for (let i = 0; i < contexts.length; i++) contexts[i] = rng.next() * 2 - 1;
  return { arms: new Int32Array(n), contexts };
}

const expected = (x: Float64Array, i: number): number => THETA.reduce((s, t, j) => s + t * x[i * D + j]!, 0);

function cosine(a: ArrayLike<number>, b: readonly number[]): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < b.length; i++) [ab, aa, bb] = [ab + a[i]! * b[i]!, aa + a[i]! ** 2, bb + b[i]! ** 2];
  return ab / Math.sqrt(aa * bb);
}

/** Plays `steps` decisions of 10 candidates each; returns regret per half. */
function play(policy: Policy, steps: number): { firstHalf: number; secondHalf: number } {
  const rng = createRng(11);
  let regret = 0, firstHalf = 0;
  for (let t = 0; t < steps; t++) {
    const o = offer(rng, 10);
    const c = policy.choose(o);
    let best = -Infinity;
    for (let i = 0; i < 10; i++) best = Math.max(best, expected(o.contexts, i));
    regret += best - expected(o.contexts, c.option);
    const x = o.contexts.subarray(c.option * D, (c.option + 1) * D);
    policy.update(c.arm, expected(o.contexts, c.option) + 0.1 * rng.normal(), x);
    if (t === steps / 2 - 1) firstHalf = regret;
  }
  return { firstHalf, secondHalf: regret - firstHalf };
}

describe.each(specs)('$id on a planted linear model', (spec) => {
  it('recovers the direction of θ and its regret grows sublinearly', () => {
    const policy = createPolicy(spec, { arms: ['only'], dim: D, seed: 2 });
    const { firstHalf, secondHalf } = play(policy, 2000);
    const theta = (policy as LinUcb | LinTs).model.theta;
    expect(cosine(theta, THETA)).toBeGreaterThan(0.99);
    expect(secondHalf).toBeLessThan(firstHalf);
  });

  it('propensities of a fixed state sum to 1 over the options and match empirical frequencies', () => {
    const policy = createPolicy(spec, { arms: ['a', 'b'], dim: D, seed: 4 });
    const rng = createRng(5);
    for (let t = 0; t < 30; t++) {
      const o = offer(rng, 1);
      policy.update(t % 2, expected(o.contexts, 0) * (t % 2 ? -1 : 1), o.contexts);
    }
    const o = offer(rng, 4);
    o.arms.set([0, 1, 0, 1]);
    const n = 4000, counts = [0, 0, 0, 0], sum = [0, 0, 0, 0];
    for (let t = 0; t < n; t++) {
      const c = policy.choose(o);
      counts[c.option]!++;
      sum[c.option]! += c.propensity;
    }
    // The mean logged propensity of each option (exact for LinUCB, a Monte Carlo estimate for LinTS) against its frequency.
    const mean = sum.map((s, i) => (counts[i] ? s / counts[i]! : 0));
    for (let i = 0; i < 4; i++) if (counts[i]) expect(Math.abs(mean[i]! - counts[i]! / n)).toBeLessThan(spec.id === 'linucb' ? 1e-12 + 0.02 : 0.03);
    expect(Math.abs(mean.reduce((s, p, i) => s + (counts[i] ? p : 0), 0) - 1)).toBeLessThan(0.05);
    expect(Math.min(...mean.filter((_, i) => counts[i]! > 0))).toBeGreaterThan(0);
  });

  it('state round-trips through JSON and keeps learning alike', () => {
    const policy = createPolicy(spec, { arms: ['a', 'b'], dim: D, seed: 6 });
    play(policy, 100);
    const restored = restorePolicy(JSON.parse(JSON.stringify(policy.toJSON())));
    expect(restored.toJSON()).toEqual(policy.toJSON());
    const x = new Float64Array([1, 0, -1, 0.5, 0]);
    policy.update(1, 1, x);
    restored.update(1, 1, x);
    expect(restored.toJSON()).toEqual(policy.toJSON());
    expect(Array.from((restored as LinUcb).model.theta)).toEqual(Array.from((policy as LinUcb).model.theta));
  });
});

describe('LinUCB decisions', () => {
  it('takes the option with the largest θ·x + α√(xᵀA⁻¹x); propensity 1 − ε + ε/n for it', () => {
    const p = createPolicy({ id: 'linucb', params: { alpha: 1, epsilon: 0 } }, { arms: ['a'], dim: 2 }) as LinUcb;
    // Untrained: θ = 0, A⁻¹ = I, so the bound is ‖x‖: the longest context wins.
    const c = p.choose({ arms: [0, 0, 0], contexts: new Float64Array([1, 0, 0, 2, 1, 1]) });
    expect(c).toEqual({ option: 1, arm: 0, propensity: 1 });
    p.update(0, 1, new Float64Array([1, 0]));
    // A = [[2,0],[0,1]], b = (1,0): θ = (0.5, 0); option (1,0) scores 0.5 + √0.5.
    expect(p.ucb({ arms: [0], contexts: new Float64Array([1, 0]) }, 0)).toBeCloseTo(0.5 + Math.sqrt(0.5), 12);
  });
});
