import { describe, expect, it } from 'vitest';
import { estimateAll, type OpeTerms } from './estimators.js';
import { buildTerms, importanceWeights, targetProbabilities } from './ope-terms.js';
import { tablePolicy } from './policies.js';
import { predictRewards } from './reward-model.js';
import { runOpe } from './run-ope.js';
import type { LoggedRow } from './types.js';

// Four logged rows, π(a) = 0.75, π(b) = 0.25 at every position; q̂(a) = 0.4, q̂(b) = 0.2 given by hand.
const rows: LoggedRow[] = [
  { action: 'a', position: 1, reward: 1, propensity: 0.5 }, // w = 1.5
  { action: 'b', position: 1, reward: 0, propensity: 0.5 }, // w = 0.5
  { action: 'a', position: 1, reward: 0, propensity: 0.25 }, // w = 3
  { action: 'b', position: 1, reward: 1, propensity: 0.75 }, // w = 1/3
];
const policy = tablePolicy('test', new Map(), new Map([['a', 0.75], ['b', 0.25]]));

function handTerms(): OpeTerms {
  const q = { a: 0.4, b: 0.2 };
  return {
    weight: importanceWeights(rows, targetProbabilities(rows, policy)),
    reward: Float64Array.from(rows, (r) => r.reward),
    factual: Float64Array.from(rows, (r) => q[r.action as 'a' | 'b']),
    underPolicy: new Float64Array(4).fill(0.75 * 0.4 + 0.25 * 0.2), // 0.35
    unit: Int32Array.from([0, 1, 2, 3]),
    units: 4,
    group: new Int32Array(4),
    groups: 1,
  };
}

describe('single-slot estimators, by hand', () => {
  it('weights are π(a) / propensity', () => {
    expect([...handTerms().weight]).toEqual([1.5, 0.5, 3, 1 / 3]);
  });

  it('DM, IPS, SNIPS, DR and SNDR match the worked values', () => {
    const v = estimateAll(handTerms());
    // IPS = (1.5·1 + (1/3)·1) / 4; Σw = 16/3
    expect(v.ips).toBeCloseTo((1.5 + 1 / 3) / 4, 12); // 0.458333
    expect(v.snips).toBeCloseTo((1.5 + 1 / 3) / (16 / 3), 12); // 0.34375
    expect(v.dm).toBeCloseTo(0.35, 12);
    // residual terms w(r − q̂): 0.9, −0.1, −1.2, 0.8/3 → sum −2/15
    expect(v.dr).toBeCloseTo(0.35 + -2 / 15 / 4, 12); // 0.316667
    expect(v.sndr).toBeCloseTo(0.35 + -2 / 15 / (16 / 3), 12); // 0.325
  });

  it('multiplicities count a unit several times (what the bootstrap uses)', () => {
    const v = estimateAll(handTerms(), [2, 0, 1, 1]);
    // rows 1, 1, 3, 4: IPS = (1.5 + 1.5 + 0 + 1/3) / 4; Σw = 1.5 + 1.5 + 3 + 1/3
    expect(v.ips).toBeCloseTo((3 + 1 / 3) / 4, 12);
    expect(v.snips).toBeCloseTo((3 + 1 / 3) / (6 + 1 / 3), 12);
  });

  it('the reward model of a saturated design with a vanishing penalty predicts each action\'s mean reward', () => {
    const logged: LoggedRow[] = [1, 1, 1, 0].map((r) => ({ action: 'a', position: 1, reward: r, propensity: 0.5 }))
      .concat([1, 0, 0, 0].map((r) => ({ action: 'b', position: 1, reward: r, propensity: 0.5 })));
    const q = predictRewards(logged, policy, { folds: 1, l2: 1e-9, seed: 1 });
    expect(q.link).toBe('logit');
    expect(q.factual[0]).toBeCloseTo(0.75, 5);
    expect(q.factual[4]).toBeCloseTo(0.25, 5);
    // DM = 0.75·0.75 + 0.25·0.25
    expect(runOpe({ source: 'test', rows: logged }, policy, { folds: 1, l2: 1e-9, resamples: 10 }).result.estimators.dm.value).toBeCloseTo(0.625, 5);
  });

  it('rewards outside [0, 1] use least squares: the per-action mean again', () => {
    const logged: LoggedRow[] = [{ action: 'a', position: 1, reward: 4, propensity: 0.5 }, { action: 'a', position: 1, reward: 2, propensity: 0.5 }, { action: 'b', position: 1, reward: 10, propensity: 0.5 }];
    const q = predictRewards(logged, policy, { folds: 1, l2: 1e-9, seed: 1 });
    expect(q.link).toBe('identity');
    expect(q.factual[0]).toBeCloseTo(3, 5);
    expect(q.factual[2]).toBeCloseTo(10, 5);
  });
});

