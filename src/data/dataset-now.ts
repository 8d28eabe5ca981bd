/**
 * @module The "now" of a dataset (`Dataset.now`), robust to far-future outliers.
 *
 * Models measure ages from `Dataset.now`: trending decay, in-network freshness, churn horizons. Were it simply the
 * latest time in the data, one event stamped 2100 would age every other event by 75 years (trending empties,
 * every churn risk goes to 1). So:
 * - times up to the wall clock plus a tolerance always count: for live and historical data alike, `now` is their
 *   latest, as it always was;
 * - a time beyond that counts only when it is not an outlier: at most hi + max(hi − lo, 1 day), where lo and hi
 *   are the 1st and 99th percentiles of all the times (estimated on a seeded reservoir sample). Data whose bulk
 *   lies ahead of the wall clock (fixtures, a server clock set wrong) keeps its latest time; the far-out 1% does not
 *   move it.
 */
import { DEFAULT_CONFIG } from '../core/config.js';
import { createRng, type Rng } from '../core/rng.js';

export interface DatasetNowOptions {
  /** The wall clock (epoch ms); `Date.now` by default. */
  clock?: () => number;
  /** How far past the clock a time still counts unconditionally (ms); default `server.maxFutureSkewSeconds`. */
  futureToleranceMs?: number;
}

const DAY_MS = 86_400_000;
/** Times kept to estimate the percentiles: the 1st and 99th of 4,096 draws are within about ±0.3 points. */
const SAMPLE_SIZE = 4096;
const LOW_QUANTILE = 0.01;
const HIGH_QUANTILE = 0.99;

/** Collects the times of a dataset (events, post creations) in one pass and tells its robust "now". */
export class NowTracker {
  private readonly horizon: number;
  private latestInPast = -Infinity;
  /** Times beyond the horizon: none in normal data. */
  private readonly ahead: number[] = [];
  private readonly sample = new Float64Array(SAMPLE_SIZE);
  private seen = 0;
  private readonly rng: Rng = createRng(1);

  constructor(options: DatasetNowOptions = {}) {
    const clock = options.clock ?? Date.now;
    this.horizon = clock() + (options.futureToleranceMs ?? DEFAULT_CONFIG.server.maxFutureSkewSeconds * 1000);
  }

  add(t: number): void {
    if (!Number.isFinite(t)) return;
    if (t <= this.horizon) {
      if (t > this.latestInPast) this.latestInPast = t;
    } else this.ahead.push(t);
    // Reservoir sampling (Vitter's algorithm R): every time has the same chance to be in the sample.
    if (this.seen < SAMPLE_SIZE) this.sample[this.seen] = t;
    else {
      const j = this.rng.int(this.seen + 1);
      if (j < SAMPLE_SIZE) this.sample[j] = t;
    }
    this.seen++;
  }

  /** The dataset's "now", or undefined when no time was added. */
  now(): number | undefined {
    let now = this.latestInPast;
    if (this.ahead.length > 0) {
      const fence = outlierFence(this.sample.slice(0, Math.min(this.seen, SAMPLE_SIZE)).sort());
      for (const t of this.ahead) if (t <= fence && t > now) now = t;
    }
    return Number.isFinite(now) ? now : undefined;
  }
}

/** Latest time that is not an outlier: the 99th percentile plus the 1st–99th percentile span (at least a day). */
function outlierFence(sorted: Float64Array): number {
  const at = (q: number): number => sorted[Math.floor(q * (sorted.length - 1))]!;
  const lo = at(LOW_QUANTILE), hi = at(HIGH_QUANTILE);
  return hi + Math.max(hi - lo, DAY_MS);
}
