import { describe, expect, it } from 'vitest';
import { isResonateError } from '../core/errors.js';
import { composedGuarantee, createBudgetLedger } from './budget-ledger.js';
import { zcdpEpsilon } from './zcdp.js';

const DAY = 86_400_000;

function ledgerAt(start: number, budget = { epsilon: 3, delta: 1e-5 }): { ledger: ReturnType<typeof createBudgetLedger>; clock: { t: number } } {
  const clock = { t: start };
  return { ledger: createBudgetLedger({ budget: () => budget, now: () => clock.t }), clock };
}

describe('budget ledger', () => {
  it('spends pure ε and δ by basic composition and says what is left', () => {
    const { ledger } = ledgerAt(10 * DAY + 1000);
    const s1 = ledger.spend('stats', { epsilon: 1, rho: 0, delta: 1e-6 });
    expect(s1.spent).toEqual({ epsilon: 1, delta: 1e-6 });
    expect(s1.left.epsilon).toBe(2);
    expect(s1.period).toEqual({ start: 10 * DAY, end: 11 * DAY });
    const s2 = ledger.spend('stats', { epsilon: 1, rho: 0, delta: 1e-6 });
    expect(s2.spent.epsilon).toBe(2);
    expect(s2.releases).toBe(2);
  });

  it('refuses a release that would exceed the budget with PRIVACY_BUDGET_EXCEEDED (429), recording nothing', () => {
    const { ledger, clock } = ledgerAt(10 * DAY + 3_600_000);
    ledger.spend('trending-hashtags', { epsilon: 2, rho: 0, delta: 0 });
    let error: unknown;
    try {
      ledger.spend('trending-hashtags', { epsilon: 1.5, rho: 0, delta: 0 });
    } catch (e) {
      error = e;
    }
    expect(isResonateError(error, 'PRIVACY_BUDGET_EXCEEDED')).toBe(true);
    if (!isResonateError(error)) throw new Error('unreachable');
    expect(error.statusCode).toBe(429);
    expect(error.retryAfterSeconds).toBe(23 * 3600);
    expect(error.message).toContain('trending-hashtags');
    expect(ledger.state('trending-hashtags').spent.epsilon).toBe(2);
    // What still fits is accepted; exactly the budget is allowed.
    expect(ledger.spend('trending-hashtags', { epsilon: 1, rho: 0, delta: 0 }).left.epsilon).toBe(0);
    // A δ over budget is refused too.
    expect(() => ledger.spend('other', { epsilon: 0.1, rho: 0, delta: 2e-5 })).toThrow(/privacy budget/);
    // The next UTC day starts afresh.
    clock.t = 11 * DAY;
    expect(ledger.state('trending-hashtags').spent.epsilon).toBe(0);
    expect(ledger.spend('trending-hashtags', { epsilon: 1.5, rho: 0, delta: 0 }).spent.epsilon).toBe(1.5);
  });

  it('keeps one budget per release name', () => {
    const { ledger } = ledgerAt(0);
    ledger.spend('a', { epsilon: 3, rho: 0, delta: 0 });
    expect(() => ledger.spend('a', { epsilon: 0.01, rho: 0, delta: 0 })).toThrow(/privacy budget/);
    expect(ledger.spend('b', { epsilon: 3, rho: 0, delta: 0 }).spent.epsilon).toBe(3);
  });

  it('composes Gaussian releases in zCDP: ten of them cost less than ten times one', () => {
    const { ledger } = ledgerAt(0, { epsilon: 100, delta: 1e-5 });
    const cost = { epsilon: 0, rho: 0.02, delta: 1e-7 };
    const first = ledger.spend('g', cost);
    for (let i = 1; i < 10; i++) ledger.spend('g', cost);
    const after = ledger.state('g');
    expect(after.spent.epsilon).toBeCloseTo(zcdpEpsilon(0.2, 1e-5 - 1e-6), 10);
    expect(after.spent.epsilon).toBeLessThan(10 * first.spent.epsilon);
    expect(after.spent.delta).toBe(1e-5);
  });

  it('refuses a zCDP release when the selections leave no δ to convert ρ with', () => {
    expect(composedGuarantee({ epsilon: 0, rho: 0.1, delta: 1e-5 }, 1e-5)).toBeUndefined();
    const { ledger } = ledgerAt(0, { epsilon: 100, delta: 1e-5 });
    expect(() => ledger.spend('g', { epsilon: 0, rho: 0.1, delta: 1e-5 })).toThrow(/privacy budget/);
  });

  it('refuses negative or non-finite costs', () => {
    const { ledger } = ledgerAt(0);
    expect(() => ledger.spend('a', { epsilon: -1, rho: 0, delta: 0 })).toThrow(/cost.epsilon/);
    expect(() => ledger.spend('a', { epsilon: 0, rho: Infinity, delta: 0 })).toThrow(/cost.rho/);
  });
});
