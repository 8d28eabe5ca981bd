/**
 * @module A privacy-budget ledger: each named release (`trending-hashtags`, `stats`, …) has an (ε, δ) budget per
 * period (a UTC day by default); every release spends from it first, and one that would go over is refused with
 * PRIVACY_BUDGET_EXCEEDED (429, with `retry-after` the seconds until the next period) before any data is read.
 *
 * Composition within a period, per release name:
 * - pure ε costs (discrete Laplace counts) add up (basic composition), and so do the δ's of key selection;
 * - zCDP costs ρ (discrete Gaussian counts) add up, and Σρ is turned into ε at the δ the selections leave,
 *   δ_budget − Σδ_selection (`zcdp.ts`); that ε is added to the pure ε's (basic composition of the two parts).
 * So the guarantee of a period's releases is (ε_spent, δ_spent) with ε_spent = Σε + ε_zCDP(Σρ, δ_budget − Σδ) and
 * δ_spent = Σδ, or δ_budget as soon as a zCDP release is among them (the conversion uses the rest of δ, so δ left
 * then reads 0 and ε left is what limits further releases).
 *
 * The ledger lives in the memory of one process: a restart, or another server process, starts with a full budget.
 * The per-day guarantee therefore holds per process lifetime within a day; run one serving process for the private
 * routes, or divide the budget by the number of processes.
 */
import { createError } from '../core/errors.js';
import { zcdpEpsilon } from './zcdp.js';

/** What one release costs: a pure-ε part, a zCDP part and an additive δ (from key selection). */
export interface PrivacyCost {
  readonly epsilon: number;
  readonly rho: number;
  readonly delta: number;
}

export interface PrivacyBudget {
  readonly epsilon: number;
  readonly delta: number;
}

export interface BudgetState {
  readonly release: string;
  readonly budget: PrivacyBudget;
  /** The (ε, δ) guarantee of this period's releases so far. */
  readonly spent: PrivacyBudget;
  readonly left: PrivacyBudget;
  /** Releases made in this period. */
  readonly releases: number;
  /** The period, epoch milliseconds [start, end). */
  readonly period: { readonly start: number; readonly end: number };
}

export interface BudgetLedgerOptions {
  /** The budget of a release name. */
  readonly budget: (release: string) => PrivacyBudget;
  /** Length of a period in ms; periods are aligned on the epoch (UTC days for the default of 86,400,000). */
  readonly periodMs?: number;
  readonly now?: () => number;
}

export interface BudgetLedger {
  /** Budget, spending and what is left of a release in the current period. */
  state(release: string): BudgetState;
  /** Records a release's cost and returns the state after it; throws PRIVACY_BUDGET_EXCEEDED (nothing recorded) when it does not fit. */
  spend(release: string, cost: PrivacyCost): BudgetState;
}

interface Totals {
  epsilon: number;
  rho: number;
  delta: number;
  releases: number;
}

/** The (ε, δ) guarantee of composed costs, or undefined when δ leaves nothing to convert a ρ with. */
export function composedGuarantee(totals: Omit<Totals, 'releases'>, budgetDelta: number): PrivacyBudget | undefined {
  if (totals.rho === 0) return { epsilon: totals.epsilon, delta: totals.delta };
  const conversionDelta = budgetDelta - totals.delta;
  if (!(conversionDelta > 0)) return undefined;
  return { epsilon: totals.epsilon + zcdpEpsilon(totals.rho, conversionDelta), delta: budgetDelta };
}

export function checkCost(cost: PrivacyCost): void {
  for (const field of ['epsilon', 'rho', 'delta'] as const) {
    const v = cost[field];
    if (!(v >= 0 && Number.isFinite(v))) throw createError('INVALID_INPUT', { field: `cost.${field}`, problem: `expected a finite number ≥ 0, got ${v}` });
  }
}

/**
 * @example
 * const ledger = createBudgetLedger({ budget: () => ({ epsilon: 10, delta: 1e-5 }) });
 * ledger.spend('trending-hashtags', plan.cost); // throws PRIVACY_BUDGET_EXCEEDED once the day's budget is used
 */
export function createBudgetLedger(options: BudgetLedgerOptions): BudgetLedger {
  const periodMs = options.periodMs ?? 86_400_000;
  const now = options.now ?? Date.now;
  if (!(periodMs > 0)) throw createError('INVALID_INPUT', { field: 'periodMs', problem: `expected a period > 0 ms, got ${periodMs}` });
  const ledgers = new Map<string, { periodStart: number; totals: Totals }>();

  const current = (release: string): { start: number; totals: Totals } => {
    const start = Math.floor(now() / periodMs) * periodMs;
    let entry = ledgers.get(release);
    if (entry === undefined || entry.periodStart !== start) {
      entry = { periodStart: start, totals: { epsilon: 0, rho: 0, delta: 0, releases: 0 } };
      ledgers.set(release, entry);
    }
    return { start, totals: entry.totals };
  };

  const stateOf = (release: string, start: number, totals: Totals): BudgetState => {
    const budget = options.budget(release);
    const spent = composedGuarantee(totals, budget.delta) ?? { epsilon: Infinity, delta: budget.delta };
    return {
      release, budget, spent, releases: totals.releases,
      left: { epsilon: Math.max(0, budget.epsilon - spent.epsilon), delta: Math.max(0, budget.delta - spent.delta) },
      period: { start, end: start + periodMs },
    };
  };

  return {
    state(release) {
      const { start, totals } = current(release);
      return stateOf(release, start, totals);
    },
    spend(release, cost) {
      checkCost(cost);
      const { start, totals } = current(release);
      const budget = options.budget(release);
      const after = { epsilon: totals.epsilon + cost.epsilon, rho: totals.rho + cost.rho, delta: totals.delta + cost.delta };
      const guarantee = composedGuarantee(after, budget.delta);
      // A tiny tolerance: ε's summed in floating point must not refuse a budget set to exactly n releases.
      if (guarantee === undefined || guarantee.epsilon > budget.epsilon * (1 + 1e-12) || guarantee.delta > budget.delta * (1 + 1e-12)) {
        const spent = stateOf(release, start, totals).spent;
        throw createError('PRIVACY_BUDGET_EXCEEDED', {
          release,
          spent: spent.epsilon.toPrecision(4),
          budget: budget.epsilon,
          budgetDelta: budget.delta,
          retryAfterSeconds: Math.max(1, Math.ceil((start + periodMs - now()) / 1000)),
        });
      }
      Object.assign(totals, after, { releases: totals.releases + 1 });
      return stateOf(release, start, totals);
    },
  };
}
