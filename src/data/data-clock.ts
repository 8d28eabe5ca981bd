/**
 * @module The data's own clock: a snapshot's times with the long idle periods cut out.
 *
 * Ages in a snapshot are measured from `Dataset.now` (trending decay, topics' momentum, freshness, churn
 * horizons). A store that holds a historical import (say 1997) and live events (today) would age every historical
 * event by decades: trending collapses to the live posts' few tags, topics find no recent text, every historical
 * user's churn risk is 1. So when nobody did anything for longer than `MAX_IDLE_GAP_MS` (a gap between consecutive
 * event times, posts written after the first event counting as activity too; a catalogue's items created before any
 * event make no gap), the gap is cut down to `KEPT_GAP_MS`: every time before it moves forward by what was cut, and each
 * segment of activity reads as if it ran up to the next one. Live data has no such gap (somebody always acts), so its
 * clock is the calendar; the latest segment (and `now`) never moves. The map is monotone: order, and every
 * duration inside a segment, are kept.
 */

const DAY_MS = 86_400_000;
/** An idle period (no event from anyone) longer than this is cut. */
export const MAX_IDLE_GAP_MS = 30 * DAY_MS;
/** What a cut idle period keeps. */
export const KEPT_GAP_MS = 60_000;

export interface IdleGap {
  /** Last event time before the gap. */
  readonly from: number;
  /** First event time after it. */
  readonly to: number;
}

/** The idle gaps of ascending times longer than `maxGapMs`. */
export function idleGaps(ascending: ArrayLike<number>, maxGapMs = MAX_IDLE_GAP_MS): IdleGap[] {
  const gaps: IdleGap[] = [];
  for (let k = 1; k < ascending.length; k++) {
    const a = ascending[k - 1]!, b = ascending[k]!;
    if (b - a > maxGapMs) gaps.push({ from: a, to: b });
  }
  return gaps;
}

/** Two ascending lists of times merged into one. */
export function mergeAscending(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0, j = 0, k = 0;
  while (i < a.length || j < b.length) out[k++] = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
  return out;
}

/**
 * The clock with these gaps cut: t maps to t plus, for each gap, the time cut from it when t is before the gap;
 * a time inside a gap (a post created while nobody acted) is compressed linearly into what the gap keeps.
 */
export function cutGaps(gaps: readonly IdleGap[]): (t: number) => number {
  if (gaps.length === 0) return (t) => t;
  return (t) => {
    if (!Number.isFinite(t)) return t;
    let shift = 0;
    for (const { from, to } of gaps) {
      if (t >= to) continue;
      const len = to - from;
      if (t <= from) shift += len - KEPT_GAP_MS;
      else shift += to - (to - t) * (KEPT_GAP_MS / len) - t;
    }
    return t + shift;
  };
}

/** Applies `map` to every value of `times` in place. */
export function remapTimes(times: Float64Array, map: (t: number) => number): void {
  for (let k = 0; k < times.length; k++) times[k] = map(times[k]!);
}
