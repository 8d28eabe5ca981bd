/**
 * @module Per-user contribution bounding, the first step of every user-level private count: whatever a user did,
 * they add at most `linf` to the count of any one key and touch at most `l0` keys, so one user moves the vector of
 * counts by at most L1 = l0·linf and L2 = √l0·linf, the sensitivities the noise is calibrated to.
 *
 * A user with more than `l0` distinct keys keeps `l0` of them drawn uniformly at random without replacement (from
 * the release's random source, crypto by default): a choice by frequency or recency would depend on the data in a
 * way the analysis does not cover. Counts above `linf` are cut to `linf` (every event weighs the same, so which
 * events are kept does not matter).
 */
import { createError } from '../core/errors.js';
import { cryptoRandom, type RandomSource } from './random-source.js';

export interface ContributionBounds {
  /** Most distinct keys one user contributes to. */
  readonly l0: number;
  /** Most one user adds to one key's count. */
  readonly linf: number;
}

/** One user's contribution to one key (an event on a post with a hashtag, say). */
export interface Contribution {
  readonly user: string;
  readonly key: string;
}

export function checkBounds(bounds: ContributionBounds): void {
  for (const field of ['l0', 'linf'] as const) {
    const v = bounds[field];
    if (!(Number.isSafeInteger(v) && v >= 1)) throw createError('INVALID_INPUT', { field, problem: `expected a whole number ≥ 1, got ${v}` });
  }
}

/** L1 sensitivity of the bounded counts: l0·linf. */
export function l1Sensitivity(bounds: ContributionBounds): number {
  return bounds.l0 * bounds.linf;
}

/** L2 sensitivity of the bounded counts: √l0·linf. */
export function l2Sensitivity(bounds: ContributionBounds): number {
  return Math.sqrt(bounds.l0) * bounds.linf;
}

/** `k` of the items drawn uniformly without replacement (a partial Fisher–Yates shuffle of a copy). */
export function sampleWithoutReplacement<T>(items: readonly T[], k: number, random: RandomSource = cryptoRandom): T[] {
  const a = items.slice();
  const n = Math.min(k, a.length);
  for (let i = 0; i < n; i++) {
    const j = i + Number(random.below(BigInt(a.length - i)));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

/**
 * Bounded count of each key: every user's contributions are grouped by key, each key's count is cut to `linf`, and
 * a user with more than `l0` keys keeps a uniform sample of `l0` of them.
 * @example boundContributions(events.map((e) => ({ user: e.user, key: tag })), { l0: 3, linf: 1 })
 */
export function boundContributions(contributions: Iterable<Contribution>, bounds: ContributionBounds, random: RandomSource = cryptoRandom): Map<string, number> {
  checkBounds(bounds);
  const perUser = new Map<string, Map<string, number>>();
  for (const { user, key } of contributions) {
    let keys = perUser.get(user);
    if (keys === undefined) perUser.set(user, (keys = new Map()));
    keys.set(key, (keys.get(key) ?? 0) + 1);
  }
  const counts = new Map<string, number>();
  for (const keys of perUser.values()) {
    const all = [...keys.keys()];
    const kept = all.length > bounds.l0 ? sampleWithoutReplacement(all, bounds.l0, random) : all;
    for (const key of kept) counts.set(key, (counts.get(key) ?? 0) + Math.min(keys.get(key)!, bounds.linf));
  }
  return counts;
}
