import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng.js';
import { sigmoid } from './glm.js';
import { tablePolicy } from './policies.js';
import { runOpe } from './run-ope.js';
import type { LoggedRow } from './types.js';

/**
 * A contextual bandit whose truth is known: two user segments, 5 actions, 2 positions, clicks drawn from
 * σ(−2 + b_a + c_k + 0.8·[segment = "b"]). The behaviour policy depends on the segment (it favours action 0 for
 * segment a and action 4 for segment b); the evaluated policy does not. V(π) = Σ_x P(x) · mean_k Σ_a π(a | k) p(x, a, k).
 */
const ACTIONS = ['0', '1', '2', '3', '4'];
const B = [1.2, 0.6, 0, -0.6, -1.2];
const C = [0.3, -0.3];
const clickProb = (segment: string, a: number, k: number): number => sigmoid(-2 + B[a]! + C[k]! + (segment === 'b' ? 0.8 : 0));
const behaviour = (segment: string): number[] => {
  const logits = ACTIONS.map((_, a) => (segment === 'a' ? -0.3 * a : -0.3 * (4 - a)));
  const z = logits.reduce((s, l) => s + Math.exp(l), 0);
  return logits.map((l) => Math.exp(l) / z);
};
const target = [new Map([['0', 0.05], ['1', 0.05], ['2', 0.1], ['3', 0.2], ['4', 0.6]]), new Map([['0', 0.1], ['1', 0.1], ['2', 0.2], ['3', 0.3], ['4', 0.3]])];
const policy = tablePolicy('synthetic target', new Map([[1, target[0]!], [2, target[1]!]]));

function truth(): number {
  let v = 0;
  for (const segment of ['a', 'b']) for (let k = 0; k < 2; k++) for (const [a, p] of target[k]!) v += 0.5 * 0.5 * p * clickProb(segment, Number(a), k);
  return v;
}

function simulate(n: number, seed: number): LoggedRow[] {
  const rng = createRng(seed);
  const rows: LoggedRow[] = [];
  for (let i = 0; i < n; i++) {
    const segment = rng.next() < 0.5 ? 'a' : 'b', k = rng.int(2);
    const probs = behaviour(segment);
    let u = rng.next(), a = 0;
    while (a < ACTIONS.length - 1 && u >= probs[a]!) { u -= probs[a]!; a++; }
    rows.push({ action: ACTIONS[a]!, position: k + 1, reward: rng.next() < clickProb(segment, a, k) ? 1 : 0, propensity: probs[a]!, context: { segment } });
  }
  return rows;
}

describe('a synthetic bandit with a known value', () => {
  const V = truth();

  it('the logged mean is far from the truth, so ignoring the weights would fail', () => {
    const rows = simulate(40_000, 7);
    const logged = rows.reduce((s, r) => s + r.reward, 0) / rows.length;
    expect(Math.abs(logged - V)).toBeGreaterThan(0.05); // V ≈ 0.130, the logged mean ≈ 0.198
  });

  it('every estimator lands near the truth, within three bootstrap standard errors for the weighted ones', () => {
    const { result } = runOpe({ source: 'synthetic', rows: simulate(40_000, 7) }, policy, { resamples: 200, seed: 11 });
    for (const [name, r] of Object.entries(result.estimators)) expect(Math.abs(r.value - V), name).toBeLessThan(0.05 * V);
    // A 95 % half-width is 1.96 standard errors; 1.5 half-widths ≈ 2.9. DM's interval holds the reward model fixed
    // (it leaves out the model's own error), so it is not asked to reach the truth.
    for (const name of ['ips', 'snips', 'dr', 'sndr'] as const) {
      const { value, ci } = result.estimators[name];
      expect(Math.abs(value - V), name).toBeLessThan(1.5 * ((ci[1] - ci[0]) / 2));
    }
    // The reward model is well specified here, so DM is the tightest.
    expect(result.estimators.dm.ci[1] - result.estimators.dm.ci[0]).toBeLessThan(result.estimators.ips.ci[1] - result.estimators.ips.ci[0]);
  });

  it('the error shrinks with more logs (IPS and DR, mean over 6 seeds; 1/√n predicts 4× from 1,000 to 16,000 rows)', () => {
    const meanErrors = (n: number): { ips: number; dr: number } => {
      let ips = 0, dr = 0;
      for (let s = 0; s < 6; s++) {
        const e = runOpe({ source: 's', rows: simulate(n, 100 + s) }, policy, { resamples: 1, folds: 1 }).result.estimators;
        ips += Math.abs(e.ips.value - V) / 6;
        dr += Math.abs(e.dr.value - V) / 6;
      }
      return { ips, dr };
    };
    const small = meanErrors(1000), large = meanErrors(16_000);
    expect(large.ips).toBeLessThan(small.ips / 2);
    expect(large.dr).toBeLessThan(small.dr / 2);
  });
});