describe('slate estimators (position-based independence), by hand', () => {
  // Two slates of two slots. π: position 1 → a; position 2 → a or b, half each.
  const slateRows: LoggedRow[] = [
    { action: 'a', position: 1, reward: 1, propensity: 0.5, slateId: 's1' }, // w = 2
    { action: 'b', position: 2, reward: 0, propensity: 0.5, slateId: 's1' }, // w = 1
    { action: 'b', position: 1, reward: 0, propensity: 0.5, slateId: 's2' }, // w = 0
    { action: 'a', position: 2, reward: 1, propensity: 0.25, slateId: 's2' }, // w = 2
  ];
  const slatePolicy = tablePolicy('slate', new Map([[1, new Map([['a', 1]])], [2, new Map([['a', 0.5], ['b', 0.5]])]]));
  const zeroModel = { factual: new Float64Array(4), underPolicy: new Float64Array(4), link: 'logit' as const };

  it('IPS sums each slate\'s weighted slot rewards; SNIPS normalizes each position on its own', () => {
    const weight = importanceWeights(slateRows, targetProbabilities(slateRows, slatePolicy));
    expect([...weight]).toEqual([2, 1, 0, 2]);
    const terms = buildTerms(slateRows, weight, zeroModel, 'slate');
    expect(terms.units).toBe(2);
    const v = estimateAll(terms);
    expect(v.ips).toBeCloseTo((2 * 1 + 2 * 1) / 2, 12); // 2 clicks per slate
    // position 1: mean weight (2 + 0)/2 = 1; position 2: (1 + 2)/2 = 1.5 → (2/1 + 2/1.5) / 2
    expect(v.snips).toBeCloseTo((2 + 2 / 1.5) / 2, 12);
    // With q̂ = 0 DR is IPS and SNDR is SNIPS.
    expect(v.dr).toBeCloseTo(v.ips, 12);
    expect(v.sndr).toBeCloseTo(v.snips, 12);
    // The same rows as single slots: the mean per row, half the per-slate value here.
    expect(estimateAll(buildTerms(slateRows, weight, zeroModel, 'slot')).ips).toBeCloseTo(1, 12);
  });

  it('slate evaluation needs a slate id on every row', () => {
    const rows2 = slateRows.map((r, i) => (i === 3 ? { ...r, slateId: undefined } : r));
    expect(() => buildTerms(rows2, new Float64Array(4), zeroModel, 'slate')).toThrow(/row 4/);
  });

  it('the bootstrap resamples whole slates', () => {
    const run = runOpe({ source: 'test', rows: slateRows }, slatePolicy, { unit: 'slate', folds: 1, resamples: 200, seed: 3 });
    // Each slate's weighted clicks sum to 2 (s1: 2·1 + 1·0, s2: 0·0 + 2·1), so every resample of two slates gives IPS = 2.
    expect(run.result.units).toBe(2);
    expect(new Set(run.samples.ips)).toEqual(new Set([2]));
    expect(run.result.estimators.ips.ci).toEqual([2, 2]);
  });
});
