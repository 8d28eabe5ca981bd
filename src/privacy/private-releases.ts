/**
 * @module The private releases the API serves: trending hashtags or posts (noisy counts of distinct engaging users,
 * keys selected by threshold) and dataset stats (noisy counts), each spending from its budget in a ledger first.
 *
 * A release is kept for `reuseSeconds` and served again to any request in that time: re-serving a released result is
 * post-processing and costs nothing, and it keeps a polling dashboard from draining the budget.
 */
import type { ResonateConfig } from '../core/config.js';
import { createBudgetLedger, type BudgetLedger, type BudgetState } from './budget-ledger.js';
import { boundContributions } from './contribution-bounding.js';
import { planCounts, releaseKnownCounts, releaseSelectedCounts, type DpCountPlan, type DpMechanism, type NoisyCount } from './dp-count.js';
import { statsCounts, trendingContributions, type PrivateTrendingKind, type StatsCounts, type TimeWindow } from './private-aggregates.js';
import { cryptoRandom, type RandomSource } from './random-source.js';
import type { Store } from '../storage/store.js';

export type DpConfig = ResonateConfig['privacy']['dp'];

export interface ReleaseInfo {
  readonly release: string;
  readonly mechanism: DpMechanism;
  /** (ε, δ) of this release alone. */
  readonly epsilon: number;
  readonly delta: number;
  readonly l0: number;
  readonly linf: number;
  /** Standard deviation of the noise on each count. */
  readonly noiseSd: number;
  /** Least count released (keys below it are dropped); absent for the stats. */
  readonly threshold?: number;
  readonly window: TimeWindow;
  /** When the release was made (epoch ms). */
  readonly releasedAt: number;
  /** True when this answer re-serves an earlier release (no budget spent). */
  readonly reused: boolean;
  readonly budget: BudgetState;
}

export interface PrivateRelease<T> {
  readonly value: T;
  readonly privacy: ReleaseInfo;
}

export interface PrivateReleasesOptions {
  readonly store: Pick<Store, 'eventsBetween' | 'getPosts' | 'postsBetween' | 'counts'>;
  readonly dp: DpConfig;
  /** Default: a ledger with `dp.budgetPerDay` for every release name, per UTC day. */
  readonly ledger?: BudgetLedger;
  /** Default: crypto randomness. */
  readonly random?: RandomSource;
  readonly now?: () => number;
}

export interface PrivateReleases {
  readonly ledger: BudgetLedger;
  /** Noisy counts of the keys above the threshold, largest first. */
  trending(kind: PrivateTrendingKind): Promise<PrivateRelease<NoisyCount[]>>;
  stats(): Promise<PrivateRelease<StatsCounts>>;
}

export const releaseName = (kind: PrivateTrendingKind): string => `trending-${kind}`;
export const STATS_RELEASE = 'stats';

export function createPrivateReleases(options: PrivateReleasesOptions): PrivateReleases {
  const { store, dp } = options;
  const now = options.now ?? Date.now;
  const random = options.random ?? cryptoRandom;
  const ledger = options.ledger ?? createBudgetLedger({ budget: () => dp.budgetPerDay, now });
  const made = new Map<string, { at: number; result: Promise<PrivateRelease<unknown>> }>();
  const common = { epsilon: dp.epsilon, delta: dp.delta, mechanism: dp.mechanism } as const;
  const trendingPlan = planCounts({ ...common, bounds: { l0: dp.l0, linf: dp.linf }, keys: 'unknown' });
  // users (1 per user), posts and events (≤ statsCap each): within l0 = 3 keys of at most statsCap.
  const statsPlan = planCounts({ ...common, bounds: { l0: 3, linf: dp.statsCap }, keys: 'known' });

  const window = (at: number): TimeWindow => ({ since: at - dp.windowHours * 3_600_000, before: at });

  const info = (release: string, plan: DpCountPlan, at: number, budget: BudgetState): ReleaseInfo => ({
    release, mechanism: plan.mechanism, epsilon: plan.epsilon, delta: plan.delta, l0: plan.bounds.l0, linf: plan.bounds.linf,
    noiseSd: plan.noiseSd, ...(plan.threshold === undefined ? {} : { threshold: plan.threshold }), window: window(at), releasedAt: at, reused: false, budget,
  });

  /** The release made in the last reuseSeconds, or a new one (spending first; a refused spend reads nothing). */
  async function release<T>(name: string, plan: DpCountPlan, compute: (w: TimeWindow) => Promise<T>): Promise<PrivateRelease<T>> {
    const t = now();
    const previous = made.get(name);
    if (previous !== undefined && t - previous.at < dp.reuseSeconds * 1000) {
      const r = (await previous.result) as PrivateRelease<T>;
      return { value: r.value, privacy: { ...r.privacy, reused: true, budget: ledger.state(name) } };
    }
    const budget = ledger.spend(name, plan.cost);
    const result = compute(window(t)).then((value) => ({ value, privacy: info(name, plan, t, budget) }));
    made.set(name, { at: t, result });
    // A failed release is not served again (its budget stays spent: the data may have been read).
    result.catch(() => made.get(name)?.result === result && made.delete(name));
    return result;
  }

  return {
    ledger,
    trending: (kind) =>
      release(releaseName(kind), trendingPlan, async (w) => {
        const counts = boundContributions(await trendingContributions(store, kind, w), trendingPlan.bounds, random);
        return releaseSelectedCounts(counts, trendingPlan, random);
      }),
    stats: () => release(STATS_RELEASE, statsPlan, async (w) => releaseKnownCounts({ ...(await statsCounts(store, w, dp.statsCap)) }, statsPlan, random)),
  };
}
