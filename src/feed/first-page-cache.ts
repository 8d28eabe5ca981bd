/**
 * @module How this process answered first-page feed requests, for the metrics: from its own memory (a list ranked
 * within the TTL), from a list another process shared (Redis), or by ranking. Counted over every feed of the
 * process (versions come and go; the rate is what is watched).
 */

export type FirstPageOrigin = 'local' | 'shared' | 'ranked';

const counts: Record<FirstPageOrigin, number> = { local: 0, shared: 0, ranked: 0 };

export function countFirstPage(origin: FirstPageOrigin): void {
  counts[origin]++;
}

/** The counts since the process started. */
export function firstPageCounts(): Readonly<Record<FirstPageOrigin, number>> {
  return { ...counts };
}
